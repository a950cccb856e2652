import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { describe, it } from 'node:test';
import { sha256Hex } from '../../src/mail/sha256.js';

describe('sha256Hex', () => {
  it('is the SHA-256 a Hash object gives, also for empty input and views into a larger buffer', () => {
    const big = new Uint8Array(1 << 20).map((_, i) => (i * 7) & 0xff);
    for (const data of [new Uint8Array(0), new Uint8Array([0x61]), big, big.subarray(3, 1000), Buffer.from('Subject: x\r\n\r\nbody')]) {
      assert.equal(sha256Hex(data), createHash('sha256').update(data).digest('hex'));
    }
    assert.equal(sha256Hex(new Uint8Array(0)), 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
  });
});
