// splitClauses (src/mail/received.ts) scans a Received value by hand; its clauses must be those the
// regex tokenizer it replaced found (kept below as the reference), on edge cases and the corpus.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { findHeaderBounds, readRawHeaders } from '../../src/mail/headers.js';
import { isRegexSpace, splitClauses } from '../../src/mail/received.js';
import { corpusDir, corpusPaths } from '../support/cli.js';

const CLAUSE_WORDS = new Set(['from', 'by', 'via', 'with', 'id', 'for']);

function reference(value: string): Record<string, { first: string | undefined; text: string }> {
  const clauses: Record<string, { words: string[]; text: string }> = {};
  let current: { words: string[]; text: string } | undefined;
  let currentStart = 0;
  let depth = 0;
  for (const match of value.matchAll(/[()]|[^\s()]+/g)) {
    const token = match[0];
    if (token === '(') depth++;
    else if (token === ')') {
      if (depth > 0) depth--;
    } else if (depth === 0) {
      const lower = token.length <= 4 ? token.toLowerCase() : '';
      if (lower && CLAUSE_WORDS.has(lower) && !clauses[lower]) {
        if (current) current.text = value.slice(currentStart, match.index);
        current = { words: [], text: '' };
        clauses[lower] = current;
        currentStart = match.index + token.length;
      } else if (current) current.words.push(token);
    }
  }
  if (current) current.text = value.slice(currentStart);
  return Object.fromEntries(Object.entries(clauses).map(([name, clause]) => [name, { first: clause.words[0], text: clause.text }]));
}

function scanned(value: string): Record<string, { first: string | undefined; text: string }> {
  return Object.fromEntries(Object.entries(splitClauses(value)).map(([name, clause]) => [name, { first: clause!.words[0], text: clause!.text }]));
}

describe('splitClauses', () => {
  it('treats exactly the characters of \\s as white space', () => {
    for (let code = 0; code <= 0xffff; code++) assert.equal(isRegexSpace(code), /\s/.test(String.fromCharCode(code)), `U+${code.toString(16)}`);
  });

  it('finds the clauses the regex tokenizer found on edge cases', () => {
    const values = [
      '',
      'from a.example (b.example [192.0.2.1]) by c.example with ESMTPS id X1 for <u@d.example>',
      'FROM a BY b WITH smtp ID 1 FOR x',
      'from(a)by(b)with(c)',
      'from a (comment (nested by x) with y) by b',
      'from a) by b ((( with c',
      'by only.example',
      'from\u00a0a\u3000by\u2028b\ufeffwith\u180ec',
      'from from by by with',
      'for <a@b> from c id 42 via relay',
      'x y z from',
      '\tfrom  a\r\n\tby b ;',
    ];
    for (const value of values) assert.deepEqual(scanned(value), reference(value), JSON.stringify(value));
  });

  it("finds the clauses the regex tokenizer found in the corpus's Received headers (every second file)", (t) => {
    const paths = corpusPaths(t);
    if (!paths) return;
    let compared = 0;
    for (let i = 0; i < paths.length; i += 2) {
      const bytes: Uint8Array = new Uint8Array(readFileSync(join(corpusDir, paths[i]!)));
      for (const field of readRawHeaders(bytes, findHeaderBounds(bytes), 2000).fields) {
        if (field.key !== 'received') continue;
        const route = field.raw.slice(0, Math.max(0, field.raw.lastIndexOf(';')) || field.raw.length);
        assert.deepEqual(scanned(route), reference(route), `${paths[i]}: ${route.slice(0, 80)}`);
        compared++;
      }
    }
    assert.ok(compared > 10000, `compared ${compared} Received values`);
  });
});
