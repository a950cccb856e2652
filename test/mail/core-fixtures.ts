// Helpers for the mail-core tests: build raw messages inline, and produce Japanese bytes in
// the legacy encodings (Node has decoders for them but no encoders).
import { defaultAnalyseOptions, type AnalyseOptions } from '../../src/mail/options.js';

/** Joins lines with CRLF, the wire form of a message. */
export function crlf(...lines: string[]): Uint8Array {
  return Buffer.from(lines.join('\r\n'), 'utf8');
}

/** Joins lines with LF only (how mail is often stored on disk). */
export function lf(...lines: string[]): Uint8Array {
  return Buffer.from(lines.join('\n'), 'utf8');
}

export function concatBytes(...parts: Array<Uint8Array | string>): Uint8Array {
  return Buffer.concat(parts.map((part) => (typeof part === 'string' ? Buffer.from(part, 'latin1') : Buffer.from(part))));
}

/** JIS X 0208 row/cell bytes of a hiragana or katakana character (the only ones the tests use). */
function jisOfKana(ch: string): [number, number] {
  const code = ch.codePointAt(0)!;
  if (code >= 0x3041 && code <= 0x3093) return [0x24, 0x21 + (code - 0x3041)];
  if (code >= 0x30a1 && code <= 0x30f6) return [0x25, 0x21 + (code - 0x30a1)];
  if (code === 0x30fc) return [0x21, 0x3c]; // long vowel mark
  throw new Error(`not kana: ${ch}`);
}

/** ISO-2022-JP bytes of a kana-only string. */
export function iso2022jp(kana: string): Uint8Array {
  const bytes = [0x1b, 0x24, 0x42];
  for (const ch of kana) bytes.push(...jisOfKana(ch));
  bytes.push(0x1b, 0x28, 0x42);
  return Uint8Array.from(bytes);
}

/** EUC-JP bytes of a kana-only string. */
export function eucJp(kana: string): Uint8Array {
  const bytes: number[] = [];
  for (const ch of kana) for (const b of jisOfKana(ch)) bytes.push(b | 0x80);
  return Uint8Array.from(bytes);
}

/** Shift_JIS bytes of a kana-only string. */
export function shiftJis(kana: string): Uint8Array {
  const bytes: number[] = [];
  for (const ch of kana) {
    const [j1, j2] = jisOfKana(ch);
    const s1 = ((j1 + 1) >> 1) + (j1 <= 0x5e ? 0x70 : 0xb0);
    const s2 = j2 + (j1 & 1 ? (j2 >= 0x60 ? 0x20 : 0x1f) : 0x7e);
    bytes.push(s1, s2);
  }
  return Uint8Array.from(bytes);
}

/** An RFC 2047 B-encoded word holding the given bytes. */
export function encodedWord(charset: string, bytes: Uint8Array): string {
  return `=?${charset}?B?${Buffer.from(bytes).toString('base64')}?=`;
}

/** Options for tests: fixed clock, nothing trusted, no network. */
export function testOptions(overrides: Partial<AnalyseOptions> = {}): AnalyseOptions {
  return defaultAnalyseOptions({ now: () => new Date('2026-01-01T00:00:00Z'), auth: { mode: 'off', trustedHosts: [] }, ...overrides });
}
