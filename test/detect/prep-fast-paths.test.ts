// The shortcuts that preparing a judgement takes must give exactly what the plain definitions give: each test
// below compares a fast path with the slow expression it replaces, on inputs built to sit at its edges.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { collapsedLength, collapseSpaces, isSpaceCode, normaliseText } from '../../src/detect/text.js';

/** A small deterministic generator, so a failure names its seed and repeats. */
function random(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state * 16807) % 2147483647;
    return state / 2147483647;
  };
}

// every kind of character the shortcuts treat differently: plain and wide spaces, line ends, invisible and
// combining characters, a final-sigma context, surrogate halves, Japanese, full-width letters
const PIECES = [
  ' ', '  ', '\n', '\r\n', '\t', '\v', '\f', '\u00a0', '\u1680', '\u2003', '\u2028', '\u2029', '\u202f', '\u3000', '\ufeff',
  '\u200b', '\u00ad', '\u0301', 'a', 'B', 'word', 'ΟΔΟΣ', 'σ', 'é', 'ﬁ', 'Ａ', '共有', 'ｶﾀｶﾅ', '\ud83d\ude00', '\ud83d', '\ude00', '_', '-', '.',
];

function randomText(next: () => number, maxPieces: number): string {
  let text = '';
  const n = Math.floor(next() * maxPieces);
  for (let i = 0; i < n; i++) text += PIECES[Math.floor(next() * PIECES.length)];
  return text;
}

describe('detect: fast paths of text normalisation', () => {
  it('isSpaceCode agrees with /\\s/ on every UTF-16 code unit', () => {
    const space = /^\s$/;
    for (let code = 0; code < 0x10000; code++) {
      assert.equal(isSpaceCode(code), space.test(String.fromCharCode(code)), `U+${code.toString(16)}`);
    }
  });

  it('collapseSpaces and collapsedLength give what /\\s+/g → " " (and trim) gives', () => {
    const fixed = ['', ' ', '  ', 'a', ' a ', 'a  b', 'a\nb', 'a \n b', '\u3000a\u00a0\u00a0b\t', 'a b c', ' \u2028 ', 'x\ufeff y'];
    const next = random(13);
    const samples = [...fixed, ...Array.from({ length: 3000 }, () => randomText(next, 24))];
    for (const text of samples) {
      const slow = text.replace(/\s+/g, ' ');
      assert.equal(collapseSpaces(text), slow, JSON.stringify(text));
      assert.equal(collapsedLength(text), slow.trim().length, JSON.stringify(text));
    }
  });

  it('normaliseText is NFKC, invisible characters out, lower case, spaces collapsed and trimmed', () => {
    // biome-ignore lint/complexity/useRegexLiterals: a literal would trip the combining-character lint
    const invisible = new RegExp('[\\u00ad\\u034f\\u061c\\u115f\\u1160\\u17b4\\u17b5\\u180b-\\u180e\\u200b-\\u200f\\u202a-\\u202e\\u2060-\\u206f\\u3164\\ufe00-\\ufe0f\\ufeff\\uffa0]', 'g');
    const next = random(7);
    for (let i = 0; i < 3000; i++) {
      const text = randomText(next, 24);
      const slow = text.normalize('NFKC').replace(invisible, '').toLowerCase().replace(/\s+/g, ' ').trim();
      assert.equal(normaliseText(text), slow, JSON.stringify(text));
    }
  });
});
