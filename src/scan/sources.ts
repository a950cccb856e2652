// Turns the paths given to `kizuki scan` into a stream of raw messages: .eml files, folders (recursive),
// mbox files (Google Takeout, Thunderbird) and standard input ('-').
import { createReadStream, readFileSync, statSync } from 'node:fs';
import { open, readdir } from 'node:fs/promises';
import { join } from 'node:path';

export interface SourceRef {
  /** file path as given or found ('-' for standard input) */
  path: string;
  /** position of the message inside an mbox file, from 0 */
  index?: number;
}

export type SourceItem = { ref: SourceRef; raw: Uint8Array } | { ref: SourceRef; error: string };

export interface SourceSummary {
  /** files in folders that were passed over because they do not look like mail (README.md, labels.tsv, …) */
  skipped: string[];
}

const SNIFF_BYTES = 4096;
/**
 * Files up to this size are read whole in one synchronous call: for the small files mail folders are made of this is
 * several times cheaper than a stream (one open/read/close instead of many thread-pool round trips), and the main
 * thread is what the analysis workers wait for. Larger files (mbox exports) are streamed, never held whole.
 */
const WHOLE_FILE_BYTES = 4 * 1024 * 1024;
/** Files with these extensions are always read as mail, even when their content does not look like it. */
const MAIL_EXTENSIONS = /\.(eml|mbox|mbx|msg|mail)$/i;
const HEADER_LINE_RE = /^[!-9;-~]+:[ \t]?/; // an RFC 5322 field name followed by ':'
const FROM_LINE = Buffer.from('From ');

/** Does the start of this file look like a mail message or an mbox? */
export function looksLikeMail(head: Uint8Array): boolean {
  const text = Buffer.from(head).toString('latin1');
  const firstLine = text.replace(/^[\r\n]+/, '').split(/\r\n|\r|\n/, 1)[0] ?? '';
  return firstLine.startsWith('From ') || HEADER_LINE_RE.test(firstLine);
}

function isMboxSeparatorAt(buffer: Buffer, lineStart: number): boolean {
  if (buffer.length < lineStart + FROM_LINE.length) return false;
  return buffer.compare(FROM_LINE, 0, FROM_LINE.length, lineStart, lineStart + FROM_LINE.length) === 0;
}

/** mboxrd/mboxo quoting: a body line '>From ' was written for 'From '; strip one '>'. */
function unquoteFromLines(message: Buffer): Buffer {
  if (!message.includes('\n>')) return message;
  const text = message.toString('latin1').replace(/^>(>*From )/gm, '$1');
  return Buffer.from(text, 'latin1');
}

/** Remove a leading mbox 'From ' line (single messages saved from mbox tools carry one). */
export function stripFromLine(message: Buffer): Buffer {
  if (!isMboxSeparatorAt(message, 0)) return message;
  const end = message.indexOf(0x0a);
  return end < 0 ? Buffer.alloc(0) : message.subarray(end + 1);
}

/**
 * Split an mbox stream into messages without holding the whole file: a message starts at a 'From ' line that is at
 * the start of the file or follows an empty line.
 */
export async function* splitMbox(chunks: AsyncIterable<Buffer> | Iterable<Buffer>): AsyncGenerator<Buffer> {
  for await (const segment of splitMboxSegments(chunks)) yield finishMessage(segment);
}

/** The messages of an mbox stream as they stand in the file (From_ line and quoting still on). */
async function* splitMboxSegments(chunks: AsyncIterable<Buffer> | Iterable<Buffer>): AsyncGenerator<Buffer> {
  let pending: Buffer = Buffer.alloc(0);
  let searchFrom = 0;
  for await (const chunk of chunks) {
    pending = pending.length ? Buffer.concat([pending, chunk]) : chunk;
    for (;;) {
      const separator = findSeparator(pending, Math.max(searchFrom, 1));
      if (separator < 0) {
        searchFrom = Math.max(1, pending.length - 8);
        break;
      }
      yield pending.subarray(0, separator);
      pending = pending.subarray(separator);
      searchFrom = 1;
    }
  }
  if (pending.length && pending.toString('latin1').trim().length) yield pending;
}

