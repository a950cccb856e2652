// Raw bytes → a parsed message: headers (read by headers.ts), bodies and parts (postal-mime).
// Never throws: what cannot be read is reported in `errors` and the rest is kept.
import { type Base64DecoderState, drainLines as drainBase64Lines, pushChunk as base64PushChunk, update as base64BlockUpdate } from './base64-blocks.js';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import PostalMime from 'postal-mime';
import type { Analysis, AnalysisError, MailAddress } from '../model/analysis.js';
import type { RawPart } from './attachments/index.js';
import { type CharsetNotes, decodeText } from './charset.js';
import {
  addressesOf,
  decodeHeaderFields,
  decodeHeaderValue,
  emptyAddress,
  findHeaderBounds,
  firstRaw,
  type HeaderBounds,
  isoDate,
  messageIds,
  parseAddressList,
  type RawHeaderField,
  readRawHeaders,
  returnPathOf,
} from './headers.js';
import type { AnalysisLimits } from './options.js';
import { LineQpDecoder } from './qp-lines.js';
import { readSinglePartBody } from './single-part.js';

/** The header-derived fields, exactly as the Analysis carries them. */
type HeaderFields = Pick<
  Analysis,
  'headers' | 'subject' | 'messageId' | 'inReplyTo' | 'references' | 'date' | 'from' | 'sender' | 'replyTo' | 'returnPath' | 'to' | 'cc' | 'bcc'
>;

export interface ParsedMessage extends HeaderFields {
  /** the bytes that were parsed: mbox line removed, bare CRs made LFs, capped in size */
  bytes: Uint8Array;
  rawHeaders: RawHeaderField[];
  /** lower-case MIME type of the whole message */
  contentType: string;
  /** report-type parameter of a multipart/report, lower-case, '' otherwise */
  reportType: string;
  /** text/plain body ('' when the message has none) */
  text: string;
  html: string;
  parts: RawPart[];
  errors: AnalysisError[];
}

/**
 * Four changes to postal-mime's internals, applied once when this module loads:
 * - Its decoders gather each part's bytes into a Blob and read them back with
 *   blob.arrayBuffer(). In Node 20 that read walks the Blob's pieces through a stream, one
 *   async step per piece (two per body line), which made a 25 KB HTML mail take up to 200 ms.
 *   finalize() becomes a plain copy into one ArrayBuffer: same bytes, same contract.
 * - Text parts are decoded by their label alone, so a mislabelled part (EUC-JP sent as
 *   ISO-2022-JP, Latin-1 with no label) became U+FFFD. getTextContent() now goes through
 *   decodeText(), which checks the bytes against the label.
 * - Its base64 decoder works line by line in JavaScript; src/mail/base64-blocks.ts feeds it
 *   blocks of lines and decodes natively, with the same bytes out.
 * - Its quoted-printable decoder allocates 100 KiB per part up front; src/mail/qp-lines.ts
 *   keeps the part's lines and decodes them once, with the same bytes out.
 * All are covered by test/mail/core-parse.test.ts and test/mail/base64-blocks.test.ts; if
 * postal-mime's layout changes the patches are skipped and its own code runs.
 */
interface ChunkedDecoder {
  chunks: Array<Uint8Array | ArrayBuffer | string>;
  flushBuffer?: () => void;
  flushRemainder?: () => void;
}

const textEncoder = new TextEncoder();

function joinChunks(chunks: Array<Uint8Array | ArrayBuffer | string>): ArrayBuffer {
  let length = 0;
  for (const chunk of chunks) length += typeof chunk === 'string' ? (chunk === '\n' ? 1 : textEncoder.encode(chunk).byteLength) : chunk.byteLength;
  const joined = new Uint8Array(length);
  let offset = 0;
  for (const chunk of chunks) {
    if (chunk === '\n') {
      joined[offset++] = 0x0a;
    } else {
      const piece = typeof chunk === 'string' ? textEncoder.encode(chunk) : chunk instanceof Uint8Array ? chunk : new Uint8Array(chunk);
      joined.set(piece, offset);
      offset += piece.byteLength;
    }
  }
  return joined.buffer;
}

