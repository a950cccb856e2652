// gzip files (a single compressed file, often a renamed lure or a .tgz): unpacked under the
// message's budget and inspected like any other attachment.
import { BOMB_MIN_BYTES, BOMB_RATIO, type UnpackBudget } from './zip.js';
import { fflate } from './inflate.js';
import { inflateCapped, ZipLimitError } from './zip-directory.js';

export interface GzipInspection {
  member: { name: string; content: Uint8Array } | undefined;
  unpackedBytes: number;
  errors: string[];
}

const FLAG_EXTRA = 0x04;
const FLAG_NAME = 0x08;

/** The original file name stored in the gzip header, when the compressor kept it. */
export function gzipStoredName(data: Uint8Array): string {
  const flags = data[3] ?? 0;
  if (!(flags & FLAG_NAME)) return '';
  let at = 10;
  if (flags & FLAG_EXTRA) at += 2 + ((data[10] ?? 0) | ((data[11] ?? 0) << 8));
  const end = data.indexOf(0, at);
  if (end < 0 || end - at > 1024) return '';
  return Buffer.from(data.buffer, data.byteOffset + at, end - at).toString('latin1');
}

export function inspectGzip(data: Uint8Array, filename: string, budget: UnpackBudget): GzipInspection {
  const name = gzipStoredName(data) || filename.replace(/\.t?gz$/i, (ext) => (ext.toLowerCase() === '.tgz' ? '.tar' : '')) || 'unpacked';
  // the trailer's ISIZE: the unpacked size modulo 4 GiB, as the file claims it
  const declaredSize = data.length >= 18 ? new DataView(data.buffer, data.byteOffset + data.length - 4, 4).getUint32(0, true) : 0;
  const ratio = declaredSize / Math.max(1, data.length);
  if (ratio > BOMB_RATIO && declaredSize > BOMB_MIN_BYTES) {
    return { member: undefined, unpackedBytes: 0, errors: [`gzip bomb suspected: claims ${declaredSize} bytes from ${data.length} (ratio ${Math.round(ratio)}:1); not unpacked`] };
  }
  try {
    const content = inflateCapped(data, budget.remaining, (ondata) => new (fflate().Gunzip)(ondata), `"${name}"`);
    budget.remaining -= content.length;
    budget.used += content.length;
    return { member: { name, content }, unpackedBytes: content.length, errors: [] };
  } catch (error) {
    const message = error instanceof ZipLimitError ? `unpack budget reached: ${error.message}` : (error as Error).message;
    return { member: undefined, unpackedBytes: 0, errors: [message] };
  }
}
