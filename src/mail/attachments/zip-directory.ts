// Reads a ZIP archive's central directory and inflates single members under a hard byte cap.
// fflate does the decompression; this module only locates members, because fflate's own unzip
// neither reports encrypted members nor lets us stop a member that inflates past a budget.
import { bytesToText, fflate } from './inflate.js';

export interface ZipEntry {
  name: string;
  /** 0 = stored, 8 = deflate; anything else is reported as unsupported */
  method: number;
  encrypted: boolean;
  compressedSize: number;
  /** size the archive claims for the unpacked member (a liar may understate it) */
  declaredSize: number;
  localHeaderOffset: number;
  isDirectory: boolean;
}

export interface ZipDirectory {
  entries: ZipEntry[];
  /** the number of entries the archive claims, which may exceed entries.length when capped */
  declaredCount: number;
}

export class ZipFormatError extends Error {
  override name = 'ZipFormatError';
}

const EOCD_SIGNATURE = 0x06054b50;
const ZIP64_LOCATOR_SIGNATURE = 0x07064b50;
const ZIP64_EOCD_SIGNATURE = 0x06064b50;
const CENTRAL_SIGNATURE = 0x02014b50;
const LOCAL_SIGNATURE = 0x04034b50;
/** the end record plus the longest possible archive comment */
const EOCD_SEARCH_SPAN = 22 + 0xffff;

function u16(data: Uint8Array, at: number): number {
  return (data[at] ?? 0) | ((data[at + 1] ?? 0) << 8);
}

function u32(data: Uint8Array, at: number): number {
  return (u16(data, at) + u16(data, at + 2) * 0x10000) >>> 0;
}

function u64(data: Uint8Array, at: number): number {
  return u32(data, at) + u32(data, at + 4) * 0x1_0000_0000;
}

/** Where the end-of-central-directory record starts, or -1. */
function findEndRecord(data: Uint8Array): number {
  const lowest = Math.max(0, data.length - EOCD_SEARCH_SPAN);
  for (let at = data.length - 22; at >= lowest; at--) {
    if (u32(data, at) === EOCD_SIGNATURE) return at;
  }
  return -1;
}

/** True when the bytes start like a ZIP archive (a damaged one included: listing it will say what is wrong). */
export function looksLikeZip(data: Uint8Array): boolean {
  return data.length >= 22 && (u32(data, 0) === LOCAL_SIGNATURE || u32(data, 0) === EOCD_SIGNATURE);
}

/**
 * List the archive's members from its central directory, at most maxEntries of them.
 * Throws ZipFormatError when the directory cannot be found or is cut short.
 */
export function readZipDirectory(data: Uint8Array, maxEntries: number): ZipDirectory {
  const end = findEndRecord(data);
  if (end < 0) throw new ZipFormatError('no ZIP end-of-directory record (truncated or not a ZIP archive)');
  let declaredCount = u16(data, end + 10);
  let offset = u32(data, end + 16);
  if (end >= 20 && u32(data, end - 20) === ZIP64_LOCATOR_SIGNATURE) {
    const zip64End = u64(data, end - 12);
    if (zip64End + 56 <= data.length && u32(data, zip64End) === ZIP64_EOCD_SIGNATURE) {
      declaredCount = u64(data, zip64End + 32);
      offset = u64(data, zip64End + 48);
    }
  }
  const entries: ZipEntry[] = [];
  for (let i = 0; i < declaredCount && entries.length < maxEntries; i++) {
    if (offset + 46 > data.length || u32(data, offset) !== CENTRAL_SIGNATURE) {
      throw new ZipFormatError(`ZIP central directory is damaged at entry ${i + 1} of ${declaredCount}`);
    }
    const flags = u16(data, offset + 8);
    const method = u16(data, offset + 10);
    let compressedSize = u32(data, offset + 20);
    let declaredSize = u32(data, offset + 24);
    const nameLength = u16(data, offset + 28);
    const extraLength = u16(data, offset + 30);
    const commentLength = u16(data, offset + 32);
    let localHeaderOffset = u32(data, offset + 42);
    const nameBytes = data.subarray(offset + 46, offset + 46 + nameLength);
    // bit 11 says the name is UTF-8; otherwise it is in the legacy code page, read as Latin-1
    const name = bytesToText(nameBytes, (flags & 0x800) === 0);
    const extraStart = offset + 46 + nameLength;
    if (compressedSize === 0xffffffff || declaredSize === 0xffffffff || localHeaderOffset === 0xffffffff) {
      const zip64 = readZip64Extra(data, extraStart, extraLength, {
        needUncompressed: declaredSize === 0xffffffff,
        needCompressed: compressedSize === 0xffffffff,
        needOffset: localHeaderOffset === 0xffffffff,
      });
      declaredSize = zip64.uncompressed ?? declaredSize;
      compressedSize = zip64.compressed ?? compressedSize;
      localHeaderOffset = zip64.offset ?? localHeaderOffset;
    }
    entries.push({
      name,
      method,
      encrypted: (flags & 0x1) !== 0,
      compressedSize,
      declaredSize,
      localHeaderOffset,
      isDirectory: name.endsWith('/'),
    });
    offset = extraStart + extraLength + commentLength;
  }
  return { entries, declaredCount };
}

