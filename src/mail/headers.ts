// Reads a message's header block straight from its bytes: finds where it ends, unfolds the
// fields, turns 8-bit and raw ISO-2022-JP bytes into text, and decodes RFC 2047 words.
// postal-mime decodes raw header bytes as UTF-8 only, which loses legacy-charset headers,
// so the top-level header block is read here instead.
import { isAscii, isUtf8 } from 'node:buffer';
import { TextDecoder } from 'node:util';
import { addressParser } from 'postal-mime';
import type { HeaderField, MailAddress } from '../model/analysis.js';
import { type CharsetNotes, decodeText } from './charset.js';

/** A header field before RFC 2047 decoding (needed to parse addresses safely). */
export interface RawHeaderField {
  key: string;
  /** unfolded value, bytes turned into text, encoded words still encoded */
  raw: string;
}

/** Where the header block ends and the body begins, in bytes. */
export interface HeaderBounds {
  /** index just past the last header line */
  headerEnd: number;
  /** index of the first body byte (after the empty separator line), or bytes.length */
  bodyStart: number;
}

const LF = 0x0a;
const CR = 0x0d;
const ESC = 0x1b;

/** Finds the first empty line (LF LF or LF CR LF); a message without one is all header. */
export function findHeaderBounds(bytes: Uint8Array): HeaderBounds {
  // An empty first line means there is no header at all.
  if (bytes[0] === LF) return { headerEnd: 0, bodyStart: 1 };
  if (bytes[0] === CR && bytes[1] === LF) return { headerEnd: 0, bodyStart: 2 };
  let pos = bytes.indexOf(LF);
  while (pos >= 0 && pos < bytes.length - 1) {
    const next = bytes[pos + 1];
    if (next === LF) return { headerEnd: pos + 1, bodyStart: pos + 2 };
    if (next === CR && bytes[pos + 2] === LF) return { headerEnd: pos + 1, bodyStart: pos + 3 };
    pos = bytes.indexOf(LF, pos + 1);
  }
  return { headerEnd: bytes.length, bodyStart: bytes.length };
}

const utf8Strict = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
const iso2022jp = new TextDecoder('iso-2022-jp');
const legacyDecoders = new Map<string, TextDecoder | null>();

function legacyDecoder(charset: string): TextDecoder | null {
  const label = charset.trim().toLowerCase();
  let decoder = legacyDecoders.get(label);
  if (decoder === undefined) {
    try {
      decoder = new TextDecoder(label);
    } catch {
      decoder = null;
    }
    legacyDecoders.set(label, decoder);
  }
  return decoder;
}


function latin1(bytes: Uint8Array, start: number, end: number): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset + start, end - start).toString('latin1');
}

/**
 * Turns one header line's bytes into text. ASCII stays as is; raw ISO-2022-JP (escape
 * sequences without RFC 2047 wrapping, common in old Japanese mail) goes through its
 * decoder; 8-bit bytes are UTF-8 when valid, else the message's declared charset, else
 * windows-1252 (which maps every byte, so nothing is lost to U+FFFD).
 */
function decodeLine(bytes: Uint8Array, start: number, end: number, fallbackCharset: string): string {
  let hasEsc = false;
  let has8bit = false;
  for (let i = start; i < end; i++) {
    const b = bytes[i]!;
    if (b >= 0x80) has8bit = true;
    else if (b === ESC) hasEsc = true;
  }
  if (!has8bit && !hasEsc) return latin1(bytes, start, end);
  const slice = bytes.subarray(start, end);
  if (hasEsc && !has8bit) return iso2022jp.decode(slice);
  // isUtf8 spares the strict decoder's throw on the (common) non-UTF-8 line
  if (isUtf8(slice)) {
    try {
      return utf8Strict.decode(slice);
    } catch {
      // as below
    }
  }
  const declared = fallbackCharset ? legacyDecoder(fallbackCharset) : null;
  return (declared ?? legacyDecoder('windows-1252') ?? iso2022jp).decode(slice);
}

/** A field name is printable ASCII without spaces or colons. */
const FIELD_NAME_RE = /^[\x21-\x39\x3b-\x7e]+$/;

/** One character of FIELD_NAME_RE. */
export function isFieldNameChar(code: number): boolean {
  return (code >= 0x21 && code <= 0x39) || (code >= 0x3b && code <= 0x7e);
}
const CHARSET_PARAM_RE = /^content-type:[^\n]*?charset\s*=\s*"?([a-z0-9_.:-]+)/im;

