// A byte-level look at a PDF without the PDF engine: cheap, bounded, and possible for files too
// large or too broken to open. It sees only what is not inside compressed streams.

export interface RawPdfFacts {
  /** /URI action targets written as plain or hex strings */
  uris: string[];
  /** where /SubmitForm actions send the form (a credential form posting out), when readable */
  submitTargets: string[];
  /** a trailer /Encrypt entry: the file is encrypted (maybe with an empty user password) */
  encrypted: boolean;
  hasJavascript: boolean;
  hasOpenAction: boolean;
  hasForm: boolean;
  /** count of '/Type /Page' objects (not /Pages); 0 when they all hide in object streams */
  pageObjects: number;
  /** count of '/Subtype /Image' XObjects outside object streams */
  imageObjects: number;
}

const MAX_URI_CHARS = 4096;

function isPdfWhitespace(byte: number | undefined): boolean {
  return byte === 0x20 || byte === 0x0a || byte === 0x0d || byte === 0x09 || byte === 0x0c || byte === 0x00;
}

function isNameChar(byte: number | undefined): boolean {
  if (byte === undefined) return false;
  return (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x5a) || (byte >= 0x61 && byte <= 0x7a) || byte === 0x23;
}

/** Offsets of a PDF name token (e.g. '/URI'), skipping longer names that start the same ('/URIs'). */
function* nameOffsets(bytes: Buffer, name: string): Generator<number> {
  let from = 0;
  for (;;) {
    const at = bytes.indexOf(name, from, 'latin1');
    if (at < 0) return;
    from = at + name.length;
    if (!isNameChar(bytes[from])) yield at;
  }
}

function skipWhitespace(bytes: Buffer, at: number): number {
  let pos = at;
  while (pos < bytes.length && isPdfWhitespace(bytes[pos])) pos++;
  return pos;
}

/** Read a literal string '(…)' with nested parentheses and backslash escapes, starting at '('. */
function readLiteralString(bytes: Buffer, start: number): string | undefined {
  let depth = 0;
  let out = '';
  for (let pos = start; pos < bytes.length && out.length <= MAX_URI_CHARS; pos++) {
    const byte = bytes[pos]!;
    if (byte === 0x5c) {
      const next = bytes[++pos];
      if (next === undefined) return undefined;
      if (next >= 0x30 && next <= 0x37) {
        let octal = String.fromCharCode(next);
        while (octal.length < 3 && (bytes[pos + 1] ?? 0) >= 0x30 && (bytes[pos + 1] ?? 0) <= 0x37) octal += String.fromCharCode(bytes[++pos]!);
        out += String.fromCharCode(Number.parseInt(octal, 8) & 0xff);
      } else if (next === 0x6e) out += '\n';
      else if (next === 0x72) out += '\r';
      else if (next === 0x74) out += '\t';
      else if (next === 0x0a || next === 0x0d) {
        // a backslash before a line break continues the string
      } else out += String.fromCharCode(next);
      continue;
    }
    if (byte === 0x28) {
      depth++;
      if (depth === 1) continue;
    } else if (byte === 0x29) {
      depth--;
      if (depth === 0) return out;
    }
    out += String.fromCharCode(byte);
  }
  return undefined;
}

/** Read a hex string '<…>' starting at '<'. */
function readHexString(bytes: Buffer, start: number): string | undefined {
  const end = bytes.indexOf(0x3e, start);
  if (end < 0 || end - start > MAX_URI_CHARS * 2 + 64) return undefined;
  const digits = bytes.toString('latin1', start + 1, end).replace(/[^0-9a-f]/gi, '');
  const padded = digits.length % 2 ? `${digits}0` : digits;
  return Buffer.from(padded, 'hex').toString('latin1');
}

/** A PDF string may be UTF-16BE with a byte-order mark. */
function decodePdfString(value: string): string {
  if (value.charCodeAt(0) === 0xfe && value.charCodeAt(1) === 0xff) {
    return Buffer.from(value.slice(2), 'latin1').swap16().toString('utf16le');
  }
  return value;
}

function readUris(bytes: Buffer, maxUris: number): string[] {
  const uris = new Set<string>();
  for (const at of nameOffsets(bytes, '/URI')) {
    if (uris.size >= maxUris) break;
    const start = skipWhitespace(bytes, at + 4);
    const opener = bytes[start];
    const value = opener === 0x28 ? readLiteralString(bytes, start) : opener === 0x3c ? readHexString(bytes, start) : undefined;
    const uri = value === undefined ? '' : decodePdfString(value).trim();
    if (uri) uris.add(uri);
  }
  return [...uris];
}

/** How many times the name `key` is followed by the name `value` ('/Type /Page', '/Subtype /Image'). */
/** How far around a /SubmitForm name its action dictionary's /F entry is looked for. */
const SUBMIT_WINDOW = 600;

/** The /F targets of /SubmitForm actions: a URL string or a URL file specification's /F. */
function readSubmitTargets(bytes: Buffer, max: number): string[] {
  const targets = new Set<string>();
  for (const at of nameOffsets(bytes, '/SubmitForm')) {
    if (targets.size >= max) break;
    const start = Math.max(0, at - SUBMIT_WINDOW);
    const window = bytes.subarray(start, Math.min(bytes.length, at + SUBMIT_WINDOW));
    for (const fAt of nameOffsets(window, '/F')) {
      const valueAt = skipWhitespace(window, fAt + 2);
      const opener = window[valueAt];
      const value = opener === 0x28 ? readLiteralString(window, valueAt) : opener === 0x3c && window[valueAt + 1] !== 0x3c ? readHexString(window, valueAt) : undefined;
      const target = value === undefined ? '' : decodePdfString(value).trim();
      if (/^(?:https?|ftp):\/\//i.test(target)) {
        targets.add(target);
        break;
      }
    }
  }
  return [...targets];
}

function countNamePairs(bytes: Buffer, key: string, value: string): number {
  let count = 0;
  for (const at of nameOffsets(bytes, key)) {
    const start = skipWhitespace(bytes, at + key.length);
    if (bytes.toString('latin1', start, start + value.length) === value && !isNameChar(bytes[start + value.length])) count++;
  }
  return count;
}

function hasName(bytes: Buffer, name: string): boolean {
  return !nameOffsets(bytes, name).next().done;
}

export function scanPdfBytes(data: Uint8Array, maxUris: number): RawPdfFacts {
  const bytes = Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  return {
    uris: readUris(bytes, maxUris),
    submitTargets: readSubmitTargets(bytes, maxUris),
    encrypted: hasName(bytes, '/Encrypt'),
    hasJavascript: hasName(bytes, '/JavaScript') || hasName(bytes, '/JS'),
    hasOpenAction: hasName(bytes, '/OpenAction'),
    hasForm: hasName(bytes, '/AcroForm') || hasName(bytes, '/SubmitForm'),
    pageObjects: countNamePairs(bytes, '/Type', '/Page'),
    imageObjects: countNamePairs(bytes, '/Subtype', '/Image'),
  };
}
