// HtmlTextBuilder (src/mail/body-links.ts) tidies an HTML body's text in whole-text passes; it must
// give what tidying piece by piece gave (the reference below), whatever the whitespace, the block
// breaks, the NUL characters (its break mark) and the length limit.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { HtmlTextBuilder } from '../../src/mail/body-links.js';

type Event = string | null; // null: a block element's line break

function reference(events: Event[], maxChars: number): string {
  const chunks: string[] = [];
  let length = 0;
  const push = (text: string) => {
    if (length >= maxChars) return;
    chunks.push(text);
    length += text.length;
  };
  for (const event of events) push(event === null ? '\n' : event.replace(/[ \t\n\r\f]+/g, ' '));
  return chunks
    .join('')
    .replace(/[ \t\r\f\v\u00a0]+/g, ' ')
    .replace(/ ?\n ?/g, '\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim()
    .slice(0, maxChars);
}

function built(events: Event[], maxChars: number): string {
  const builder = new HtmlTextBuilder(maxChars);
  for (const event of events) {
    if (event === null) builder.block();
    else builder.text(event);
  }
  return builder.finish();
}

const PARTS = [' ', '  ', '\t', '\n', '\r\n', '\f', '\v', '\u00a0', '\u3000', '\u2028', '\ufeff', '\u0000', 'a', 'bc', 'déf', '日本', '.', ''];

describe('HtmlTextBuilder', () => {
  it('tidies like the piece-by-piece reading on hand-picked cases', () => {
    const cases: Event[][] = [
      [],
      [null, null, null],
      ['  a  ', null, '  b  '],
      ['a\n', null, null, null, null, '\nb'],
      ['\u00a0 a \u00a0', null, '\v', null, ' b'],
      ['x\u0000y', null, 'z'],
      ['\u0000', null, '\u0000'],
      ['\u3000lead', null, 'trail\u3000'],
    ];
    for (const events of cases) for (const max of [1, 3, 5, 200_000]) assert.equal(built(events, max), reference(events, max), JSON.stringify({ events, max }));
  });

  it('tidies like the piece-by-piece reading on random pieces, breaks and limits', () => {
    let seed = 7;
    const random = (n: number) => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed % n;
    };
    for (let round = 0; round < 20000; round++) {
      const events: Event[] = [];
      const count = random(12);
      for (let i = 0; i < count; i++) {
        if (random(4) === 0) {
          events.push(null);
          continue;
        }
        let piece = '';
        const parts = 1 + random(5);
        for (let j = 0; j < parts; j++) piece += PARTS[random(PARTS.length)];
        events.push(piece);
      }
      const max = random(3) === 0 ? 200_000 : 1 + random(30);
      assert.equal(built(events, max), reference(events, max), JSON.stringify({ events, max }));
    }
  });
});