/** Splits the header block into unfolded fields. */
export function readRawHeaders(bytes: Uint8Array, bounds: HeaderBounds, maxFields: number): { fields: RawHeaderField[]; truncated: boolean } {
  const { headerEnd } = bounds;
  const fields: RawHeaderField[] = [];
  if (headerEnd === 0) return { fields, truncated: false };

  let fallbackCharset = '';
  const ascii = isAscii(bytes.subarray(0, headerEnd));
  if (!ascii) {
    const declared = CHARSET_PARAM_RE.exec(latin1(bytes, 0, headerEnd))?.[1]?.toLowerCase() ?? '';
    if (declared && declared !== 'utf-8' && declared !== 'utf8' && declared !== 'us-ascii') fallbackCharset = declared;
  }

  let current: { key: string; parts: string[] } | undefined;
  let truncated = false;
  const flush = (): void => {
    if (!current) return;
    fields.push({ key: current.key, raw: current.parts.length === 1 ? current.parts[0]! : current.parts.join('') });
    current = undefined;
  };

  // Most header blocks are plain ASCII: read them as one string and split it.
  // Lines are walked by index: only field names and values become strings.
  if (ascii && bytes.subarray(0, headerEnd).indexOf(ESC) < 0) {
    const block = latin1(bytes, 0, headerEnd);
    let next = 0;
    while (next < block.length) {
      const start = next;
      let end = block.indexOf('\n', start);
      next = end < 0 ? block.length : end + 1;
      if (end < 0) end = block.length;
      if (end > start && block.charCodeAt(end - 1) === 0x0d) end--;
      if (end === start) continue;
      const first = block.charCodeAt(start);
      if (first === 0x20 || first === 0x09) {
        current?.parts.push(block.slice(start, end));
        continue;
      }
      flush();
      // A field name runs up to the first ':' and holds only FIELD_NAME_RE's characters (':' is not one of them).
      let colon = start;
      while (colon < end && isFieldNameChar(block.charCodeAt(colon))) colon++;
      if (colon > start && colon < end && block.charCodeAt(colon) === 0x3a) {
        if (fields.length >= maxFields) {
          truncated = true;
          break;
        }
        let valueStart = colon + 1;
        while (valueStart < end && (block.charCodeAt(valueStart) === 0x20 || block.charCodeAt(valueStart) === 0x09)) valueStart++;
        current = { key: block.slice(start, colon).toLowerCase(), parts: [block.slice(valueStart, end)] };
      }
    }
    flush();
    for (const field of fields) field.raw = field.raw.trim();
    return { fields, truncated };
  }

  let lineStart = 0;
  while (lineStart < headerEnd) {
    let lineEnd = bytes.indexOf(LF, lineStart);
    if (lineEnd < 0 || lineEnd > headerEnd) lineEnd = headerEnd;
    let contentEnd = lineEnd;
    if (contentEnd > lineStart && bytes[contentEnd - 1] === CR) contentEnd--;
    const first = bytes[lineStart];
    if (first === 0x20 || first === 0x09) {
      // continuation: unfolding removes only the line break, the leading blank stays
      if (current) current.parts.push(decodeLine(bytes, lineStart, contentEnd, fallbackCharset));
    } else {
      flush();
      const line = decodeLine(bytes, lineStart, contentEnd, fallbackCharset);
      const colon = line.indexOf(':');
      // A field name is printable ASCII without spaces; anything else (an mbox 'From ' line,
      // garbage) is not a header and is skipped.
      if (colon > 0 && FIELD_NAME_RE.test(line.slice(0, colon))) {
        if (fields.length >= maxFields) {
          truncated = true;
          break;
        }
        current = { key: line.slice(0, colon).toLowerCase(), parts: [trimStart(line.slice(colon + 1))] };
      }
    }
    lineStart = lineEnd + 1;
  }
  flush();
  for (const field of fields) field.raw = field.raw.trim();
  return { fields, truncated };
}

function trimStart(value: string): string {
  let i = 0;
  while (i < value.length && (value.charCodeAt(i) === 0x20 || value.charCodeAt(i) === 0x09)) i++;
  return i === 0 ? value : value.slice(i);
}

/** RFC 2047-decodes every field for the Analysis' header list. */
export function decodeHeaderFields(fields: RawHeaderField[], notes?: CharsetNotes): HeaderField[] {
  return fields.map((field) => ({ key: field.key, value: decodeHeaderValue(field.raw, notes) }));
}

function countReplacements(text: string): number {
  let count = 0;
  for (let i = text.indexOf('\ufffd'); i >= 0; i = text.indexOf('\ufffd', i + 1)) count++;
  return count;
}

const ENCODED_WORD_RE = /=\?([^?\s]+)\?([bq])\?([^?]*)\?=/gi;

const NOT_BASE64_LETTER = /[^A-Za-z0-9+/]/;

