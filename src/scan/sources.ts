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
      yield finishMessage(pending.subarray(0, separator));
      pending = pending.subarray(separator);
      searchFrom = 1;
    }
  }
  if (pending.length && pending.toString('latin1').trim().length) yield finishMessage(pending);
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

function finishMessage(message: Buffer): Buffer {
  return unquoteFromLines(stripFromLine(message));
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

async function* fromStdin(stdin: AsyncIterable<Buffer> | Iterable<Buffer>): AsyncGenerator<SourceItem> {
  const chunks: Buffer[] = [];
  for await (const chunk of stdin) chunks.push(chunk);
  const all = Buffer.concat(chunks);
  const messages: Buffer[] = [];
  if (isMboxSeparatorAt(all, 0) && findSeparator(all, 1) >= 0) {
    for await (const message of splitMbox([all])) messages.push(message);
  } else {
    messages.push(stripFromLine(all));
  }
  const multiple = messages.length > 1;
  for (const [index, raw] of messages.entries()) yield { ref: multiple ? { path: '-', index } : { path: '-' }, raw };
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