async function speedUpPostalMimeDecoders(): Promise<void> {
  const esmDir = join(dirname(createRequire(import.meta.url).resolve('postal-mime/package.json')), 'dist', 'esm');
  const patches: Array<[string, (decoder: ChunkedDecoder) => void]> = [
    ['pass-through-decoder.js', () => {}],
    ['qp-decoder.js', (decoder) => decoder.flushBuffer?.()],
    [
      'base64-decoder.js',
      (decoder) => {
        drainBase64Lines(decoder as unknown as Base64DecoderState);
        decoder.flushRemainder?.();
      },
    ],
  ];
  for (const [file, flush] of patches) {
    try {
      const module = (await import(pathToFileURL(join(esmDir, file)).href)) as { default?: { prototype: Record<string, unknown> } };
      const prototype = module.default?.prototype;
      if (!prototype) continue;
      prototype.finalize = function finalize(this: ChunkedDecoder): Promise<ArrayBuffer> {
        flush(this);
        return Promise.resolve(joinChunks(this.chunks));
      };
      if (file === 'base64-decoder.js' && typeof prototype.update === 'function' && typeof prototype.pushChunk === 'function' && typeof prototype.flushRemainder === 'function') {
        prototype.update = base64BlockUpdate;
        prototype.pushChunk = base64PushChunk;
      }
    } catch {
      // A different postal-mime layout: keep its own (slower) code.
    }
  }
  try {
    const module = (await import(pathToFileURL(join(esmDir, 'mime-node.js')).href)) as { default?: { prototype: Record<string, unknown> } };
    const prototype = module.default?.prototype;
    const setupContentDecoder = prototype?.setupContentDecoder;
    if (prototype && typeof setupContentDecoder === 'function') {
      // Same choice as postal-mime's (base64 first), but quoted-printable parts get LineQpDecoder.
      prototype.setupContentDecoder = function setupDecoder(this: { contentDecoder: unknown }, transferEncoding: string): void {
        if (!/base64/i.test(transferEncoding) && /quoted-printable/i.test(transferEncoding)) this.contentDecoder = new LineQpDecoder();
        else (setupContentDecoder as (encoding: string) => void).call(this, transferEncoding);
      };
    }
    if (prototype && typeof prototype.getTextContent === 'function' && typeof prototype.decodeFlowedText === 'function') {
      prototype.getTextContent = function getTextContent(this: TextNode): string {
        if (!this.content) return '';
        const params = this.contentType.parsed.params;
        const text = decodeText(new Uint8Array(this.content), params.charset, this.postalMime?.kizukiCharsetNotes);
        return /^flowed$/i.test(params.format ?? '') ? this.decodeFlowedText(text, /^yes$/i.test(params.delsp ?? '')) : text;
      };
    }
  } catch {
    // as above
  }
}

/** The parser instance carries the notes of the message it parses, for the patched decoder. */
interface NotesCarrier {
  kizukiCharsetNotes?: CharsetNotes;
}

interface TextNode {
  postalMime?: NotesCarrier;
  content: ArrayBuffer | null;
  contentType: { parsed: { params: Record<string, string | undefined> } };
  decodeFlowedText: (text: string, delSp: boolean) => string;
}

await speedUpPostalMimeDecoders();

