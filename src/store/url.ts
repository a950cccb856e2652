// Where the store lives: one URL picks the database. Also the one place that hides passwords from logs.
import { mkdirSync } from 'node:fs';
import { dirname, isAbsolute, resolve } from 'node:path';
import { StoreError } from './errors.js';
import { redactUrl } from './redact.js';

export { redactUrl };

export type StoreTarget =
  | { kind: 'sqlite'; /** absolute file path, or ':memory:' */ path: string }
  | { kind: 'postgres'; /** the connection string, password included: never log it, log redactUrl(it) */ url: string };

export interface StoreLocationOptions {
  /** folder Kizuki keeps its files in; default `.kizuki` under cwd; created when the default database is used */
  dataDir?: string;
  /** base for relative paths; default process.cwd() */
  cwd?: string;
}

export const DEFAULT_DATA_DIR = '.kizuki';
export const DEFAULT_DATABASE_FILE = 'kizuki.db';

/** The data directory as an absolute path (not created). */
export function resolveDataDir(options: StoreLocationOptions = {}): string {
  const cwd = options.cwd ?? process.cwd();
  return resolve(cwd, options.dataDir ?? DEFAULT_DATA_DIR);
}

/**
 * Reads a store URL:
 * - '' → SQLite at `<dataDir>/kizuki.db`
 * - `sqlite:PATH`, `sqlite://PATH`, `sqlite::memory:` or a plain path → SQLite
 * - `postgres://…` / `postgresql://…` → PostgreSQL
 * The folder of a SQLite file is created when missing.
 */
export function parseStoreUrl(url: string, options: StoreLocationOptions = {}): StoreTarget {
  const cwd = options.cwd ?? process.cwd();
  const trimmed = url.trim();
  if (/^postgres(ql)?:\/\//i.test(trimmed)) {
    try {
      new URL(trimmed);
    } catch {
      throw new StoreError('bad-url', `the store URL ${redactUrl(trimmed)} is not a valid postgres://user:password@host:port/database URL`);
    }
    return { kind: 'postgres', url: trimmed };
  }

  let path: string;
  if (trimmed === '') {
    path = resolve(resolveDataDir(options), DEFAULT_DATABASE_FILE);
  } else if (/^sqlite:/i.test(trimmed)) {
    path = trimmed.replace(/^sqlite:(\/\/)?/i, '');
    if (path === '') throw new StoreError('bad-url', `the store URL "${redactUrl(trimmed)}" names no file; write sqlite:PATH`);
  } else if (/^[a-z][a-z0-9+.-]*:\/\//i.test(trimmed)) {
    const scheme = trimmed.slice(0, trimmed.indexOf(':'));
    throw new StoreError(
      'bad-url',
      `unsupported store URL scheme "${scheme}" in ${redactUrl(trimmed)}: use sqlite:PATH, a file path, or postgres://…`,
    );
  } else {
    path = trimmed;
  }
  if (path === ':memory:') return { kind: 'sqlite', path };
  const absolute = isAbsolute(path) ? path : resolve(cwd, path);
  try {
    // Folders Kizuki creates hold mail metadata: readable by the owner only.
    mkdirSync(dirname(absolute), { recursive: true, mode: 0o700 });
  } catch (error) {
    throw new StoreError('cantopen', `cannot create the folder for the database ${absolute}: ${(error as Error).message}`, {
      cause: error,
    });
  }
  return { kind: 'sqlite', path: absolute };
}

/** A safe, human description of where the store is. */
export function describeTarget(target: StoreTarget): string {
  return target.kind === 'sqlite' ? `SQLite ${target.path}` : `PostgreSQL ${redactUrl(target.url)}`;
}
