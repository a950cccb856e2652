// The block-fed base64 decoder gives the bytes an independent decoder written from RFC 4648 gives, for attachments
// with any line length, CRLF or LF, stray characters, padding inside the body (each padded unit decoded on its own,
// as postal-mime does), a dangling character, and sizes across several blocks.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { describe, it } from 'node:test';
import { BLOCK_BYTES, decodeUnit } from '../../src/mail/base64-blocks.js';
import { DEFAULT_LIMITS } from '../../src/mail/options.js';
import { parseMessage } from '../../src/mail/parse.js';

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

/** RFC 4648 base64, by hand: keep alphabet characters, split at runs of '=', decode each unit's 6-bit groups. */
function referenceDecode(text: string): Uint8Array {
  const out: number[] = [];
  const kept = [...text].filter((c) => ALPHABET.includes(c) || c === '=').join('');
  for (const unit of kept.split(/=+/)) {
    let bits = 0;
    let count = 0;
    for (const c of unit) {
      bits = (bits << 6) | ALPHABET.indexOf(c);
      count += 6;
      if (count >= 8) {
        count -= 8;
        out.push((bits >> count) & 0xff);
      }
      bits &= (1 << count) - 1;
    }
  }
  return Uint8Array.from(out);
}

/** A deterministic pseudo-random sequence (so a failure can be replayed). */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state * 1664525 + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

function attachmentMessage(body: string, eol: string): Uint8Array {
  const head = ['From: a@example.com', 'To: b@example.com', 'Subject: blob', 'MIME-Version: 1.0', 'Content-Type: multipart/mixed; boundary="b"', '', '--b', 'Content-Type: text/plain', '', 'hello', '--b', 'Content-Type: application/octet-stream', 'Content-Transfer-Encoding: base64', 'Content-Disposition: attachment; filename="blob.bin"', ''];
  return new Uint8Array(Buffer.from(`${head.join(eol)}${eol}${body}${eol}--b--${eol}`, 'latin1'));
}

async function decodedAttachment(raw: Uint8Array): Promise<Uint8Array> {
  const parsed = await parseMessage(raw, DEFAULT_LIMITS);
  const part = parsed.parts.find((p) => p.filename === 'blob.bin');
  assert.ok(part, 'the attachment is found');
  return part.content;
}

const sha = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

describe('mail: base64 decoded in blocks', () => {
  it('decodes a unit natively exactly as the reference does, for every length', () => {
    const next = random(7);
    for (let length = 0; length < 40; length++) {
      const unit = Array.from({ length }, () => ALPHABET[Math.floor(next() * 64)]).join('');
      assert.deepEqual([...decodeUnit(unit)], [...referenceDecode(unit)], `unit of ${length} characters`);
    }
  });

  it('gives the reference bytes for attachments of every shape, across block boundaries', async () => {
    const next = random(2026);
    const shapes = [
      { size: 3, lineLength: 76, junk: false, padInside: false, eol: '\r\n' },
      { size: 5000, lineLength: 76, junk: false, padInside: false, eol: '\n' },
      { size: 70_000, lineLength: 64, junk: true, padInside: false, eol: '\r\n' },
      { size: 20_000, lineLength: 60, junk: false, padInside: true, eol: '\n' },
      { size: BLOCK_BYTES + 12_345, lineLength: 76, junk: true, padInside: true, eol: '\r\n' },
      { size: 3 * BLOCK_BYTES, lineLength: 997, junk: false, padInside: false, eol: '\n' },
    ];
    for (const shape of shapes) {
      const data = Uint8Array.from({ length: shape.size }, () => Math.floor(next() * 256));
      let encoded = Buffer.from(data).toString('base64');
      // padding inside the body: some mailers pad every line, which makes each padded piece a unit of its own
      if (shape.padInside) encoded = encoded.replace(/.{57}/g, (piece) => `${piece}=`);
      if (shape.junk) encoded = encoded.replace(/.{40}/g, (piece) => (next() < 0.3 ? `${piece} \t*é` : piece));
      // a dangling character at the very end: not a byte
      encoded += 'Q';
      const body = encoded.replace(new RegExp(`.{${shape.lineLength}}`, 'g'), `$&${shape.eol}`);
      const got = await decodedAttachment(attachmentMessage(body, shape.eol));
      const want = referenceDecode(body);
      assert.equal(got.length, want.length, `${shape.size} bytes, lines of ${shape.lineLength}`);
      assert.equal(sha(got), sha(want), `${shape.size} bytes, lines of ${shape.lineLength}: same bytes`);
    }
  });
});
