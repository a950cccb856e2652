// src/mail/charset.ts and headers.ts ask node:buffer's isUtf8 before decoding strictly as UTF-8, and
// skip the strict decoder when it says no. That is only right if isUtf8 never refuses what the
// strict decoder accepts; this checks the two agree at every edge of UTF-8 and on random bytes.
import assert from 'node:assert/strict';
import { isUtf8 } from 'node:buffer';
import { TextDecoder } from 'node:util';
import { describe, it } from 'node:test';

const strict = new TextDecoder('utf-8', { fatal: true });
const strictKeepingBom = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

function strictAccepts(decoder: TextDecoder, bytes: Uint8Array): boolean {
  try {
    decoder.decode(bytes);
    return true;
  } catch {
    return false;
  }
}

function assertAgree(bytes: Uint8Array): void {
  const name = Buffer.from(bytes).toString('hex');
  assert.equal(isUtf8(bytes), strictAccepts(strict, bytes), name);
  assert.equal(isUtf8(bytes), strictAccepts(strictKeepingBom, bytes), name);
}

describe('isUtf8 and the strict UTF-8 decoder', () => {
  it('agree on every one- and two-byte sequence, and on three-byte sequences around the edges', () => {
    for (let a = 0; a < 256; a++) {
      assertAgree(new Uint8Array([a]));
      for (let b = 0; b < 256; b++) assertAgree(new Uint8Array([a, b]));
    }
    const leads = [0xe0, 0xe1, 0xec, 0xed, 0xee, 0xef, 0xf0, 0xf1, 0xf3, 0xf4, 0xf5, 0xf8, 0xff];
    const continuations = [0x00, 0x41, 0x7f, 0x80, 0x8f, 0x90, 0x9f, 0xa0, 0xbf, 0xc0, 0xff];
    for (const a of leads) for (const b of continuations) for (const c of continuations) {
      assertAgree(new Uint8Array([a, b, c]));
      for (const d of continuations) assertAgree(new Uint8Array([a, b, c, d]));
    }
    assertAgree(new Uint8Array([0xef, 0xbb, 0xbf, 0x41]));
    assertAgree(new Uint8Array([0x41, 0xef, 0xbb, 0xbf]));
  });

  it('agree on random bytes and on random mostly-valid text', () => {
    let seed = 12345;
    const random = () => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed;
    };
    for (let n = 0; n < 20000; n++) {
      const bytes = new Uint8Array(1 + (random() % 40)).map(() => random() & 0xff);
      assertAgree(bytes);
      const text = Buffer.from(`caf\u00e9 \u3042\ud83d\ude00 ${n}`);
      text[random() % text.length] = random() & 0xff;
      assertAgree(new Uint8Array(text));
    }
  });
});
