// openStore(url): picks SQLite or PostgreSQL from the URL, applies the durability settings, runs migrations.
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { Kysely, PostgresDialect, SqliteDialect } from 'kysely';
import { toStoreError } from './errors.js';
import { type Migration, MIGRATIONS, migrateToLatest } from './migrations.js';
import type { KizukiDatabase } from './schema.js';
import { KyselyStore } from './store.js';
import type { Store } from './types.js';
import { describeTarget, parseStoreUrl, resolveDataDir, type StoreLocationOptions } from './url.js';

export interface OpenStoreOptions extends StoreLocationOptions {
  /** the clock (retention, incident update times); default: the system clock */
  now?: () => Date;
  /** how long a SQLite writer waits for another process's lock before failing with a clear error; default 10 s */
  busyTimeoutMs?: number;
  /**
   * SQLite fsync policy. FULL (default): an acknowledged write survives a power cut. NORMAL: it survives a crash of
   * Kizuki or the OS killing it, but the last commits may be lost on power loss; faster on slow disks.
   */
  sqliteSynchronous?: 'FULL' | 'NORMAL';
  /** further SQLite pragmas run on open, e.g. ['mmap_size = 268435456']; Kizuki's own settings come first */
  sqlitePragmas?: readonly string[];
  /** PostgreSQL connections kept in the pool; default 10 */
  poolSize?: number;
  /** how long to wait for PostgreSQL to accept a connection; default 10 s */
  connectTimeoutMs?: number;
  /** the migrations to apply (tests only; default: all of Kizuki's) */
  migrations?: readonly Migration[];
}

/**
 * Opens (and creates or upgrades) the store at `url`: '' for `<dataDir>/kizuki.db`, `sqlite:PATH`, a plain path, or
 * `postgres://user:password@host:port/database`. Throws a StoreError with a plain, password-free message when the
 * database cannot be used.
 */
export async function openStore(url: string, options: OpenStoreOptions = {}): Promise<Store> {
  const target = parseStoreUrl(url, options);
  const location = describeTarget(target);
  const now = options.now ?? (() => new Date());
  if (target.kind === 'sqlite') {
    if (target.path === ':memory:') {
      const db = await openSqlite(target.path, location, options, now);
      return storeOn(db, 'sqlite', location, options, now, () => db.destroy());
    }
    const path = target.path;
    let shared = sharedSqlite.get(path);
    if (!shared) {
      const entry = { ready: openSqlite(path, location, options, now), users: 0 };
      entry.ready.catch(() => {
        if (sharedSqlite.get(path) === entry) sharedSqlite.delete(path);
      });
      sharedSqlite.set(path, entry);
      shared = entry;
    }
    shared.users++;
    try {
      const db = await shared.ready;
      return storeOn(db, 'sqlite', location, options, now, () => releaseSqlite(path));
    } catch (error) {
      shared.users--;
      throw error;
    }
  }

  // pg loads only for a PostgreSQL store: the embedded default never needs it.
  const { default: pg } = await import('pg');
  const pool = new pg.Pool({
    connectionString: target.url,
    max: options.poolSize ?? 10,
    connectionTimeoutMillis: options.connectTimeoutMs ?? 10_000,
    // An acknowledged write must be on disk, whatever the server's default says.
    options: '-c synchronous_commit=on',
  });
  // An idle connection dropped by the server must not crash the process; the next query reports the failure.
  pool.on('error', () => {});
  const db = new Kysely<KizukiDatabase>({ dialect: new PostgresDialect({ pool }) });
  await migrate(db, 'postgres', location, options, now);
  return storeOn(db, 'postgres', location, options, now, () => db.destroy());
}

async function openSqlite(path: string, location: string, options: OpenStoreOptions, now: () => Date): Promise<Kysely<KizukiDatabase>> {
  let database: Database.Database | undefined;
  try {
    database = new Database(path, { timeout: options.busyTimeoutMs ?? 10_000 });
    // WAL lets readers work beside the one writer; the first statement also proves the file is a database.
    database.pragma('journal_mode = WAL');
    database.pragma(`synchronous = ${options.sqliteSynchronous ?? 'FULL'}`);
    database.pragma('foreign_keys = ON');
    // 64 MiB of page cache keeps the event indexes in memory well past a million rows (the default is 2 MiB).
    database.pragma('cache_size = -65536');
    for (const pragma of options.sqlitePragmas ?? []) database.pragma(pragma);
  } catch (error) {
    database?.close();
    throw toStoreError(error, location, 'opening the database');
  }
  const db = new Kysely<KizukiDatabase>({ dialect: new SqliteDialect({ database: reusingStatements(database) }) });
  await migrate(db, 'sqlite', location, options, now);
  return db;
}

/** How many prepared statements a SQLite store keeps for reuse (the hot paths use a few dozen). */
export const SQLITE_STATEMENT_CACHE = 256;

/**
 * Kysely prepares every query anew; preparing cost more than running the small inserts and look-ups a scan makes.
 * The same SQL text reuses its statement (Kysely runs one query at a time on this connection); the least recently
 * used is dropped beyond SQLITE_STATEMENT_CACHE.
 */
export function reusingStatements(database: Database.Database): { prepare(sql: string): Database.Statement; close(): void } {
  const statements = new Map<string, Database.Statement>();
  return {
    prepare(sql) {
      const cached = statements.get(sql);
      if (cached && !cached.busy) {
        statements.delete(sql);
        statements.set(sql, cached);
        return cached;
      }
      const statement = database.prepare(sql);
      statements.set(sql, statement);
      if (statements.size > SQLITE_STATEMENT_CACHE) statements.delete(statements.keys().next().value as string);
      return statement;
    },
    close() {
      statements.clear();
      database.close();
    },
  };
}

async function migrate(
  db: Kysely<KizukiDatabase>,
  dialect: 'sqlite' | 'postgres',
  location: string,
  options: OpenStoreOptions,
  now: () => Date,
): Promise<void> {
  try {
    await migrateToLatest(db, dialect, now, options.migrations ?? MIGRATIONS);
  } catch (error) {
    await db.destroy().catch(() => {});
    throw toStoreError(error, location, 'opening the database');
  }
}

/**
 * One SQLite connection per file per process. Two connections in one thread would deadlock: SQLite's busy wait
 * blocks the thread that the other connection's open transaction needs in order to finish. Stores opened on the
 * same file share the connection (and its settings: the first opener's) and it closes with the last of them.
 */
const sharedSqlite = new Map<string, { ready: Promise<Kysely<KizukiDatabase>>; users: number }>();

async function releaseSqlite(path: string): Promise<void> {
  const shared = sharedSqlite.get(path);
  if (!shared) return;
  shared.users--;
  if (shared.users > 0) return;
  sharedSqlite.delete(path);
  await (await shared.ready).destroy();
}

function storeOn(
  db: Kysely<KizukiDatabase>,
  dialect: 'sqlite' | 'postgres',
  location: string,
  options: OpenStoreOptions,
  now: () => Date,
  shutdown: () => Promise<void>,
): Store {
  return new KyselyStore({ root: db, dialect, location, rawDir: join(resolveDataDir(options), 'raw'), now, shutdown });
}
