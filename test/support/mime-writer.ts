// A tiny, deterministic MIME writer for test fixtures: the same input always gives the same bytes
// (fixed boundaries, fixed line wrapping, CRLF endings), which DKIM signatures and committed samples need.
import Encoding from 'encoding-japanese';

export const CRLF = '\r\n';

export type HeaderList = Array<[name: string, value: string]>;

/** A MIME entity: its own headers (Content-*) and a body already encoded for the wire. */
export interface MimePart {
  headers: HeaderList;
  body: string;
}

/** Base64 of bytes, wrapped at 76 characters per line as RFC 2045 asks. */
export function base64Lines(bytes: Uint8Array | string): string {
  const encoded = Buffer.from(bytes).toString('base64');
  const lines: string[] = [];
  for (let at = 0; at < encoded.length; at += 76) lines.push(encoded.slice(at, at + 76));
  return lines.join(CRLF);
}

/** Bytes of `text` in `charset` ('utf-8' or 'iso-2022-jp' are the ones the samples use). */
export function encodeCharset(text: string, charset: string): Buffer {
  const name = charset.toLowerCase();
  if (name === 'utf-8') return Buffer.from(text, 'utf8');
  if (name === 'us-ascii') return Buffer.from(text, 'latin1');
  if (name === 'iso-2022-jp') {
    return Buffer.from(Encoding.convert(Encoding.stringToCode(text), { to: 'JIS', from: 'UNICODE' }));
  }
  throw new Error(`encodeCharset: ${charset} is not supported here`);
}

/**
 * An RFC 2047 header value. ASCII text is left as it is; anything else becomes one or more
 * B-encoded words, split on character boundaries so each word decodes on its own.
 */
export function encodeWords(text: string, charset = 'utf-8'): string {
  if (/^[\x20-\x7e]*$/.test(text)) return text;
  const words: string[] = [];
  let chunk = '';
  const flush = () => {
    if (chunk) words.push(`=?${charset.toUpperCase()}?B?${encodeCharset(chunk, charset).toString('base64')}?=`);
    chunk = '';
  };
  for (const char of text) {
    // 12 characters of Japanese is about 45 base64 characters: short enough for a 76-column line
    if ([...chunk].length >= 12) flush();
    chunk += char;
  }
  flush();
  return words.join(`${CRLF} `);
}

/** "Display Name" <address>, with the name encoded when it is not plain ASCII. */
export function mailbox(name: string, address: string, charset = 'utf-8'): string {
  if (!name) return `<${address}>`;
  if (/^[\x20-\x7e]*$/.test(name)) return `"${name.replace(/(["\\])/g, '\\$1')}" <${address}>`;
  return `${encodeWords(name, charset)} <${address}>`;
}

/** A text part in base64 (safe for every charset, and what Gmail does for non-ASCII mail). */
export function textPart(text: string, subtype: 'plain' | 'html', charset = 'utf-8'): MimePart {
  const normalised = text.replace(/\r?\n/g, CRLF);
  return {
    headers: [
      ['Content-Type', `text/${subtype}; charset="${charset.toUpperCase()}"`],
      ['Content-Transfer-Encoding', 'base64'],
    ],
    body: base64Lines(encodeCharset(normalised, charset)),
  };
}

/** An ISO-2022-JP text part the way Japanese mailers send it: 7bit, raw JIS escapes. */
export function jisTextPart(text: string): MimePart {
  const normalised = text.replace(/\r?\n/g, CRLF);
  return {
    headers: [
      ['Content-Type', 'text/plain; charset="ISO-2022-JP"'],
      ['Content-Transfer-Encoding', '7bit'],
    ],
    body: encodeCharset(normalised, 'iso-2022-jp').toString('latin1'),
  };
}

/** An attachment part (base64). `filename` may be non-ASCII: it is then given as an RFC 2047 word, as most mailers do. */
export function attachmentPart(bytes: Uint8Array, contentType: string, filename: string, charset = 'utf-8'): MimePart {
  const name = encodeWords(filename, charset);
  const quoted = name.startsWith('=?') ? name : `"${name}"`;
  return {
    headers: [
      ['Content-Type', `${contentType}; name=${quoted}`],
      ['Content-Disposition', `attachment; filename=${quoted}`],
      ['Content-Transfer-Encoding', 'base64'],
    ],
    body: base64Lines(bytes),
  };
}

/** A multipart entity with a fixed boundary. */
export function multipart(subtype: string, boundary: string, parts: MimePart[], extraParams = ''): MimePart {
  const lines: string[] = [];
  for (const part of parts) {
    lines.push(`--${boundary}`);
    lines.push(renderEntity(part));
  }
  lines.push(`--${boundary}--`);
  lines.push('');
  return {
    headers: [['Content-Type', `multipart/${subtype}; boundary="${boundary}"${extraParams}`]],
    body: lines.join(CRLF),
  };
}

/** Headers, a blank line, the body. */
export function renderEntity(part: MimePart): string {
  const head = part.headers.map(([name, value]) => `${name}: ${value}`).join(CRLF);
  return `${head}${CRLF}${CRLF}${part.body}`;
}

/** A whole message: top-level headers (in order) followed by the root entity's headers and body. */
export function renderMessage(headers: HeaderList, root: MimePart): string {
  const body = root.body.endsWith(CRLF) ? root.body : `${root.body}${CRLF}`;
  return renderEntity({ headers: [...headers, ['MIME-Version', '1.0'], ...root.headers], body });
}

/** RFC 5322 date-time for a fixed instant shown in a fixed UTC offset (minutes east of UTC). */
export function rfc5322Date(instant: Date, offsetMinutes: number): string {
  const shifted = new Date(instant.getTime() + offsetMinutes * 60_000);
  const days = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
  const months = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
  const two = (n: number) => String(n).padStart(2, '0');
  const sign = offsetMinutes < 0 ? '-' : '+';
  const abs = Math.abs(offsetMinutes);
  const zone = `${sign}${two(Math.floor(abs / 60))}${two(abs % 60)}`;
  return (
    `${days[shifted.getUTCDay()]}, ${shifted.getUTCDate()} ${months[shifted.getUTCMonth()]} ${shifted.getUTCFullYear()} ` +
    `${two(shifted.getUTCHours())}:${two(shifted.getUTCMinutes())}:${two(shifted.getUTCSeconds())} ${zone}`
  );
}
