// A fast path for the commonest message shape: one text/plain or text/html body and no MIME
// structure at all. Decoding it here skips postal-mime's line-by-line machinery, which is most
// of the parsing cost. Output is the same as postal-mime's (test/mail/core-parse.test.ts
// compares the two over the corpus); anything unusual goes to postal-mime.
import { type CharsetNotes, decodeText } from './charset.js';
import { firstRaw, type RawHeaderField } from './headers.js';

export interface SinglePartBody {
  text: string;
  html: string;
}

const SIMPLE_TYPE_RE = /^\s*text\/(plain|html)\s*(?:;|$)/i;
const CHARSET_RE = /;\s*charset\s*=\s*(?:"([^"]*)"|([^;\s"]+))/i;
const LF = 0x0a;
const CR = 0x0d;

/** The body of a single-part text message, or undefined when postal-mime must read it. */
export function readSinglePartBody(bytes: Uint8Array, bodyStart: number, fields: RawHeaderField[], notes?: CharsetNotes): SinglePartBody | undefined {
  const contentType = firstRaw(fields, 'content-type');
  let subtype = 'plain';
  let charset: string | undefined;
  if (contentType) {
    const type = SIMPLE_TYPE_RE.exec(contentType);
    // RFC 2231 parameters, comments and format=flowed are left to postal-mime.
    if (!type || contentType.includes('*=') || contentType.includes('(') || /format\s*=/i.test(contentType)) return undefined;
    subtype = type[1]!.toLowerCase();
    const param = CHARSET_RE.exec(contentType);
    charset = param ? (param[1] ?? param[2]) : undefined;
  }
  const disposition = firstRaw(fields, 'content-disposition');
  if (disposition && !/^\s*inline\s*(?:;|$)/i.test(disposition)) return undefined;
  const encoding = (/[\w-]+/.exec(firstRaw(fields, 'content-transfer-encoding').replace(/\([^)]*\)/g, '').toLowerCase()) ?? [''])[0];

  const body = bytes.subarray(Math.min(bodyStart, bytes.length));
  let decoded: Uint8Array;
  if (encoding.includes('base64')) decoded = decodeBase64Body(body);
  else if (encoding.includes('quoted-printable')) decoded = decodeQuotedPrintableBody(body);
  else decoded = normaliseLines(body);
  const text = decodeText(decoded, charset, notes);
  return subtype === 'html' ? { text: '', html: text } : { text, html: '' };
}

/** Each line without its CR/LF ending, then LF: how postal-mime hands on an unencoded body. */
function normaliseLines(body: Uint8Array): Uint8Array {
  if (body.length === 0) return body;
  // Without a CR every line already ends in a bare LF: at most the last one lacks it.
  if (body.indexOf(CR) < 0) {
    if (body[body.length - 1] === LF) return body;
    const out = new Uint8Array(body.length + 1);
    out.set(body);
    out[body.length] = LF;
    return out;
  }
  const out = new Uint8Array(body.length + 1);
  let length = 0;
  eachLine(body, (start, contentEnd) => {
    out.set(body.subarray(start, contentEnd), length);
    length += contentEnd - start;
    out[length++] = LF;
  });
  return out.subarray(0, length);
}

/** Calls `line` with the bounds of each line of `body`, its CR/LF ending left out. */
function eachLine(body: Uint8Array, line: (start: number, contentEnd: number) => void): void {
  let start = 0;
  while (start < body.length) {
    let end = body.indexOf(LF, start);
    const next = end < 0 ? body.length : end + 1;
    if (end < 0) end = body.length;
    let contentEnd = end;
    while (contentEnd > start && (body[contentEnd - 1] === CR || body[contentEnd - 1] === LF)) contentEnd--;
    line(start, contentEnd);
    start = next;
  }
}

/** Base64 with every non-alphabet byte dropped; '=' ends a unit (some mailers pad each line). */
function decodeBase64Body(body: Uint8Array): Uint8Array {
  const clean = Buffer.from(body.buffer, body.byteOffset, body.byteLength)
    .toString('latin1')
    .replace(/[^a-zA-Z0-9+/=]+/g, '');
  const units = clean.split(/=+/).filter(Boolean);
  if (units.length === 1) return Buffer.from(units[0]!, 'base64');
  return Buffer.concat(units.map((unit) => Buffer.from(unit, 'base64')));
}

function hexValue(c: number): number {
  if (c >= 0x30 && c <= 0x39) return c - 0x30;
  if (c >= 0x41 && c <= 0x46) return c - 0x37;
  if (c >= 0x61 && c <= 0x66) return c - 0x57;
  return -1;
}

/** Quoted-printable, line by line: '=' at a line end joins lines, '=XX' is a byte, the rest is literal. */
function decodeQuotedPrintableBody(body: Uint8Array): Uint8Array {
  const out = new Uint8Array(body.length + 1);
  let length = 0;
  eachLine(body, (start, contentEnd) => {
    let lineEnd = contentEnd;
    const softBreak = lineEnd > start && body[lineEnd - 1] === 0x3d;
    if (softBreak) lineEnd--;
    for (let i = start; i < lineEnd; i++) {
      const c = body[i]!;
      if (c === 0x3d && i + 2 < lineEnd) {
        const high = hexValue(body[i + 1]!);
        const low = hexValue(body[i + 2]!);
        if (high >= 0 && low >= 0) {
          out[length++] = (high << 4) | low;
          i += 2;
          continue;
        }
      }
      out[length++] = c;
    }
    if (!softBreak) out[length++] = LF;
  });
  return out.subarray(0, length);
}
