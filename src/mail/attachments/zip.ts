// ZIP archives: list members and unpack them within the message's unpack budget, refusing zip bombs.
import type { ArchiveFacts } from '../../model/analysis.js';
import { readZipDirectory, unpackMember, ZipFormatError, ZipLimitError, type ZipDirectory } from './zip-directory.js';

/** Bytes still allowed to be unpacked for the whole message, shared by every archive in it. */
export interface UnpackBudget {
  remaining: number;
  used: number;
}

export interface UnpackedMember {
  name: string;
  content: Uint8Array;
}

export interface ZipInspection {
  directory: ZipDirectory | undefined;
  facts: ArchiveFacts;
  members: UnpackedMember[];
  errors: string[];
}

/**
 * A member that claims to expand more than this many times over, and to more than
 * BOMB_MIN_BYTES, is treated as a zip bomb and not unpacked. Ordinary documents compress
 * 2–20×; long runs of one byte reach the deflate ceiling of about 1032×.
 */
export const BOMB_RATIO = 200;
export const BOMB_MIN_BYTES = 1024 * 1024;

export function inspectZip(
  data: Uint8Array,
  options: { maxEntries: number; budget: UnpackBudget; unpack: boolean; pastDeadline: () => boolean },
): ZipInspection {
  const facts: ArchiveFacts = { entries: 0, encryptedEntries: 0, unpackedBytes: 0 };
  const errors: string[] = [];
  const members: UnpackedMember[] = [];
  let directory: ZipDirectory;
  try {
    directory = readZipDirectory(data, options.maxEntries);
  } catch (error) {
    return { directory: undefined, facts, members, errors: [`cannot list the archive: ${(error as Error).message}`] };
  }
  facts.entries = directory.declaredCount;
  if (directory.declaredCount > directory.entries.length) {
    errors.push(`archive declares ${directory.declaredCount} entries; only the first ${directory.entries.length} were looked at`);
  }
  facts.encryptedEntries = directory.entries.filter((entry) => entry.encrypted).length;
  if (facts.encryptedEntries > 0) {
    errors.push(`${facts.encryptedEntries} password-protected member(s): ${directory.entries.filter((entry) => entry.encrypted).slice(0, 5).map((entry) => entry.name).join(', ')}`);
  }
  if (!options.unpack) return { directory, facts, members, errors };

  for (const entry of directory.entries) {
    if (entry.isDirectory || entry.encrypted) continue;
    if (options.pastDeadline()) {
      errors.push('time budget spent: remaining archive members were not unpacked');
      break;
    }
    const ratio = entry.declaredSize / Math.max(1, entry.compressedSize);
    if (ratio > BOMB_RATIO && entry.declaredSize > BOMB_MIN_BYTES) {
      errors.push(`zip bomb suspected: "${entry.name}" claims ${entry.declaredSize} bytes from ${entry.compressedSize} (ratio ${Math.round(ratio)}:1); not unpacked`);
      continue;
    }
    if (entry.declaredSize > options.budget.remaining) {
      errors.push(`unpack budget reached: "${entry.name}" (${entry.declaredSize} bytes) and any later members were not unpacked`);
      break;
    }
    try {
      // never more than the member claims: a member that grows past its declared size is lying
      const content = unpackMember(data, entry, Math.min(options.budget.remaining, entry.declaredSize));
      options.budget.remaining -= content.length;
      options.budget.used += content.length;
      facts.unpackedBytes += content.length;
      members.push({ name: entry.name, content });
    } catch (error) {
      if (error instanceof ZipLimitError) {
        errors.push(`zip bomb suspected: "${entry.name}" unpacks past its declared ${entry.declaredSize} bytes; stopped and dropped`);
      } else if (error instanceof ZipFormatError) {
        errors.push(error.message);
      } else {
        errors.push(`cannot unpack "${entry.name}": ${(error as Error).message}`);
      }
    }
  }
  return { directory, facts, members, errors };
}
