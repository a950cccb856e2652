// A throwaway PostgreSQL 15 cluster for the test run, shared by every test file in the process.
// Set KIZUKI_TEST_PG_URL to use an existing server instead.
import { execFileSync, spawnSync } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';

const PG_BIN = process.env.KIZUKI_PG_BIN ?? '/usr/lib/postgresql/15/bin';

let started: Promise<string> | undefined;

/** The URL of a database on the test server (started on first call, stopped and removed at process exit). */
export function getTestPostgresUrl(): Promise<string> {
  started ??= process.env.KIZUKI_TEST_PG_URL ? Promise.resolve(process.env.KIZUKI_TEST_PG_URL) : startTestPostgres();
  return started;
}

let counter = 0;

/** A new, empty database on the test server, for tests that need a schema of their own. */
export async function freshTestPostgresDatabase(prefix = 'kizuki_t'): Promise<string> {
  const base = await getTestPostgresUrl();
  const name = `${prefix}_${process.pid}_${Date.now().toString(36)}_${counter++}`.toLowerCase().replace(/[^a-z0-9_]/g, '_');
  const client = new pg.Client({ connectionString: base });
  await client.connect();
  try {
    await client.query(`create database ${name}`);
  } finally {
    await client.end();
  }
  const url = new URL(base);
  url.pathname = `/${name}`;
  return url.toString();
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

function postgresUid(): { uid: number; gid: number } {
  const uid = Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).trim());
  const gid = Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).trim());
  return { uid, gid };
}

/**
 * Starts a new cluster from the server binaries in `binDir` and returns the URL of its `kizuki_test` database; it is
 * stopped and removed when the process exits. Most tests want getTestPostgresUrl() instead.
 */
export async function startTestPostgres(binDir = PG_BIN): Promise<string> {
  if (!existsSync(join(binDir, 'initdb')) || !existsSync(join(binDir, 'pg_ctl'))) {
    throw new Error('PostgreSQL server binaries not found: apt-get install postgresql');
  }
  const asRoot = process.getuid?.() === 0;
  // initdb refuses to run as root, so as root the cluster belongs to the postgres user.
  const run = (command: string, args: string[]) => {
    const [file, argv] = asRoot ? ['runuser', ['-u', 'postgres', '--', join(binDir, command), ...args]] : [join(binDir, command), args];
    const result = spawnSync(file, argv as string[], { encoding: 'utf8' });
    if (result.status !== 0) {
      throw new Error(`${command} failed (${result.status}): ${result.stderr || result.stdout || result.error?.message}`);
    }
  };

  const dir = mkdtempSync(join(tmpdir(), 'kizuki-pg-'));
  if (asRoot) {
    const { uid, gid } = postgresUid();
    chownSync(dir, uid, gid);
  }
  const dataDir = join(dir, 'data');
  const port = await freePort();
  let running = false;
  const stop = () => {
    if (running) {
      const args = ['-D', dataDir, '-m', 'immediate', '-w', 'stop'];
      const [file, argv] = asRoot ? ['runuser', ['-u', 'postgres', '--', join(binDir, 'pg_ctl'), ...args]] : [join(binDir, 'pg_ctl'), args];
      spawnSync(file, argv as string[], { stdio: 'ignore' });
      running = false;
    }
    rmSync(dir, { recursive: true, force: true });
  };
  process.once('exit', stop);

  try {
    run('initdb', ['-D', dataDir, '-U', 'postgres', '--auth=trust', '--no-sync', '-E', 'UTF8', '--locale=C']);
    run('pg_ctl', [
      '-D',
      dataDir,
      '-l',
      join(dir, 'server.log'),
      '-o',
      `-p ${port} -k /tmp -c listen_addresses=127.0.0.1`,
      '-w',
      'start',
    ]);
    running = true;
    const admin = new pg.Client({ connectionString: `postgres://postgres@127.0.0.1:${port}/postgres` });
    await admin.connect();
    try {
      await admin.query('create database kizuki_test');
    } finally {
      await admin.end();
    }
  } catch (error) {
    stop();
    throw error;
  }
  return `postgres://postgres@127.0.0.1:${port}/kizuki_test`;
}
