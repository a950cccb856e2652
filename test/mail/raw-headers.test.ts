// readRawHeaders reads an ASCII header block by walking it by index; what it gives must be what
// splitting the block into lines gives (the reference below is that earlier reading, kept here).
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { findHeaderBounds, isFieldNameChar, readRawHeaders } from '../../src/mail/headers.js';
import { corpusDir, corpusPaths } from '../support/cli.js';


function referenceRead(block: string, maxFields: number): { fields: Array<{ key: string; raw: string }>; truncated: boolean } {
  const fields: Array<{ key: string; raw: string }> = [];
  let current: { key: string; parts: string[] } | undefined;
  let truncated = false;
  const flush = () => {
    if (current) fields.push({ key: current.key, raw: current.parts.join('') });
    current = undefined;
  };
  for (const line of block.split('\n')) {
    const text = line.endsWith('\r') ? line.slice(0, -1) : line;
    if (text === '') continue;
    if (text[0] === ' ' || text[0] === '\t') {
      current?.parts.push(text);
      continue;
    }
    flush();
    const colon = text.indexOf(':');
    if (colon > 0 && /^[\x21-\x39\x3b-\x7e]+$/.test(text.slice(0, colon))) {
      if (fields.length >= maxFields) {
        truncated = true;
        break;
      }
      current = { key: text.slice(0, colon).toLowerCase(), parts: [text.slice(colon + 1).replace(/^[ \t]+/, '')] };
    }
  }
  flush();
  for (const field of fields) field.raw = field.raw.trim();
  return { fields, truncated };
}

function assertSameAsReference(block: string, maxFields = 2000, name = JSON.stringify(block.slice(0, 80))): void {
  const bytes = new Uint8Array(Buffer.from(block, 'latin1'));
  const read = readRawHeaders(bytes, { headerEnd: bytes.length, bodyStart: bytes.length }, maxFields);
  assert.deepEqual(read, referenceRead(block, maxFields), name);
}

describe('readRawHeaders on ASCII header blocks', () => {
  it('knows the field-name characters of RFC 5322', () => {
    for (let code = 0; code < 0x100; code++) assert.equal(isFieldNameChar(code), /^[\x21-\x39\x3b-\x7e]$/.test(String.fromCharCode(code)), `${code}`);
  });

  const blocks = [
    'Subject: a\r\nFrom: b@c.example\r\n',
    'Subject:   spaced \t\r\n\tfolded  \r\n more\r\nX-Empty:\r\nX-Blank: \t \r\n',
    'No colon here\nKey With Space: v\n: empty name\nA:b:c\n-weird-name!: ok\nTo: x\n',
    ' leading continuation\nSubject: s\n\r\nAfter: a CR-only line between\n',
    'Subject: one\r\r\nX-Two-CRs: v\r\r\nLast: no line break',
    'Received: from a\n\tby b\n (comment: with colon)\n\nnot: reached by the reader but still in the block\n',
    'Subject: \u000b vertical tab and form feed \u000c\nX: \u001f unit separator is not trimmed \u001f\n',
    'X:\nY:\n\tcontinued empty\n',
  ];
  for (const block of blocks) it(`matches splitting into lines: ${JSON.stringify(block.slice(0, 40))}`, () => assertSameAsReference(block));

  it('stops at the field limit the same way', () => {
    for (const max of [0, 1, 2, 3]) assertSameAsReference('A: 1\nB: 2\n continued\nnot a field\nC: 3\nD: 4\n', max);
  });

  it("matches splitting into lines on the corpus's ASCII header blocks (every fourth file)", (t) => {
    const paths = corpusPaths(t);
    if (!paths) return;
    let compared = 0;
    for (let i = 3; i < paths.length; i += 4) {
      const bytes = new Uint8Array(readFileSync(join(corpusDir, paths[i]!)));
      const block = Buffer.from(bytes.subarray(0, findHeaderBounds(bytes).headerEnd)).toString('latin1');
      if (/[^\x00-\x7f]|\x1b/.test(block)) continue;
      assertSameAsReference(block, 2000, paths[i]);
      compared++;
    }
    assert.ok(compared > 1500, `compared ${compared} header blocks`);
  });
});