/** The parts of a PostalMime instance that its parse loop uses. */
interface PostalMimeParser {
  started: boolean;
  buf: ArrayBuffer;
  av: Uint8Array;
  readPos: number;
  boundaries: unknown[];
  currentNode: { feed(line: Uint8Array): void };
  options: { forceRfc822Attachments?: boolean };
  forceRfc822Attachments: boolean;
  resolveInput(buf: unknown): Promise<ArrayBuffer>;
  processLine(line: Uint8Array, isFinal: boolean): Promise<void>;
  finalize(): Promise<void>;
  hasReportParts(): boolean;
  collectNode(node: unknown, alternative: boolean, related: boolean): Promise<void>;
  root: unknown;
  renderTextContent(): void;
  buildMessage(): unknown;
  encodeAttachments(): void;
}

/**
 * postal-mime's parse loop, with the same steps in the same order, minus two costs per line:
 * lines are found with indexOf instead of a byte-by-byte loop, and a line that cannot be a
 * boundary (it does not start with "--", or no multipart is open) goes straight to the current
 * part instead of through the async processLine and an await. test/mail/core-parse.test.ts
 * compares it with postal-mime's own parse over the corpus.
 */
async function parseLines(this: PostalMimeParser, buf: unknown): Promise<unknown> {
  if (this.started) throw new Error('Can not reuse parser, create a new PostalMime object');
  this.started = true;
  this.buf = await this.resolveInput(buf);
  const av = new Uint8Array(this.buf);
  this.av = av;
  this.readPos = 0;
  const length = av.length;
  while (this.readPos < length) {
    const start = this.readPos;
    const lf = av.indexOf(0x0a, start);
    const next = lf < 0 ? length : lf + 1;
    // The line's bytes stop before its LF and any CRs in front of it.
    let end = lf < 0 ? length : lf;
    while (end > start && av[end - 1] === 0x0d) end--;
    this.readPos = next;
    const line = new Uint8Array(this.buf, start, end - start);
    const done = next >= length;
    if (this.boundaries.length > 0 && line.length > 2 && line[0] === 0x2d && line[1] === 0x2d) {
      await this.processLine(line, done);
    } else {
      this.currentNode.feed(line);
      if (done) await this.finalize();
    }
  }
  this.forceRfc822Attachments = Boolean(this.options.forceRfc822Attachments) || this.hasReportParts();
  await this.collectNode(this.root, false, false);
  this.renderTextContent();
  const message = this.buildMessage();
  this.encodeAttachments();
  return message;
}

const postalMimePrototype = PostalMime.prototype as unknown as Record<string, unknown>;
/** postal-mime's own parse, kept for the test that compares the two. */
export const postalMimeOwnParse = postalMimePrototype.parse as (this: PostalMime, buf: Uint8Array) => ReturnType<PostalMime['parse']>;
if (
  ['resolveInput', 'readLine', 'processLine', 'finalize', 'hasReportParts', 'collectNode', 'renderTextContent', 'buildMessage', 'encodeAttachments'].every(
    (name) => typeof postalMimePrototype[name] === 'function',
  )
) {
  postalMimePrototype.parse = parseLines;
}

/** The most headers kept for one message; more than this is an attack or a broken file. */
const MAX_HEADER_FIELDS = 2000;
/** Header bytes read (postal-mime's own default limit for a whole message's headers). */
const MAX_HEADER_BYTES = 2 * 1024 * 1024;
/** A single header value longer than this is cut (the rest is almost certainly an attack). */
const MAX_HEADER_VALUE_CHARS = 32 * 1024;
/** MIME nesting deeper than this is refused by the parser (the body is then read as plain bytes). */
const MAX_MIME_NESTING = 100;

/**
 * Makes bytes safe for the line-based parser: drops an mbox 'From ' first line, turns bare CR
 * line ends (old Mac mail) into LF, and caps the size.
 */