function findSeparator(buffer: Buffer, from: number): number {
  let position = from;
  for (;;) {
    const hit = buffer.indexOf('\nFrom ', position - 1, 'latin1');
    if (hit < 0) return -1;
    const lineStart = hit + 1;
    const previous = buffer[hit - 1];
    const beforePrevious = buffer[hit - 2];
    if (previous === 0x0a || (previous === 0x0d && beforePrevious === 0x0a)) return lineStart;
    position = lineStart + 1;
  }
}

/**
 * A message as its own buffer. What the splitter cuts is a view into a larger read chunk (1 MiB from a stream, or a
 * whole file read at once); handing a worker such a view would copy the whole chunk with it, since a structured
 * clone carries a view's entire ArrayBuffer, and would keep the chunk alive as long as the message is.
 */
function ownBuffer(message: Buffer): Buffer {
  if (message.byteOffset === 0 && message.byteLength === message.buffer.byteLength) return message;
  const copy = Buffer.allocUnsafeSlow(message.byteLength);
  message.copy(copy);
  return copy;
}

function finishMessage(message: Buffer): Buffer {
  return ownBuffer(unquoteFromLines(stripFromLine(message)));
}

async function readHead(path: string): Promise<Buffer> {
  const handle = await open(path, 'r');
  try {
    const buffer = Buffer.alloc(SNIFF_BYTES);
    const { bytesRead } = await handle.read(buffer, 0, SNIFF_BYTES, 0);
    return buffer.subarray(0, bytesRead);
  } finally {
    await handle.close();
  }
}

async function* walk(dir: string): AsyncGenerator<string> {
  const entries = await readdir(dir, { withFileTypes: true });
  entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const entry of entries) {
    if (entry.name.startsWith('.')) continue;
    const full = join(dir, entry.name);
    if (entry.isDirectory()) yield* walk(full);
    else if (entry.isFile()) yield full;
  }
}

/** Does this file hold more than one message separated by mbox 'From ' lines? */
async function isMultiMessageMbox(path: string, head: Buffer): Promise<boolean> {
  if (!isMboxSeparatorAt(head, 0)) return false;
  for await (const chunk of createReadStream(path, { highWaterMark: 1 << 20 })) {
    const buffer = chunk as Buffer;
    if (findSeparator(buffer, 1) >= 0) return true;
  }
  return false;
}

async function* fromFile(path: string, size: number, head?: Buffer): AsyncGenerator<SourceItem> {
  if (size <= WHOLE_FILE_BYTES) {
    yield* fromBuffer(path, readFileSync(path));
    return;
  }
  head ??= await readHead(path);
  if (await isMultiMessageMbox(path, head)) {
    let index = 0;
    for await (const message of splitMbox(createReadStream(path, { highWaterMark: 1 << 20 }) as AsyncIterable<Buffer>)) {
      yield { ref: { path, index }, raw: message };
      index += 1;
    }
    return;
  }
  const chunks: Buffer[] = [];
  for await (const chunk of createReadStream(path)) chunks.push(chunk as Buffer);
  yield { ref: { path }, raw: stripFromLine(Buffer.concat(chunks)) };
}

/** A small file read whole: one message, or an mbox of several. */
async function* fromBuffer(path: string, all: Buffer): AsyncGenerator<SourceItem> {
  if (isMboxSeparatorAt(all, 0) && findSeparator(all, 1) >= 0) {
    let index = 0;
    for await (const message of splitMbox([all])) {
      yield { ref: { path, index }, raw: message };
      index += 1;
    }
    return;
  }
  yield { ref: { path }, raw: stripFromLine(all) };
}

/**
 * Standard input, streamed: an mbox on standard input is split as it arrives, so only the message being read (and
 * one waiting, to learn whether there is more than one) is held. Input that does not start with a 'From ' line is
 * one message, read whole.
 */