/** The base64 letters of an encoded word's text: anything else (padding, stray bytes) left out. */
export function base64Letters(text: string): string {
  // The usual word is letters and then padding: the padding is cut off, and the letters are
  // only checked (a regex test allocates nothing), not rebuilt.
  let end = text.length;
  while (end > 0 && text.charCodeAt(end - 1) === 0x3d) end--;
  const letters = end === text.length ? text : text.slice(0, end);
  return NOT_BASE64_LETTER.test(letters) ? text.replace(/[^a-z0-9+/]/gi, '') : letters;
}

export function wordBytes(encoding: string, text: string): Buffer {
  if (encoding === 'b' || encoding === 'B') return Buffer.from(base64Letters(text), 'base64');
  // Q: '_' is a space, '=' and two hex digits a byte, any other character its low byte.
  const bytes = Buffer.allocUnsafe(text.length);
  let length = 0;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code === 0x5f) {
      bytes[length++] = 0x20;
      continue;
    }
    if (code === 0x3d && i + 2 < text.length) {
      const high = hexDigit(text.charCodeAt(i + 1));
      const low = hexDigit(text.charCodeAt(i + 2));
      if (high >= 0 && low >= 0) {
        bytes[length++] = (high << 4) | low;
        i += 2;
        continue;
      }
    }
    bytes[length++] = code & 0xff;
  }
  return bytes.subarray(0, length);
}

function hexDigit(code: number): number {
  if (code >= 0x30 && code <= 0x39) return code - 0x30;
  if (code >= 0x61 && code <= 0x66) return code - 0x57;
  if (code >= 0x41 && code <= 0x46) return code - 0x37;
  return -1;
}

/**
 * RFC 2047 decoding that joins the bytes of adjacent encoded words of one charset before
 * decoding them. Japanese mailers often cut a multi-byte character (or an ISO-2022-JP
 * escape run) across two words, and some pad the first word's base64 in the middle; decoding
 * each word alone would leave U+FFFD or raw JIS bytes.
 */
export function decodeHeaderValue(raw: string, notes?: CharsetNotes): string {
  if (!raw.includes('=?')) return raw;
  let result = '';
  let last = 0;
  let pending: { charset: string; bytes: Buffer[] } | undefined;
  const flush = (): void => {
    if (!pending) return;
    const charset = pending.charset.replace(/\*.*$/, '');
    const joined = decodeText(Buffer.concat(pending.bytes), charset, notes);
    // Joining can also hurt: two self-contained ISO-2022-JP words meet escape-to-escape,
    // which the decoder reports as an error. Then each word is decoded alone.
    if (pending.bytes.length > 1 && joined.includes('\ufffd')) {
      const separate = pending.bytes.map((bytes) => decodeText(bytes, charset)).join('');
      result += countReplacements(separate) < countReplacements(joined) ? separate : joined;
    } else {
      result += joined;
    }
    pending = undefined;
  };
  ENCODED_WORD_RE.lastIndex = 0;
  for (let match = ENCODED_WORD_RE.exec(raw); match; match = ENCODED_WORD_RE.exec(raw)) {
    const between = raw.slice(last, match.index);
    const charset = match[1]!.toLowerCase();
    // whitespace between two encoded words is folding, not content
    if (!(pending && /^[ \t\r\n]*$/.test(between) && pending.charset === charset)) {
      if (!(pending && /^[ \t\r\n]*$/.test(between))) {
        flush();
        result += between;
      } else {
        flush();
      }
      pending = { charset, bytes: [] };
    }
    pending.bytes.push(wordBytes(match[2]!, match[3]!));
    last = match.index + match[0].length;
  }
  flush();
  return result + raw.slice(last);
}

/** First value of a header (raw, not RFC 2047-decoded), '' when absent. */
export function firstRaw(fields: RawHeaderField[], key: string): string {
  for (const field of fields) if (field.key === key) return field.raw;
  return '';
}

/** Every value of a header, in order. */
export function allRaw(fields: RawHeaderField[], key: string): string[] {
  const values: string[] = [];
  for (const field of fields) if (field.key === key) values.push(field.raw);
  return values;
}

export function emptyAddress(): MailAddress {
  return { name: '', address: '', domain: '' };
}

function toMailAddress(name: string, address: string): MailAddress {
  const cleanAddress = address.trim().toLowerCase();
  const at = cleanAddress.lastIndexOf('@');
  return {
    name: name.trim(),
    address: cleanAddress,
    domain: at >= 0 ? cleanAddress.slice(at + 1).replace(/[>\].]+$/, '') : '',
  };
}

