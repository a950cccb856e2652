// fflate's streaming inflaters, loaded on the first archive or Office document: most messages carry none, and
// loading the library was about 11 ms of an analysis worker's start-up (the table set-up at its top level).
import { createRequire } from 'node:module';

type Fflate = typeof import('fflate');

const require = createRequire(import.meta.url);
let loaded: Fflate | undefined;

export function fflate(): Fflate {
  loaded ??= require('fflate') as Fflate;
  return loaded;
}

const utf8 = new TextDecoder();

/** Bytes as text: UTF-8 (invalid sequences become U+FFFD), or Latin-1, one character per byte. */
export function bytesToText(bytes: Uint8Array, latin1 = false): string {
  return latin1 ? Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('latin1') : utf8.decode(bytes);
}
