// Work shared by `kizuki worker` processes through PostgreSQL with pg-boss: the API and watchers enqueue, any
// worker on any machine takes a job; pg-boss hands each job to exactly one worker (SELECT … FOR UPDATE SKIP LOCKED).
//   kizuki.analyse  one raw message (base64) → analysis, verdict, stored judged message
//   kizuki.events   account events → the takeover engine (signals, incidents) in the shared store
import { createHash } from 'node:crypto';
import pg from 'pg';
import PgBoss from 'pg-boss';
import type { AccountEvent } from '../model/events.js';
import type { JudgedMessage, Store } from '../store/index.js';
import type { Judging } from './judging.js';

export const ANALYSE_QUEUE = 'kizuki.analyse';
export const EVENTS_QUEUE = 'kizuki.events';
// An arbitrary constant naming "a Kizuki queue is starting" among PostgreSQL advisory locks.
const QUEUE_START_LOCK = 7_405_283_120;

export interface AnalyseJob {
  /** the raw message, base64 */
  raw: string;
  /** where it came from (a path, a provider and mailbox) */
  source: string;
}

export interface EventsJob {
  events: AccountEvent[];
}

/** Opens pg-boss on the store's PostgreSQL (its own schema `pgboss`) and makes sure the queues exist. */
export async function openQueue(url: string): Promise<PgBoss> {
  const boss = new PgBoss({ connectionString: url, schema: 'pgboss', supervise: true, schedule: false });
  boss.on('error', () => {});
  // pg-boss creating its schema from two processes at once deadlocks: one starter at a time (an advisory lock)
  const lock = new pg.Client({ connectionString: url });
  await lock.connect();
  try {
    await lock.query('select pg_advisory_lock($1)', [QUEUE_START_LOCK]);
    await boss.start();
    for (const name of [ANALYSE_QUEUE, EVENTS_QUEUE]) {
      if (await boss.getQueue(name)) continue;
      // several workers starting at once may race to create the queue: the loser finds it made
      await boss.createQueue(name, { name, retryLimit: 3, retryDelay: 5 }).catch(async (error: Error) => {
        if (!(await boss.getQueue(name))) throw error;
      });
    }
  } catch (error) {
    await boss.stop({ graceful: false, wait: true }).catch(() => {});
    throw error;
  } finally {
    await lock.end().catch(() => {});
  }
  return boss;
}

/** Enqueues one message; the same bytes twice make one job (keyed by their sha256). */
export async function enqueueMessage(boss: PgBoss, raw: Uint8Array, source: string): Promise<string | null> {
  const sha = createHash('sha256').update(raw).digest('hex');
  return boss.send(ANALYSE_QUEUE, { raw: Buffer.from(raw).toString('base64'), source } satisfies AnalyseJob, { singletonKey: sha });
}

export async function enqueueEvents(boss: PgBoss, events: AccountEvent[]): Promise<string | null> {
  return boss.send(EVENTS_QUEUE, { events } satisfies EventsJob);
}

export interface WorkerDeps {
  store: Store;
  judging: Judging;
  engine?: { ingest(events: AccountEvent[]): Promise<unknown> };
  /** switched-off rules (the console's switches) */
  disabledRules?: () => Promise<Set<string>>;
  now?: () => Date;
  /** told about every message judged (id of this worker's choosing in the caller) */
  onJudged?: (message: JudgedMessage) => void;
}

/** Judges one queued message and stores the verdict. */
export async function handleAnalyse(job: AnalyseJob, deps: WorkerDeps): Promise<JudgedMessage> {
  const raw = new Uint8Array(Buffer.from(job.raw, 'base64'));
  const analysis = await deps.judging.analyse(raw);
  const verdict = await deps.judging.judge(analysis, (await deps.disabledRules?.()) ?? new Set());
  const row: JudgedMessage = {
    sha256: analysis.sha256,
    messageId: analysis.messageId.replace(/^<|>$/g, ''),
    subject: analysis.subject,
    fromAddress: analysis.from.address,
    source: { path: job.source },
    verdict: verdict.verdict,
    score: verdict.score,
    reasons: verdict.reasons,
    summary: {
      fromName: analysis.from.name,
      recipients: analysis.facts.recipientCount,
      links: analysis.links.length,
      attachments: analysis.attachments.length,
      auth: { source: analysis.auth.source, spf: analysis.auth.spf.result, dmarc: analysis.auth.dmarc.result },
      linkList: analysis.links.slice(0, 100).map((l) => ({ url: l.url, host: l.hostUnicode || l.host, foundIn: l.foundIn, textMismatch: l.textMismatch })),
      analysisErrors: analysis.errors.length,
    },
    judgedAt: (deps.now?.() ?? new Date()).toISOString(),
  };
  if (analysis.date) row.date = analysis.date;
  await deps.store.putJudgedMessages([row]);
  deps.onJudged?.(row);
  return row;
}

/** Starts taking jobs; returns a function that stops taking them (jobs in hand finish first). */
export async function startWorking(boss: PgBoss, deps: WorkerDeps, options: { concurrency?: number; pollSeconds?: number } = {}): Promise<() => Promise<void>> {
  const concurrency = Math.max(1, options.concurrency ?? 1);
  const pollingIntervalSeconds = Math.max(0.5, options.pollSeconds ?? 1);
  for (let i = 0; i < concurrency; i++) {
    await boss.work<AnalyseJob>(ANALYSE_QUEUE, { batchSize: 1, pollingIntervalSeconds }, async ([job]) => {
      if (job) await handleAnalyse(job.data, deps);
    });
  }
  await boss.work<EventsJob>(EVENTS_QUEUE, { batchSize: 1, pollingIntervalSeconds }, async ([job]) => {
    if (job && deps.engine) await deps.engine.ingest(job.data.events);
  });
  return async () => {
    await boss.offWork(ANALYSE_QUEUE);
    await boss.offWork(EVENTS_QUEUE);
  };
}