async function* fromStdin(stdin: AsyncIterable<Buffer> | Iterable<Buffer>): AsyncGenerator<SourceItem> {
  const chunks = (Symbol.asyncIterator in stdin ? stdin[Symbol.asyncIterator]() : stdin[Symbol.iterator]()) as AsyncIterator<Buffer> | Iterator<Buffer>;
  // enough of the start to tell an mbox from a single message
  const head: Buffer[] = [];
  let headBytes = 0;
  let ended = false;
  while (headBytes < FROM_LINE.length) {
    const next = await chunks.next();
    if (next.done) {
      ended = true;
      break;
    }
    head.push(next.value);
    headBytes += next.value.length;
  }
  async function* rest(): AsyncGenerator<Buffer> {
    yield* head;
    if (ended) return;
    for (;;) {
      const next = await chunks.next();
      if (next.done) return;
      yield next.value;
    }
  }
  if (!isMboxSeparatorAt(Buffer.concat(head), 0)) {
    const all: Buffer[] = [];
    for await (const chunk of rest()) all.push(chunk);
    yield { ref: { path: '-' }, raw: Buffer.concat(all) };
    return;
  }
  // The first message is held back until a second one shows that this is an mbox: a single message keeps its
  // bytes as they are (only the From_ line goes), the messages of an mbox are unquoted.
  let first: Buffer | undefined;
  let index = 0;
  for await (const segment of splitMboxSegments(rest())) {
    if (first === undefined) {
      first = ownBuffer(segment);
      continue;
    }
    if (index === 0) {
      yield { ref: { path: '-', index: 0 }, raw: finishMessage(first) };
      index = 1;
    }
    yield { ref: { path: '-', index }, raw: finishMessage(segment) };
    index += 1;
  }
  if (index === 0) yield { ref: { path: '-' }, raw: ownBuffer(stripFromLine(first ?? Buffer.alloc(0))) };
}

/**
 * Every message under the given paths, in a stable order. A path that cannot be read yields an error item and
 * the rest go on. Files met inside folders that neither look like mail nor carry a mail extension (.eml, .mbox…)
 * — a README, a labels.tsv, a key file — are skipped and listed in `summary`.
 */
export async function* readSources(
  paths: string[],
  summary: SourceSummary = { skipped: [] },
  stdin: AsyncIterable<Buffer> | Iterable<Buffer> = process.stdin as AsyncIterable<Buffer>,
): AsyncGenerator<SourceItem> {
  for (const path of paths) {
    if (path === '-') {
      yield* fromStdin(stdin);
      continue;
    }
    let info: ReturnType<typeof statSync>;
    try {
      info = statSync(path);
    } catch (error) {
      yield { ref: { path }, error: describeIoError(error, path) };
      continue;
    }
    if (info.isDirectory()) {
      for await (const file of walk(path)) {
        try {
          const size = statSync(file).size;
          if (size <= WHOLE_FILE_BYTES) {
            const all = readFileSync(file);
            if (all.length > 0 && !MAIL_EXTENSIONS.test(file) && !looksLikeMail(all.subarray(0, SNIFF_BYTES))) {
              summary.skipped.push(file);
              continue;
            }
            yield* fromBuffer(file, all);
            continue;
          }
          const head = await readHead(file);
          if (head.length > 0 && !MAIL_EXTENSIONS.test(file) && !looksLikeMail(head)) {
            summary.skipped.push(file);
            continue;
          }
          yield* fromFile(file, size, head);
        } catch (error) {
          yield { ref: { path: file }, error: describeIoError(error, file) };
        }
      }
    } else {
      try {
        yield* fromFile(path, info?.size ?? Number.POSITIVE_INFINITY);
      } catch (error) {
        yield { ref: { path }, error: describeIoError(error, path) };
      }
    }
  }
}

export function describeIoError(error: unknown, path: string): string {
  const code = (error as NodeJS.ErrnoException).code;
  switch (code) {
    case 'ENOENT':
      return `${path}: no such file or folder`;
    case 'EACCES':
    case 'EPERM':
      return `${path}: permission denied`;
    case 'EISDIR':
      return `${path}: is a folder`;
    default:
      return `${path}: ${(error as Error).message}`;
  }
}
