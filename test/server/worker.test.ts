// Two `kizuki worker` processes share one PostgreSQL queue (pg-boss): every queued message is judged exactly once,
// by one of them, and both take part.
import assert from 'node:assert/strict';
import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import pg from 'pg';
import { openStore, type Store } from '../../src/store/index.js';
import { scratchDir } from '../store/scratch.js';
import { cliPath, runCli } from '../support/cli.js';
import { freshTestPostgresDatabase } from '../support/postgres.js';

const MESSAGES = 60;
let url = '';
let store: Store;
const workers: Array<{ name: string; child: ChildProcessWithoutNullStreams; out: string }> = [];

function message(i: number): string {
  const lure = i % 3 === 0;
  return [
    `From: ${lure ? 'Docs Team <share@docs-google.example-share.top>' : `Colleague ${i} <person${i}@partner.example>`}`,
    'To: staff@tsukishiro-vs.co.jp',
    `Subject: ${lure ? `shared you a file (${i})` : `Meeting notes ${i}`}`,
    `Message-ID: <worker-test-${i}@example.test>`,
    'Date: Mon, 03 Jul 2017 13:29:12 +0000',
    'MIME-Version: 1.0',
    'Content-Type: text/plain; charset=utf-8',
    '',
    lure ? `A file was shared with you. Sign in to view it: https://docs.google.com.document-viewer.online/d/${i}/view` : `Hello, the notes of meeting ${i} are below. Regards.`,
    '',
  ].join('\r\n');
}

function startWorker(name: string): Promise<void> {
  const child = spawn(process.execPath, [cliPath, 'worker', '--store', url, '--name', name], { env: { ...process.env, KIZUKI_STORE_URL: '' } });
  const entry = { name, child, out: '' };
  workers.push(entry);
  return new Promise((resolve, reject) => {
    child.stdout.on('data', (chunk: Buffer) => {
      entry.out += chunk.toString();
      if (entry.out.includes(`worker ${name} ready`)) resolve();
    });
    child.stderr.on('data', (chunk: Buffer) => {
      entry.out += chunk.toString();
    });
    child.on('exit', (code) => reject(new Error(`worker ${name} stopped (${code}):\n${entry.out}`)));
  });
}

const judgedLines = () => workers.flatMap((w) => [...w.out.matchAll(/^judged ([0-9a-f]{64}) (\w+) by (\w+)$/gm)].map((m) => ({ sha: m[1], verdict: m[2], by: m[3] })));

before(async () => {
  url = await freshTestPostgresDatabase('kizuki_worker');
  store = await openStore(url);
});

after(async () => {
  for (const w of workers) if (w.child.exitCode === null) w.child.kill('SIGKILL');
  await store?.close();
});

test('two workers judge each queued message exactly once', async () => {
  await Promise.all([startWorker('alpha'), startWorker('beta')]);
  const dir = scratchDir('kizuki-worker-');
  for (let i = 0; i < MESSAGES; i++) writeFileSync(join(dir, `m${String(i).padStart(3, '0')}.eml`), message(i));
  const queued = await runCli(['worker', 'enqueue', dir, '--store', url]);
  assert.equal(queued.code, 0, queued.stderr);
  assert.match(queued.stdout, new RegExp(`${MESSAGES} message\\(s\\) queued`));

  // wait until the queue says every job is done (no clock in the assertion: the loop ends on the state)
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    // a hang guard, not a speed check: the work takes seconds, the guard minutes
    for (let round = 0; ; round++) {
      if (round > 3000) assert.fail(`the queue did not drain:\n${workers.map((w) => w.out).join('\n')}`);
      const { rows } = await client.query<{ state: string; n: string }>("select state, count(*) as n from pgboss.job where name = 'kizuki.analyse' group by state");
      const completed = Number(rows.find((r) => r.state === 'completed')?.n ?? 0);
      if (rows.some((r) => r.state === 'failed')) assert.fail(`a job failed:\n${workers.map((w) => w.out).join('\n')}`);
      if (completed === MESSAGES) break;
      await new Promise((r) => setTimeout(r, 200));
    }
  } finally {
    await client.end();
  }

  const lines = judgedLines();
  assert.equal(lines.length, MESSAGES, 'one judgement per message in all');
  assert.equal(new Set(lines.map((l) => l.sha)).size, MESSAGES, 'no message judged twice');
  const by = new Map<string, number>();
  for (const l of lines) by.set(l.by ?? '', (by.get(l.by ?? '') ?? 0) + 1);
  assert.ok((by.get('alpha') ?? 0) > 0 && (by.get('beta') ?? 0) > 0, `both workers took jobs: ${JSON.stringify([...by])}`);
  const stored = await store.listJudgedMessages({ limit: 1000 });
  assert.equal(stored.length, MESSAGES);
  assert.equal(stored.filter((m) => m.subject.startsWith('shared you a file')).every((m) => m.verdict !== 'clean'), true);

  for (const w of workers) {
    w.child.removeAllListeners('exit');
    const exited = new Promise<number | null>((resolve) => w.child.once('exit', (code) => resolve(code)));
    w.child.kill('SIGTERM');
    assert.equal(await exited, 0, `${w.name} stops cleanly`);
  }
});
