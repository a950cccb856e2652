// LineQpDecoder (src/mail/qp-lines.ts) stands in for postal-mime's QPDecoder: fed the same lines,
// it must give the same bytes.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { describe, it } from 'node:test';
import { pathToFileURL } from 'node:url';
import { LineQpDecoder } from '../../src/mail/qp-lines.js';
import { corpusDir, corpusPaths } from '../support/cli.js';


interface Decoder {
  update(line: Uint8Array): void;
  finalize(): Promise<ArrayBuffer>;
}

async function postalMimeQpDecoder(): Promise<new () => Decoder> {
  const esmDir = join(dirname(createRequire(import.meta.url).resolve('postal-mime/package.json')), 'dist', 'esm');
  return ((await import(pathToFileURL(join(esmDir, 'qp-decoder.js')).href)) as { default: new () => Decoder }).default;
}

/** The lines of a body as postal-mime hands them to a decoder: split at LF, trailing CRs dropped. */
function linesOf(bytes: Uint8Array): Uint8Array[] {
  const lines: Uint8Array[] = [];
  let start = 0;
  while (start < bytes.length) {
    const lf = bytes.indexOf(0x0a, start);
    let end = lf < 0 ? bytes.length : lf;
    while (end > start && bytes[end - 1] === 0x0d) end--;
    lines.push(bytes.subarray(start, end));
    start = lf < 0 ? bytes.length : lf + 1;
  }
  return lines;
}

async function decodeWith(Decoder: new () => Decoder, lines: Uint8Array[]): Promise<string> {
  const decoder = new Decoder();
  for (const line of lines) decoder.update(line);
  return Buffer.from(await decoder.finalize()).toString('hex');
}

describe('LineQpDecoder', () => {
  it('gives the bytes postal-mime gives on escapes, soft breaks and broken escapes', async () => {
    const QPDecoder = await postalMimeQpDecoder();
    const texts = [
      '',
      '=',
      '==',
      '=3D',
      '=3d=C3=A9 caf=C3=A9=',
      'a=\nb=\n=\nc',
      '=ZZ =4 =4G =G4 ==41 =41= =4',
      'trailing =\n=20=\n\nend=41',
      'x'.repeat(150_000) + '=41' + 'y'.repeat(60_000),
      'line\r\nwith\r\r\ncrs=\r\n',
    ];
    for (const text of texts) {
      const lines = linesOf(new Uint8Array(Buffer.from(text, 'latin1')));
      assert.equal(await decodeWith(LineQpDecoder, lines), await decodeWith(QPDecoder, lines), JSON.stringify(text.slice(0, 60)));
    }
  });

  it('gives the bytes postal-mime gives on every corpus file read as quoted-printable (every third)', async (t) => {
    const paths = corpusPaths(t);
    if (!paths) return;
    const QPDecoder = await postalMimeQpDecoder();
    for (let i = 0; i < paths.length; i += 3) {
      const lines = linesOf(new Uint8Array(readFileSync(join(corpusDir, paths[i]!))));
      assert.equal(await decodeWith(LineQpDecoder, lines), await decodeWith(QPDecoder, lines), paths[i]);
    }
  });
});