export function prepareBytes(raw: Uint8Array, limits: AnalysisLimits, errors: AnalysisError[]): Uint8Array {
  let bytes = raw;
  if (bytes.byteLength > limits.maxMessageBytes) {
    errors.push({ stage: 'limit', message: `message is ${bytes.byteLength} bytes; only the first ${limits.maxMessageBytes} were analysed` });
    bytes = bytes.subarray(0, limits.maxMessageBytes);
  }
  // "From " (no colon) opens an mbox record, e.g. in the SpamAssassin corpus.
  if (bytes.length > 5 && bytes[0] === 0x46 && bytes[1] === 0x72 && bytes[2] === 0x6f && bytes[3] === 0x6d && bytes[4] === 0x20) {
    const lineEnd = bytes.indexOf(0x0a);
    bytes = lineEnd < 0 ? bytes.subarray(bytes.length) : bytes.subarray(lineEnd + 1);
  }
  return fixBareCarriageReturns(bytes);
}

/** CR not followed by LF becomes LF; CRLF stays. Returns the input when there is nothing to fix. */
export function fixBareCarriageReturns(bytes: Uint8Array): Uint8Array {
  let cr = bytes.indexOf(0x0d);
  while (cr >= 0 && bytes[cr + 1] === 0x0a) cr = bytes.indexOf(0x0d, cr + 2);
  if (cr < 0) return bytes;
  const fixed = new Uint8Array(bytes);
  for (let i = cr; i < fixed.length; i++) {
    if (fixed[i] === 0x0d && fixed[i + 1] !== 0x0a) fixed[i] = 0x0a;
  }
  return fixed;
}

const CONTENT_TYPE_RE = /^\s*([a-z0-9!#$&^_.+-]+\/[a-z0-9!#$&^_.+-]+)/i;
const REPORT_TYPE_RE = /;\s*report-type\s*=\s*"?([a-z0-9_-]+)/i;

function dispositionOf(value: string | null): RawPart['disposition'] {
  if (value === 'attachment' || value === 'inline') return value;
  return '';
}

function toBytes(content: ArrayBuffer | Uint8Array | string): Uint8Array {
  if (typeof content === 'string') return textEncoder.encode(content);
  return content instanceof Uint8Array ? content : new Uint8Array(content);
}

function firstAddress(fields: RawHeaderField[], key: string): MailAddress | undefined {
  const raw = firstRaw(fields, key);
  if (!raw) return undefined;
  const list = parseAddressList(raw);
  return list.find((address) => address.address) ?? list[0] ?? { ...emptyAddress(), name: decodeHeaderValue(raw) };
}

/** Parses one message (top-level or nested). */
export async function parseMessage(raw: Uint8Array, limits: AnalysisLimits): Promise<ParsedMessage> {
  const errors: AnalysisError[] = [];
  const notes: CharsetNotes = new Set();
  const bytes = prepareBytes(raw, limits, errors);
  const bounds = findHeaderBounds(bytes);
  const fields = readHeaderFields(bytes, bounds, errors);
  const contentTypeRaw = firstRaw(fields, 'content-type');
  const contentType = (CONTENT_TYPE_RE.exec(contentTypeRaw)?.[1] ?? (contentTypeRaw ? '' : 'text/plain')).toLowerCase();
  errors.push(...structureProblems(bytes, bounds, fields, contentType, contentTypeRaw));

  const sender = firstAddress(fields, 'sender');
  const message: ParsedMessage = {
    bytes,
    headers: decodeHeaderFields(fields, notes),
    rawHeaders: fields,
    subject: decodeHeaderValue(firstRaw(fields, 'subject')),
    messageId: messageIds(firstRaw(fields, 'message-id'))[0] ?? '',
    inReplyTo: messageIds(firstRaw(fields, 'in-reply-to'))[0] ?? '',
    references: messageIds(firstRaw(fields, 'references')),
    date: isoDate(firstRaw(fields, 'date')),
    from: firstAddress(fields, 'from') ?? emptyAddress(),
    ...(sender ? { sender } : {}),
    replyTo: addressesOf(fields, 'reply-to').filter((address) => address.address),
    returnPath: returnPathOf(fields),
    to: addressesOf(fields, 'to'),
    cc: addressesOf(fields, 'cc'),
    bcc: addressesOf(fields, 'bcc'),
    contentType,
    reportType: contentType === 'multipart/report' ? (REPORT_TYPE_RE.exec(contentTypeRaw)?.[1]?.toLowerCase() ?? '') : '',
    text: '',
    html: '',
    parts: [],
    errors,
  };
  await readBodies(message, bounds, fields, limits, notes);
  for (const note of notes) errors.push({ stage: 'charset', message: note });
  return message;
}

/** Header fields, within the byte, count and per-value limits. */
function readHeaderFields(bytes: Uint8Array, bounds: HeaderBounds, errors: AnalysisError[]): RawHeaderField[] {
  let headerBounds = bounds;
  if (bounds.headerEnd > MAX_HEADER_BYTES) {
    errors.push({ stage: 'limit', message: `header block is ${bounds.headerEnd} bytes; only the first ${MAX_HEADER_BYTES} were read` });
    headerBounds = { ...bounds, headerEnd: MAX_HEADER_BYTES };
  }
  const { fields, truncated } = readRawHeaders(bytes, headerBounds, MAX_HEADER_FIELDS);
  if (truncated) errors.push({ stage: 'limit', message: `more than ${MAX_HEADER_FIELDS} header fields; the rest were ignored` });
  for (const field of fields) {
    if (field.raw.length > MAX_HEADER_VALUE_CHARS) {
      errors.push({ stage: 'limit', message: `header ${field.key.slice(0, 60)} is ${field.raw.length} characters long; kept the first ${MAX_HEADER_VALUE_CHARS}` });
      field.raw = field.raw.slice(0, MAX_HEADER_VALUE_CHARS);
    }
  }
  return fields;
}

const FIRST_LINE_IS_HEADER_RE = /^[\x21-\x39\x3b-\x7e]+[ \t]*:/;
const BOUNDARY_RE = /;\s*boundary\s*=\s*(?:"([^"]*)"|([^;\s"]+))/i;