/**
 * Parses an address-list header value (raw, encoded words intact) into addresses.
 * Groups are flattened; an empty group ("undisclosed-recipients:;") becomes one entry with
 * the group's name and an empty address, so the fact that it was there is kept.
 */
export function parseAddressList(raw: string): MailAddress[] {
  if (!raw) return [];
  const result: MailAddress[] = [];
  let parsed: ReturnType<typeof addressParser>;
  try {
    parsed = addressParser(raw);
  } catch {
    return [toMailAddress(decodeHeaderValue(raw), '')];
  }
  for (const entry of parsed) {
    if (entry.group) {
      if (entry.group.length === 0) result.push(toMailAddress(entry.name, ''));
      for (const member of entry.group) result.push(toMailAddress(member.name, member.address));
    } else {
      result.push(toMailAddress(entry.name, entry.address ?? ''));
    }
  }
  return result;
}

/** Every address of every occurrence of `key`, in order; for To/Cc/Bcc/Reply-To. */
export function addressesOf(fields: RawHeaderField[], key: string): MailAddress[] {
  const result: MailAddress[] = [];
  for (const field of fields) {
    if (field.key === key) for (const address of parseAddressList(field.raw)) result.push(address);
  }
  return result;
}

/** Bare address of Return-Path ('' for the null sender '<>' or when absent). */
export function returnPathOf(fields: RawHeaderField[]): string {
  const raw = firstRaw(fields, 'return-path');
  if (!raw) return '';
  const inBrackets = /<([^>]*)>/.exec(raw);
  const address = (inBrackets ? inBrackets[1]! : raw).trim().toLowerCase();
  return address.includes('@') ? address : '';
}

/** Message-ID style tokens ("<a@b>") of a header value, in order. */
export function messageIds(raw: string): string[] {
  const ids = raw.match(/<[^<>\s]+>/g);
  if (ids) return ids;
  const trimmed = raw.trim();
  return trimmed ? trimmed.split(/\s+/) : [];
}

const MONTHS: Record<string, number> = { jan: 0, feb: 1, mar: 2, apr: 3, may: 4, jun: 5, jul: 6, aug: 7, sep: 8, oct: 9, nov: 10, dec: 11 };
const ZONES: Record<string, number> = { ut: 0, utc: 0, gmt: 0, z: 0, est: -300, edt: -240, cst: -360, cdt: -300, mst: -420, mdt: -360, pst: -480, pdt: -420, jst: 540 };
const RFC5322_DATE_RE = /^\s*(?:[a-z]{3},?\s*)?(\d{1,2})\s+([a-z]{3})[a-z]*\s+(\d{2,4})\s+(\d{1,2}):(\d{2})(?::(\d{2}))?(?:\s*([+-]\d{4}|[a-z]{1,5}))?/i;

/** The common RFC 5322 shape, parsed without the (slow, lenient) built-in Date parser. */
function parseRfc5322Date(raw: string): number | undefined {
  const match = RFC5322_DATE_RE.exec(raw);
  if (!match) return undefined;
  const month = MONTHS[match[2]!.toLowerCase()];
  if (month === undefined) return undefined;
  let year = Number(match[3]);
  if (match[3]!.length <= 2) year += year < 50 ? 2000 : 1900;
  else if (match[3]!.length === 3) year += 1900;
  const zone = match[7];
  let offsetMinutes = 0;
  if (zone) {
    if (zone[0] === '+' || zone[0] === '-') {
      const sign = zone[0] === '-' ? -1 : 1;
      offsetMinutes = sign * (Number(zone.slice(1, 3)) * 60 + Number(zone.slice(3, 5)));
    } else {
      const known = ZONES[zone.toLowerCase()];
      if (known === undefined) return undefined;
      offsetMinutes = known;
    }
  }
  const day = Number(match[1]);
  const hour = Number(match[4]);
  const minute = Number(match[5]);
  const second = match[6] ? Number(match[6]) : 0;
  if (day < 1 || day > 31 || hour > 23 || minute > 59 || second > 60) return undefined;
  return Date.UTC(year, month, day, hour, minute, second) - offsetMinutes * 60_000;
}

/** RFC 5322 date to ISO 8601, '' when absent or unparsable. */
export function isoDate(raw: string): string {
  if (!raw) return '';
  let time = parseRfc5322Date(raw);
  if (time === undefined) time = new Date(raw.replace(/\s+/g, ' ').trim()).getTime();
  if (Number.isNaN(time)) return '';
  const parsed = new Date(time);
  // Years outside 1970..2200 are junk in practice (forged or broken dates).
  const year = parsed.getUTCFullYear();
  if (year < 1970 || year > 2200) return '';
  return parsed.toISOString();
}
