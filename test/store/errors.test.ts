// Clear, password-free errors for a bad URL, a locked, full, corrupt or unreachable database.
import assert from 'node:assert/strict';
import { existsSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import Database from 'better-sqlite3';
import { toStoreError } from '../../src/store/errors.js';
import { openStore, parseStoreUrl, redactUrl, StoreError } from '../../src/store/index.js';
import { freshTestPostgresDatabase } from '../support/postgres.js';
import { event } from './fixtures.js';
import { scratchDir } from './scratch.js';

function scratch(): string {
  return scratchDir('kizuki-store-errors-');
}

function isStoreError(code: string, pattern?: RegExp) {
  return (error: unknown) => {
    assert.ok(error instanceof StoreError, `expected a StoreError, got ${String(error)}`);
    assert.equal(error.code, code, error.message);
    if (pattern) assert.match(error.message, pattern);
    return true;
  };
}

describe('redactUrl', () => {
  it('hides the password of a connection URL and keeps the rest', () => {
    assert.equal(redactUrl('postgres://kizuki:s3cret@db.example:5432/kizuki'), 'postgres://kizuki:***@db.example:5432/kizuki');
    assert.equal(redactUrl('postgresql://u:p%40ss@h/d?sslmode=require'), 'postgresql://u:***@h/d?sslmode=require');
    assert.equal(redactUrl('postgres://u:p@ss@h/d'), 'postgres://u:***@h/d', 'a raw @ in the password');
  });
  it('hides passwords in query parameters and libpq keywords, inside longer text too', () => {
    assert.equal(redactUrl('postgres://h/d?user=u&password=hunter2&sslmode=require'), 'postgres://h/d?user=u&password=***&sslmode=require');
    assert.equal(redactUrl("host=h user=u password='top secret' dbname=d"), 'host=h user=u password=*** dbname=d');
    assert.equal(
      redactUrl('could not reach postgres://admin:topsecret@10.0.0.5/kizuki (ECONNREFUSED)'),
      'could not reach postgres://admin:***@10.0.0.5/kizuki (ECONNREFUSED)',
    );
  });
  it('leaves URLs without secrets alone', () => {
    for (const text of ['postgres://kizuki@db/kizuki', 'sqlite:/var/lib/kizuki/kizuki.db', '.kizuki/kizuki.db', 'https://example.com/a@b']) {
      assert.equal(redactUrl(text), text);
    }
  });
});

describe('store URLs', () => {
  it('defaults to <dataDir>/kizuki.db and creates the data directory', () => {
    const cwd = scratch();
    assert.deepEqual(parseStoreUrl('', { cwd }), { kind: 'sqlite', path: join(cwd, '.kizuki', 'kizuki.db') });
    assert.ok(existsSync(join(cwd, '.kizuki')));
    assert.deepEqual(parseStoreUrl('', { cwd, dataDir: 'state' }), { kind: 'sqlite', path: join(cwd, 'state', 'kizuki.db') });
  });
  it('reads sqlite:PATH, plain paths and postgres URLs', () => {
    const cwd = scratch();
    assert.deepEqual(parseStoreUrl('sqlite:db/k.db', { cwd }), { kind: 'sqlite', path: join(cwd, 'db', 'k.db') });
    assert.deepEqual(parseStoreUrl('sqlite:///tmp/k.db', { cwd }), { kind: 'sqlite', path: '/tmp/k.db' });
    assert.deepEqual(parseStoreUrl('other.db', { cwd }), { kind: 'sqlite', path: join(cwd, 'other.db') });
    assert.deepEqual(parseStoreUrl('sqlite::memory:', { cwd }), { kind: 'sqlite', path: ':memory:' });
    assert.deepEqual(parseStoreUrl('postgresql://u:p@h/d', { cwd }), { kind: 'postgres', url: 'postgresql://u:p@h/d' });
  });
  it('refuses an unknown scheme without showing its password', () => {
    assert.throws(
      () => parseStoreUrl('mysql://root:pw123@h/d'),
      (e: unknown) => isStoreError('bad-url', /unsupported store URL scheme "mysql"/)(e) && !(e as Error).message.includes('pw123'),
    );
  });
  it('refuses a malformed PostgreSQL URL without showing its password', () => {
    assert.throws(
      () => parseStoreUrl('postgres://kizuki:pw123@127.0.0.1:notaport/kizuki'),
      (e: unknown) => isStoreError('bad-url', /not a valid postgres:\/\/ URL|not a valid postgres/)(e) && !(e as Error).message.includes('pw123'),
    );
  });
  it('opens the default SQLite database under the data directory', async () => {
    const cwd = scratch();
    const store = await openStore('', { cwd });
    await store.putEvents([event(1)]);
    await store.close();
    assert.ok(existsSync(join(cwd, '.kizuki', 'kizuki.db')));
    const check = new Database(join(cwd, '.kizuki', 'kizuki.db'), { readonly: true });
    assert.equal(check.pragma('journal_mode', { simple: true }), 'wal');
    assert.equal(check.prepare('select count(*) as n from account_events').get()?.constructor, Object);
    check.close();
  });
});

describe('SQLite failures', () => {
  it('calls a file that is not a database corrupt, naming the file', async () => {
    const file = join(scratch(), 'notes.db');
    writeFileSync(file, 'These are my notes, not a database. '.repeat(200));
    await assert.rejects(openStore(file), isStoreError('corrupt', /not a Kizuki database or it is damaged.*notes\.db/));
  });

  it('waits for a lock, then says the database is locked', async () => {
    const file = join(scratch(), 'kizuki.db');
    const store = await openStore(file, { busyTimeoutMs: 100 });
    const other = new Database(file);
    other.exec('begin immediate');
    try {
      await assert.rejects(store.putEvents([event(1)]), isStoreError('locked', /locked by another process/));
    } finally {
      other.exec('rollback');
      other.close();
    }
    assert.equal((await store.putEvents([event(1)])).inserted, 1, 'works again once the lock is gone');
    await store.close();
  });

  it('calls a full database full and says nothing of the batch was stored', () => {
    // A real SQLITE_FULL from better-sqlite3: a database capped at a few pages.
    const db = new Database(':memory:');
    db.exec('create table t (x text)');
    db.pragma('max_page_count = 3');
    let caught: unknown;
    try {
      db.prepare('insert into t values (?)').run('x'.repeat(100_000));
    } catch (error) {
      caught = error;
    }
    db.close();
    assert.equal((caught as { code?: string }).code, 'SQLITE_FULL');
    const error = toStoreError(caught, 'SQLite /data/kizuki.db', 'storing account events');
    assert.equal(error.code, 'full');
    assert.match(error.message, /storing account events failed: the disk holding the database is full; nothing from this batch was stored/);
  });

  it('says the database is full, stores nothing of the failed batch, and keeps working', async () => {
    const file = join(scratch(), 'kizuki.db');
    // a database allowed to grow only a little: the same SQLITE_FULL a full disk gives
    const store = await openStore(file, { sqlitePragmas: ['max_page_count = 120'] });
    assert.equal((await store.putEvents([event(1), event(2)])).inserted, 2);
    const big = Array.from({ length: 400 }, (_, i) => event(1000 + i, { data: { padding: 'x'.repeat(2000) } }));
    await assert.rejects(
      store.putEvents(big),
      isStoreError('full', /storing account events failed: the disk holding the database is full; nothing from this batch was stored/),
    );
    assert.equal(await store.countEvents(), 2, 'earlier events are intact and none of the failed batch is stored');
    assert.equal((await store.putEvents([event(3)])).inserted, 1, 'the store still takes small writes');
    await store.close();
  });

  it('says a folder in place of the file cannot be opened', async () => {
    const dir = scratch();
    await assert.rejects(openStore(`sqlite:${dir}`), isStoreError('cantopen'));
  });
});

describe('PostgreSQL failures', () => {
  it('calls a server that refuses connections unreachable and never shows the password', async () => {
    const port = await new Promise<number>((resolve) => {
      const server = createServer().listen(0, '127.0.0.1', () => {
        const address = server.address();
        server.close(() => resolve(typeof address === 'object' && address ? address.port : 1));
      });
    });
    await assert.rejects(openStore(`postgres://kizuki:TopSecret99@127.0.0.1:${port}/kizuki`), (error: unknown) => {
      isStoreError('unreachable', /cannot be reached/)(error);
      const text = `${(error as Error).message} ${(error as Error).stack}`;
      assert.ok(!text.includes('TopSecret99'), text);
      assert.match((error as Error).message, /kizuki:\*\*\*@127\.0\.0\.1/);
      return true;
    });
  });

  it('says a missing database does not exist', async () => {
    const url = new URL(await freshTestPostgresDatabase('kizuki_err'));
    url.pathname = '/kizuki_no_such_database';
    url.password = 'unused-secret';
    await assert.rejects(openStore(url.toString()), (error: unknown) => {
      isStoreError('no-database', /does not exist/)(error);
      assert.ok(!(error as Error).message.includes('unused-secret'));
      return true;
    });
  });
});