/** What is wrong with the message's shape as a whole: not a message at all, or a broken multipart. */
function structureProblems(bytes: Uint8Array, bounds: HeaderBounds, fields: RawHeaderField[], contentType: string, contentTypeRaw: string): AnalysisError[] {
  const problems: AnalysisError[] = [];
  if (bytes.length === 0) return problems;
  const headerBlock = bytes.subarray(0, Math.min(bounds.headerEnd, MAX_HEADER_BYTES));
  const firstLineEnd = bytes.indexOf(0x0a);
  const firstLine = Buffer.from(bytes.buffer, bytes.byteOffset, firstLineEnd < 0 ? Math.min(bytes.length, 1000) : Math.min(firstLineEnd, 1000)).toString('latin1');
  if (headerBlock.indexOf(0) >= 0) {
    problems.push({ stage: 'parse', message: 'the header block holds NUL bytes: this looks like binary data, not a mail message' });
  } else if (fields.length === 0) {
    problems.push({ stage: 'parse', message: 'no header fields found: this does not look like a mail message' });
  } else if (!FIRST_LINE_IS_HEADER_RE.test(firstLine)) {
    problems.push({ stage: 'parse', message: 'the first line is not a header field: this may not be a mail message' });
  }
  // A returned message in a bounce often keeps only its headers: no body, so no boundary to find.
  if (contentType.startsWith('multipart/') && hasContent(bytes, bounds.bodyStart)) {
    const boundary = BOUNDARY_RE.exec(contentTypeRaw);
    const value = boundary?.[1] ?? boundary?.[2] ?? '';
    if (!value) {
      problems.push({ stage: 'parse', message: `${contentType} without a boundary parameter: its body was read as a single part` });
    } else if (Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).indexOf(`--${value}`, bounds.bodyStart, 'latin1') < 0) {
      problems.push({ stage: 'parse', message: `the multipart boundary "${value.slice(0, 70)}" never appears in the body: its parts could not be separated` });
    }
  }
  return problems;
}

