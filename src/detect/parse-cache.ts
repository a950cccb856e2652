// Parsed rule and data files kept on disk, keyed by a hash of their text: parsing YAML was the largest part of
// start-up, and the same files are parsed by the main thread and every worker on every run. A missing, unreadable
// or unwritable cache only costs the parse; an edited file gets a new key, so a stale entry is never used.
import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';

export interface ParseCache {
  /** the value stored for this kind of file with exactly this text, if any */
  get<T>(kind: string, source: string): T | undefined;
  set(kind: string, source: string, value: unknown): void;
  /** writes what changed (atomically: a file written beside it, then renamed); never throws */
  save(): void;
}

interface CacheFile {
  format: string;
  entries: Record<string, unknown>;
}

/**
 * Where the cache lives: KIZUKI_CACHE_DIR, else $XDG_CACHE_HOME/kizuki, else ~/.cache/kizuki. Without a home
 * (a mail filter run with an empty environment) there is no cache: a shared folder such as /tmp is never used,
 * since another local user could plant parsed "rules" there.
 */
export function defaultCacheDir(env: NodeJS.ProcessEnv = process.env, home: string = homeOrEmpty()): string {
  if (env.KIZUKI_CACHE_DIR) return env.KIZUKI_CACHE_DIR;
  if (env.XDG_CACHE_HOME) return join(env.XDG_CACHE_HOME, 'kizuki');
  return home ? join(home, '.cache', 'kizuki') : 'off';
}

function homeOrEmpty(): string {
  try {
    return homedir();
  } catch {
    return '';
  }
}

/** Keeps nothing: for tests and for KIZUKI_CACHE_DIR=off. */
export const noParseCache: ParseCache = { get: () => undefined, set: () => {}, save: () => {} };

/**
 * Opens the cache file in `dir`. `format` names the code that produced the values (a change of parser must change
 * it, which empties the cache).
 */
export function openParseCache(dir: string, format: string): ParseCache {
  if (dir === 'off') return noParseCache;
  // one file per format, so two builds side by side (the bundled CLI and the modules tests import) do not take
  // turns overwriting each other's cache
  const file = join(dir, `parsed-rules-${createHash('sha1').update(format).digest('hex').slice(0, 12)}.json`);
  let entries: Record<string, unknown> = {};
  try {
    const parsed = JSON.parse(readFileSync(file, 'utf8')) as CacheFile;
    if (parsed && parsed.format === format && parsed.entries && typeof parsed.entries === 'object') entries = parsed.entries;
  } catch {
    // no cache yet, or not readable: start empty
  }
  const used = new Set<string>();
  let changed = false;
  const keyOf = (kind: string, source: string) => `${kind}:${createHash('sha1').update(source).digest('hex')}`;
  return {
    get<T>(kind: string, source: string) {
      const key = keyOf(kind, source);
      if (!(key in entries)) return undefined;
      used.add(key);
      return entries[key] as T;
    },
    set(kind, source, value) {
      const key = keyOf(kind, source);
      entries[key] = value;
      used.add(key);
      changed = true;
    },
    save() {
      if (!changed) return;
      // keep only what this run used, so entries of edited or removed files do not pile up
      const kept: Record<string, unknown> = {};
      for (const key of used) kept[key] = entries[key];
      try {
        // private to the user: the configuration cache (src/config-cache.ts) holds the configuration file's content
        mkdirSync(dir, { recursive: true, mode: 0o700 });
        const temporary = `${file}.${process.pid}.${Math.random().toString(36).slice(2)}`;
        writeFileSync(temporary, JSON.stringify({ format, entries: kept } satisfies CacheFile), { mode: 0o600 });
        renameSync(temporary, file);
        changed = false;
        removeStale(dir, file);
      } catch {
        // a read-only home or a full disk: the next run parses again
      }
    },
  };
}

const STALE_MS = 30 * 24 * 3600 * 1000;

/** Cache files of other formats (older builds) untouched for 30 days are removed when a new one is written. */
function removeStale(dir: string, current: string): void {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (path === current || !/^parsed-rules-[0-9a-f]{12}\.json$/.test(name)) continue;
    try {
      if (Date.now() - statSync(path).mtimeMs > STALE_MS) rmSync(path, { force: true });
    } catch {
      // removed by another run meanwhile
    }
  }
}
