// splitSegments (src/mail/authenticate.ts) copies runs of ordinary characters as slices; its segments
// must be those of the character-by-character reading it replaced (kept below as the reference).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { splitSegments } from '../../src/mail/authenticate.js';

function reference(value: string): Array<{ text: string; comment: string }> {
  const segments: Array<{ text: string; comment: string }> = [];
  let text = '';
  let comment = '';
  let depth = 0;
  let quoted = false;
  for (let i = 0; i < value.length; i++) {
    const ch = value[i]!;
    if (quoted) {
      if (ch === '\\' && i + 1 < value.length) text += value[++i];
      else if (ch === '"') quoted = false;
      else text += ch;
    } else if (depth > 0) {
      if (ch === '(') depth++;
      else if (ch === ')') depth--;
      comment += depth > 0 ? ch : ' ';
    } else if (ch === '(') {
      depth = 1;
      text += ' ';
    } else if (ch === '"') quoted = true;
    else if (ch === ';') {
      segments.push({ text, comment });
      text = '';
      comment = '';
    } else text += ch;
  }
  segments.push({ text, comment });
  return segments;
}

describe('splitSegments (Authentication-Results)', () => {
  it('splits like the character-by-character reading on real-looking values', () => {
    const values = [
      '',
      'mx.google.com; dkim=pass header.i=@example.com header.s=s1 header.b=abc; spf=pass (google.com: domain of a@example.com designates 192.0.2.1 as permitted sender) smtp.mailfrom=a@example.com; dmarc=pass (p=REJECT sp=REJECT dis=NONE) header.from=example.com',
      'spf=fail (sender IP is 192.0.2.1) smtp.mailfrom=x.example; dkim=none (message not signed) header.d=none;dmarc=fail action=oreject header.from=x.example;compauth=fail reason=000',
      'a (nested (comment; with) semicolons) b; "quoted; \\"string\\"" c',
      'trailing backslash in quotes "abc\\',
      'unclosed (comment',
      'unclosed "quote; here',
      'stray ) paren; and ((( deep',
      '\ud83d\ude00 "\\\ud83d\ude00"; (\ud83d\ude00)',
    ];
    for (const value of values) assert.deepEqual(splitSegments(value), reference(value), JSON.stringify(value));
  });

  it('splits like the character-by-character reading on random strings of its special characters', () => {
    const alphabet = ['(', ')', '"', '\\', ';', ' ', 'a', 'b=c', '\ud83d', '\ude00'];
    let seed = 3;
    const random = (n: number) => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed % n;
    };
    for (let round = 0; round < 30000; round++) {
      let value = '';
      const count = random(16);
      for (let i = 0; i < count; i++) value += alphabet[random(alphabet.length)];
      assert.deepEqual(splitSegments(value), reference(value), JSON.stringify(value));
    }
  });
});