function hasContent(bytes: Uint8Array, start: number): boolean {
  for (let i = start; i < bytes.length; i++) {
    const b = bytes[i]!;
    if (b !== 0x20 && b !== 0x09 && b !== 0x0d && b !== 0x0a) return true;
  }
  return false;
}

/** Fills text, html and parts: the single-part fast path, else postal-mime, else the raw body as text. */
async function readBodies(message: ParsedMessage, bounds: HeaderBounds, fields: RawHeaderField[], limits: AnalysisLimits, notes: CharsetNotes): Promise<void> {
  const { bytes, errors } = message;
  const singlePart = readSinglePartBody(bytes, bounds.bodyStart, fields, notes);
  if (singlePart) {
    message.text = capText(singlePart.text, limits.maxBodyChars, 'text', errors);
    message.html = capText(singlePart.html, limits.maxBodyChars, 'html', errors);
    return;
  }
  try {
    const parser = new PostalMime({
      // Nested messages come back as parts; analyse() looks into them through parseNested,
      // so their bodies never mix with this message's own text.
      forceRfc822Attachments: true,
      maxNestingDepth: MAX_MIME_NESTING,
      attachmentEncoding: 'arraybuffer',
    });
    (parser as unknown as NotesCarrier).kizukiCharsetNotes = notes;
    // A trimmed copy is this parse's own: handed over as its ArrayBuffer, postal-mime uses it without copying it again.
    const input = onlyBodyHeaders(bytes);
    const email = await parser.parse(input === bytes ? bytes : (input.buffer as ArrayBuffer));
    message.text = capText(email.text ?? '', limits.maxBodyChars, 'text', errors);
    message.html = capText(email.html ?? '', limits.maxBodyChars, 'html', errors);
    const attachments = email.attachments;
    if (attachments.length > limits.maxParts) {
      errors.push({ stage: 'limit', message: `${attachments.length} attachments; only the first ${limits.maxParts} were analysed` });
    }
    for (const attachment of attachments.slice(0, limits.maxParts)) {
      message.parts.push({
        filename: attachment.filename ?? '',
        mimeType: attachment.mimeType.toLowerCase(),
        disposition: dispositionOf(attachment.disposition),
        content: toBytes(attachment.content),
      });
    }
  } catch (error) {
    // The structure could not be read (e.g. absurd nesting): keep the headers, and read the
    // body as plain text so links in it are still found.
    errors.push({ stage: 'parse', message: `MIME structure unreadable: ${errorMessage(error)}` });
    message.text = rawBodyText(bytes, bounds, limits, notes);
    return;
  }
  // A multipart whose boundary never comes yields nothing, though its body may hold the whole
  // message (or a lure hidden in the preamble): read those bytes as text instead.
  if (!message.text && !message.html && message.parts.length === 0 && bounds.bodyStart < bytes.length) {
    message.text = rawBodyText(bytes, bounds, limits, notes);
  }
}

/** The top-level fields postal-mime reads to find and decode the body; the others only feed its header output, unused here. */
const BODY_FIELDS = ['content-type', 'content-transfer-encoding', 'content-disposition', 'content-id', 'content-description'];
/** postal-mime's limit on header bytes in all parts together: a message shorter than this can never reach it. */
const POSTAL_MIME_MAX_HEADERS_SIZE = 2 * 1024 * 1024;

/**
 * The message with only the top-level header fields that decide how postal-mime reads the body
 * (the first occurrence of each wins, as in postal-mime, so every occurrence is kept in order).
 * Kizuki reads the headers itself; postal-mime would otherwise decode, unfold and address-parse
 * every one of them again for its own header output. Lines are found as postal-mime finds
 * them (split at LF, trailing CRs dropped; the first empty line ends the header block), and a
 * field is a line plus the lines after it that start with a space or tab. Returns the bytes
 * unchanged when there is no empty line or the message could reach postal-mime's header limit.
 */