function readZip64Extra(
  data: Uint8Array,
  start: number,
  length: number,
  need: { needUncompressed: boolean; needCompressed: boolean; needOffset: boolean },
): { uncompressed?: number; compressed?: number; offset?: number } {
  const stop = Math.min(data.length, start + length);
  for (let at = start; at + 4 <= stop; at += 4 + u16(data, at + 2)) {
    if (u16(data, at) !== 0x0001) continue;
    let field = at + 4;
    const found: { uncompressed?: number; compressed?: number; offset?: number } = {};
    if (need.needUncompressed) {
      found.uncompressed = u64(data, field);
      field += 8;
    }
    if (need.needCompressed) {
      found.compressed = u64(data, field);
      field += 8;
    }
    if (need.needOffset) found.offset = u64(data, field);
    return found;
  }
  return {};
}

/** The member's compressed bytes, located through its local header. */
function memberBytes(data: Uint8Array, entry: ZipEntry): Uint8Array {
  const at = entry.localHeaderOffset;
  if (at + 30 > data.length || u32(data, at) !== LOCAL_SIGNATURE) {
    throw new ZipFormatError(`local header of "${entry.name}" is missing`);
  }
  const start = at + 30 + u16(data, at + 26) + u16(data, at + 28);
  const stop = start + entry.compressedSize;
  if (stop > data.length) throw new ZipFormatError(`"${entry.name}" is cut short`);
  return data.subarray(start, stop);
}

export class ZipLimitError extends Error {
  override name = 'ZipLimitError';
}

/** Compressed bytes fed to the inflater at a time; deflate expands at most ~1032:1, so one push yields ≤ ~4 MB. */
const INFLATE_STEP = 4096;

interface StreamingInflater {
  push(chunk: Uint8Array, final?: boolean): void;
}

/**
 * Run a streaming decompressor over `packed`, never keeping more than maxBytes of output: past
 * it, ZipLimitError is thrown and the partial output dropped. Corrupt input throws ZipFormatError.
 */
export function inflateCapped(
  packed: Uint8Array,
  maxBytes: number,
  makeInflater: (ondata: (chunk: Uint8Array) => void) => StreamingInflater,
  what: string,
): Uint8Array {
  const chunks: Uint8Array[] = [];
  let total = 0;
  let overflow = false;
  const inflater = makeInflater((chunk) => {
    if (overflow) return;
    total += chunk.length;
    if (total > maxBytes) {
      overflow = true;
      chunks.length = 0;
      return;
    }
    chunks.push(chunk);
  });
  try {
    for (let at = 0; at < packed.length && !overflow; at += INFLATE_STEP) {
      const stop = Math.min(packed.length, at + INFLATE_STEP);
      inflater.push(packed.subarray(at, stop), stop === packed.length);
    }
  } catch (error) {
    throw new ZipFormatError(`${what} is corrupt: ${(error as Error).message}`);
  }
  if (overflow) throw new ZipLimitError(`${what} unpacks past the ${maxBytes}-byte budget`);
  const out = new Uint8Array(total);
  let offset = 0;
  for (const chunk of chunks) {
    out.set(chunk, offset);
    offset += chunk.length;
  }
  return out;
}

/**
 * Unpack one member, never producing more than maxBytes: past it, ZipLimitError is thrown and the
 * partial output is dropped. Encrypted and unsupported members throw ZipFormatError.
 */
export function unpackMember(data: Uint8Array, entry: ZipEntry, maxBytes: number): Uint8Array {
  if (entry.encrypted) throw new ZipFormatError(`"${entry.name}" is encrypted`);
  const packed = memberBytes(data, entry);
  if (entry.method === 0) {
    if (packed.length > maxBytes) throw new ZipLimitError(`"${entry.name}" is larger than the ${maxBytes}-byte unpack budget`);
    return packed.slice();
  }
  if (entry.method !== 8) throw new ZipFormatError(`"${entry.name}" uses unsupported compression method ${entry.method}`);
  return inflateCapped(packed, maxBytes, (ondata) => new (fflate().Inflate)(ondata), `"${entry.name}"`);
}
