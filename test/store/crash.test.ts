// Kills a writer with SIGKILL in the middle of a stream of batches, restarts it, and checks that nothing
// acknowledged was lost, no batch was half-written and nothing was stored twice — on SQLite and on PostgreSQL.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, it } from 'node:test';
import { openStore } from '../../src/store/index.js';
import { freshTestPostgresDatabase } from '../support/postgres.js';
import { WRITER_ACCOUNT, writerEventId, writerMessageSha } from '../support/store-writer.js';
import { freshSqliteFile } from './suite.js';

const WRITER = fileURLToPath(new URL('../support/store-writer.js', import.meta.url));
const TOTAL = 30_000;
const BATCH = 250;
const BATCHES = TOTAL / BATCH;
const KILL_AFTER_BATCHES = 12;

interface WriterRun {
  acknowledged: string[];
  code: number | null;
  signal: NodeJS.Signals | null;
  stderr: string;
}

/** Runs the writer; with killAfter, SIGKILLs it once that many batches are acknowledged. */
function runWriter(url: string, killAfter?: number, total = TOTAL): Promise<WriterRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [WRITER, url, String(total), String(BATCH)], { stdio: ['ignore', 'pipe', 'pipe'] });
    const acknowledged: string[] = [];
    let pending = '';
    let batches = 0;
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (text: string) => {
      stderr += text;
    });
    child.stdout.setEncoding('utf8').on('data', (text: string) => {
      pending += text;
      const lines = pending.split('\n');
      pending = lines.pop() ?? '';
      for (const line of lines) {
        acknowledged.push(line);
        if (line.startsWith('message ')) batches++;
      }
      if (killAfter !== undefined && batches >= killAfter && child.exitCode === null && !child.killed) child.kill('SIGKILL');
    });
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ acknowledged, code, signal, stderr }));
  });
}

async function storedState(url: string) {
  const store = await openStore(url);
  try {
    const events = await store.eventsForAccount(WRITER_ACCOUNT, '2000-01-01T00:00:00Z', '2100-01-01T00:00:00Z');
    const messages = await store.listJudgedMessages({ limit: BATCHES * 2 });
    return { eventIds: events.map((e) => e.id), messageShas: messages.map((m) => m.sha256), count: await store.countEvents() };
  } finally {
    await store.close();
  }
}

function assertWholeBatches(state: { eventIds: string[]; messageShas: string[] }): number {
  const perBatch = new Map<number, number>();
  for (const id of state.eventIds) {
    const batch = Number(/^crash-(\d+)-\d+$/.exec(id)?.[1] ?? Number.NaN);
    assert.ok(Number.isInteger(batch), `unexpected event id ${id}`);
    perBatch.set(batch, (perBatch.get(batch) ?? 0) + 1);
  }
  const messages = new Set(state.messageShas);
  for (let batch = 0; batch < BATCHES; batch++) {
    const events = perBatch.get(batch) ?? 0;
    assert.ok(events === 0 || events === BATCH, `batch ${batch} is half-written: ${events} of ${BATCH} events`);
    assert.equal(messages.has(writerMessageSha(batch)), events === BATCH, `batch ${batch}: its message and its events go together`);
  }
  return perBatch.size;
}

function crashSuite(name: string, freshDatabase: () => Promise<string>): void {
  describe(`crash safety on ${name}`, () => {
    it('loses nothing acknowledged, half-writes nothing and duplicates nothing after SIGKILL', async () => {
      const url = await freshDatabase();
      const killed = await runWriter(url, KILL_AFTER_BATCHES);
      assert.equal(killed.signal, 'SIGKILL', `the writer should have been killed mid-stream (exit ${killed.code}): ${killed.stderr}`);
      assert.ok(!killed.acknowledged.includes('done'), 'the writer was killed before it finished');
      const ackedEvents = killed.acknowledged.filter((l) => l.startsWith('event ')).map((l) => l.slice(6));
      const ackedMessages = killed.acknowledged.filter((l) => l.startsWith('message ')).map((l) => l.slice(8));
      assert.ok(ackedMessages.length >= KILL_AFTER_BATCHES);
      assert.ok(ackedMessages.length < BATCHES, 'killed before the last batch');

      const afterKill = await storedState(url);
      const storedEvents = new Set(afterKill.eventIds);
      const storedMessages = new Set(afterKill.messageShas);
      for (const id of ackedEvents) assert.ok(storedEvents.has(id), `acknowledged event ${id} was lost`);
      for (const sha of ackedMessages) assert.ok(storedMessages.has(sha), `acknowledged message ${sha} was lost`);
      const wholeBatches = assertWholeBatches(afterKill);
      assert.ok(wholeBatches >= ackedMessages.length && wholeBatches <= ackedMessages.length + 1, 'at most the batch in flight committed unacknowledged');
      assert.equal(afterKill.eventIds.length, storedEvents.size, 'no event stored twice');

      const restarted = await runWriter(url);
      assert.equal(restarted.code, 0, restarted.stderr);
      assert.equal(restarted.acknowledged.at(-1), 'done');
      const final = await storedState(url);
      assert.equal(final.count, TOTAL, 'exactly one record per event');
      assert.equal(new Set(final.eventIds).size, TOTAL);
      assert.equal(assertWholeBatches(final), BATCHES);
      assert.equal(final.messageShas.length, BATCHES, 'exactly one judged message per batch');
      assert.ok(new Set(final.eventIds).has(writerEventId(BATCHES - 1, BATCH - 1)));
    });

    it('lets three processes write the same records at once, waiting on locks, storing each once', async () => {
      const url = await freshDatabase();
      const total = 5_000;
      const runs = await Promise.all([1, 2, 3].map(() => runWriter(url, undefined, total)));
      for (const run of runs) assert.equal(run.code, 0, run.stderr);
      const state = await storedState(url);
      assert.equal(state.count, total);
      assert.equal(new Set(state.eventIds).size, total);
      assert.equal(state.messageShas.length, total / BATCH);
    });
  });
}

crashSuite('SQLite', freshSqliteFile);
crashSuite('PostgreSQL', () => freshTestPostgresDatabase('kizuki_crash'));