export function onlyBodyHeaders(bytes: Uint8Array): Uint8Array {
  if (bytes.length >= POSTAL_MIME_MAX_HEADERS_SIZE) return bytes;
  const kept: Array<[number, number]> = [];
  let fieldStart = -1;
  let keepField = false;
  let pos = 0;
  while (pos < bytes.length) {
    const lf = bytes.indexOf(0x0a, pos);
    const next = lf < 0 ? bytes.length : lf + 1;
    let end = lf < 0 ? bytes.length : lf;
    while (end > pos && bytes[end - 1] === 0x0d) end--;
    const first = bytes[pos];
    const blank = end === pos;
    if (blank || fieldStart < 0 || (first !== 0x20 && first !== 0x09)) {
      if (fieldStart >= 0 && keepField) kept.push([fieldStart, pos]);
      if (blank) {
        if (lf < 0) return bytes;
        return joinRanges(bytes, kept, pos);
      }
      fieldStart = pos;
      keepField = mayBeBodyField(bytes, pos);
    }
    pos = next;
  }
  return bytes;
}

/**
 * Whether a field (starting at `start`) is named like one of BODY_FIELDS as postal-mime names
 * fields: the text before the first ':' of the unfolded field, blanks trimmed, lower-cased.
 * Anything it cannot rule out cheaply (a non-ASCII byte in the name, no ':' on the first line)
 * is kept, which is always safe.
 */
function mayBeBodyField(bytes: Uint8Array, start: number): boolean {
  let colon = -1;
  for (let i = start; i < bytes.length; i++) {
    const b = bytes[i]!;
    if (b === 0x3a) {
      colon = i;
      break;
    }
    if (b === 0x0a || b === 0x0d || b >= 0x80) return true;
  }
  if (colon < 0) return true;
  let from = start;
  let to = colon;
  while (from < to && (bytes[from] === 0x20 || bytes[from] === 0x09)) from++;
  while (to > from && (bytes[to - 1] === 0x20 || bytes[to - 1] === 0x09)) to--;
  return BODY_FIELDS.some((name) => sameNameIgnoringCase(bytes, from, to, name));
}

/** bytes[from, to) spell `lowerName` (ASCII, lower case) in any case. */
function sameNameIgnoringCase(bytes: Uint8Array, from: number, to: number, lowerName: string): boolean {
  if (to - from !== lowerName.length) return false;
  for (let i = 0; i < lowerName.length; i++) {
    const b = bytes[from + i]!;
    if ((b >= 0x41 && b <= 0x5a ? b + 0x20 : b) !== lowerName.charCodeAt(i)) return false;
  }
  return true;
}

/** The ranges and then everything from restStart, copied into a new array that fills its own buffer. */
function joinRanges(bytes: Uint8Array, ranges: Array<[number, number]>, restStart: number): Uint8Array {
  let length = bytes.length - restStart;
  for (const [start, end] of ranges) length += end - start;
  const out = new Uint8Array(length);
  let offset = 0;
  for (const [start, end] of ranges) {
    out.set(bytes.subarray(start, end), offset);
    offset += end - start;
  }
  out.set(bytes.subarray(restStart), offset);
  return out;
}

function rawBodyText(bytes: Uint8Array, bounds: HeaderBounds, limits: AnalysisLimits, notes: CharsetNotes): string {
  return decodeText(bytes.subarray(bounds.bodyStart, bounds.bodyStart + limits.maxBodyChars), undefined, notes).trim();
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message || error.name : String(error);
}

function capText(text: string, maxChars: number, what: string, errors: AnalysisError[]): string {
  if (text.length <= maxChars) return text;
  errors.push({ stage: 'limit', message: `${what} body is ${text.length} characters; kept the first ${maxChars}` });
  return text.slice(0, maxChars);
}
