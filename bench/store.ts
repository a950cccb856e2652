// Store benchmark: inserts/s of judged messages and of account events, and the latency of the common queries with
// 1,000,000 stored events, on SQLite and on PostgreSQL.
//
//   node build/bench/store.js                 (both databases, 1M events each)
//     On the shared 2-core development machine it took 3 min 48 s (load average ~8) and 6 min 10 s (load ~12),
//     a little over half of it SQLite. There the SQLite writer spent under a third of the wall time on its CPU:
//     the rest was waiting for one, so eventsPerCpuSecond shows the cost itself better than eventsPerSecond.
//   KIZUKI_BENCH_STORE_EVENTS=100000 node build/bench/store.js          (quick run)
//   KIZUKI_BENCH_PG_URL=postgres://… node build/bench/store.js          (a scratch database on an existing server;
//                                                                       else a throwaway server is started)
//   KIZUKI_BENCH_STORE_DATABASES=sqlite node build/bench/store.js       (one database only)
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AccountEvent, AccountEventKind, Incident } from '../src/model/events.js';
import type { SenderProfile } from '../src/model/verdict.js';
import { type JudgedMessage, openStore, type Store } from '../src/store/index.js';
import { freshTestPostgresDatabase } from '../test/support/postgres.js';

export interface QueryLatency {
  query: string;
  runs: number;
  p50Ms: number;
  p95Ms: number;
}

export interface StoreBenchDatabaseResult {
  database: 'sqlite' | 'postgres';
  events: number;
  eventsPerSecond: number;
  /** events per second of this process's own CPU time (excludes the PostgreSQL server); steadier on a busy machine */
  eventsPerCpuSecond: number;
  messages: number;
  messagesPerSecond: number;
  /** 1-minute load average when the run began: rates on a loaded machine are wall-clock rates of a shared CPU */
  loadAverage: number;
  /** one event per transaction, each acknowledged (durably committed) before the next */
  singleEventCommitMs: { p50: number; p95: number };
  queries: QueryLatency[];
  totalSeconds: number;
}

export interface StoreBenchOptions {
  events?: number;
  messages?: number;
  databases?: Array<'sqlite' | 'postgres'>;
  postgresUrl?: string;
  log?: (line: string) => void;
}

const ACCOUNTS = 2_000;
const KINDS: AccountEventKind[] = ['message.received', 'message.received', 'message.received', 'message.sent', 'signin.success', 'signin.failure', 'setting.filter'];
const START = Date.UTC(2026, 0, 1);
const SPAN_MS = 90 * 86_400_000;
const EVENT_BATCH = 1_000;
const MESSAGE_BATCH = 500;

function account(n: number): string {
  return `user${n % ACCOUNTS}@example.co.jp`;
}

function eventAt(n: number, total: number): AccountEvent {
  return {
    id: `bench-${n}`,
    kind: KINDS[n % KINDS.length]!,
    time: new Date(START + Math.floor((n / total) * SPAN_MS)).toISOString(),
    account: account(n * 7919),
    source: 'bench',
    data: { ip: `203.0.113.${n % 250}`, subject: `件名 subject ${n % 100}`, recipients: n % 5 },
  };
}

function messageAt(n: number): JudgedMessage {
  const hex = n.toString(16).padStart(8, '0');
  return {
    sha256: `${hex}${'ab'.repeat(28)}`,
    messageId: `bench-${n}@partner.example`,
    subject: `ご請求書 ${n} / invoice`,
    fromAddress: account(n),
    date: new Date(START + n * 60_000).toISOString(),
    source: { path: 'bench.mbox', index: n },
    verdict: (['clean', 'clean', 'clean', 'spam', 'suspicious', 'malicious'] as const)[n % 6]!,
    score: n % 17,
    reasons: [{ ruleId: 'bench.rule', name: 'bench', score: 2, severity: 'low', en: 'A benchmark reason.', ja: 'ベンチマーク用の理由。' }],
    summary: { links: n % 4, attachments: n % 3 === 0 ? ['pdf'] : [], language: 'ja' },
    rawPath: `/var/mail/raw/${hex}.eml`,
    judgedAt: new Date(START + n * 60_000).toISOString(),
  };
}

function profileFor(n: number): SenderProfile {
  return {
    address: account(n),
    firstSeen: new Date(START).toISOString(),
    lastSeen: new Date(START + SPAN_MS).toISOString(),
    messageCount: 100 + n,
    withAttachments: n % 10,
    attachmentTypes: { pdf: n % 10 },
    linkDomains: { 'partner.example': 3 },
    languages: { ja: 90, en: 10 },
    flagged: 0,
  };
}

function incidentFor(n: number): Incident {
  const opened = new Date(START + n * 3_600_000).toISOString();
  return {
    id: `bench-incident-${n}`,
    title: `Incident ${n}`,
    phase: n % 4 === 0 ? 'detected' : 'closed',
    severity: 'high',
    accounts: [account(n)],
    campaigns: [`campaign-${n % 50}`],
    openedAt: opened,
    firstEvidenceAt: opened,
    signalIds: [],
    timeline: [],
  };
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;
}

async function latency(query: string, runs: number, work: (i: number) => Promise<unknown>): Promise<QueryLatency> {
  for (let i = 0; i < 5; i++) await work(i); // warm-up
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    await work(i + 5);
    times.push(performance.now() - t0);
  }
  times.sort((a, b) => a - b);
  return { query, runs, p50Ms: round(percentile(times, 50)), p95Ms: round(percentile(times, 95)) };
}

function round(n: number): number {
  return Math.round(n * 1000) / 1000;
}

async function benchOne(
  database: 'sqlite' | 'postgres',
  store: Store,
  events: number,
  messages: number,
  log: (line: string) => void,
): Promise<StoreBenchDatabaseResult> {
  const begun = performance.now();
  const loadAverage = Math.round(loadavg()[0]! * 10) / 10;

  let t0 = performance.now();
  for (let start = 0; start < messages; start += MESSAGE_BATCH) {
    const batch: JudgedMessage[] = [];
    for (let n = start; n < Math.min(messages, start + MESSAGE_BATCH); n++) batch.push(messageAt(n));
    await store.putJudgedMessages(batch);
  }
  const messagesPerSecond = messages / ((performance.now() - t0) / 1000);
  log(`${database}: ${messages} judged messages, ${Math.round(messagesPerSecond)}/s`);

  t0 = performance.now();
  const cpu0 = process.cpuUsage();
  for (let start = 0; start < events; start += EVENT_BATCH) {
    const batch: AccountEvent[] = [];
    for (let n = start; n < Math.min(events, start + EVENT_BATCH); n++) batch.push(eventAt(n, events));
    await store.putEvents(batch);
    if (start % 200_000 === 0 && start > 0) log(`${database}: ${start} events…`);
  }
  const eventsPerSecond = events / ((performance.now() - t0) / 1000);
  const cpu = process.cpuUsage(cpu0);
  const eventsPerCpuSecond = events / ((cpu.user + cpu.system) / 1e6);
  log(`${database}: ${events} events, ${Math.round(eventsPerSecond)}/s (${Math.round(eventsPerCpuSecond)} per CPU second)`);

  await store.putSenderProfiles(Array.from({ length: ACCOUNTS }, (_, n) => profileFor(n)));
  for (let n = 0; n < 500; n++) await store.putIncident(incidentFor(n));

  const single: number[] = [];
  for (let n = 0; n < 200; n++) {
    const s0 = performance.now();
    await store.putEvents([{ ...eventAt(n, events), id: `bench-single-${n}` }]);
    single.push(performance.now() - s0);
  }
  single.sort((a, b) => a - b);

  const day = 86_400_000;
  const at = (i: number) => START + ((i * 7_777_777) % (SPAN_MS - 30 * day));
  const iso = (ms: number) => new Date(ms).toISOString();
  const queries = [
    await latency('eventsForAccount, 1-day window', 200, (i) => store.eventsForAccount(account(i * 13), iso(at(i)), iso(at(i) + day))),
    await latency('eventsForAccount, 30-day window, sign-ins only', 200, (i) =>
      store.eventsForAccount(account(i * 13), iso(at(i)), iso(at(i) + 30 * day), ['signin.success', 'signin.failure']),
    ),
    await latency('countEvents, one account, 7 days', 200, (i) =>
      store.countEvents({ account: account(i * 17), fromIso: iso(at(i)), toIso: iso(at(i) + 7 * day) }),
    ),
    await latency('countEvents, all accounts, 1 hour, message.sent', 200, (i) =>
      store.countEvents({ fromIso: iso(at(i)), toIso: iso(at(i) + 3_600_000), kinds: ['message.sent'] }),
    ),
    await latency('getSenderProfile', 500, (i) => store.getSenderProfile(account(i * 31))),
    await latency('openIncidentFor account or campaign', 500, (i) => store.openIncidentFor({ account: account(i), campaign: `campaign-${i % 50}` })),
    await latency('listJudgedMessages, malicious, 50 newest', 200, () => store.listJudgedMessages({ verdict: 'malicious', limit: 50 })),
    await latency('getJudgedMessage', 500, (i) => store.getJudgedMessage(messageAt((i * 101) % Math.max(1, messages)).sha256)),
  ];
  for (const q of queries) log(`${database}: ${q.query}: p50 ${q.p50Ms} ms, p95 ${q.p95Ms} ms`);

  return {
    database,
    events,
    eventsPerSecond: Math.round(eventsPerSecond),
    eventsPerCpuSecond: Math.round(eventsPerCpuSecond),
    messages,
    messagesPerSecond: Math.round(messagesPerSecond),
    loadAverage,
    singleEventCommitMs: { p50: round(percentile(single, 50)), p95: round(percentile(single, 95)) },
    queries,
    totalSeconds: Math.round((performance.now() - begun) / 100) / 10,
  };
}

/** Runs the store benchmark on each database; sizes come from options, then env, then 1M events / 20k messages. */
export async function benchStore(options: StoreBenchOptions = {}): Promise<StoreBenchDatabaseResult[]> {
  const events = options.events ?? Number(process.env.KIZUKI_BENCH_STORE_EVENTS ?? 1_000_000);
  const messages = options.messages ?? Number(process.env.KIZUKI_BENCH_STORE_MESSAGES ?? 20_000);
  const databases =
    options.databases ??
    ((process.env.KIZUKI_BENCH_STORE_DATABASES?.split(',').filter(Boolean) as Array<'sqlite' | 'postgres'> | undefined) ?? [
      'sqlite',
      'postgres',
    ]);
  const log = options.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  const results: StoreBenchDatabaseResult[] = [];
  for (const database of databases) {
    if (database === 'sqlite') {
      const dir = mkdtempSync(join(tmpdir(), 'kizuki-bench-store-'));
      const store = await openStore(`sqlite:${join(dir, 'kizuki.db')}`, { dataDir: dir });
      try {
        results.push(await benchOne('sqlite', store, events, messages, log));
      } finally {
        await store.close();
        rmSync(dir, { recursive: true, force: true });
      }
    } else {
      const url = options.postgresUrl ?? process.env.KIZUKI_BENCH_PG_URL ?? (await freshTestPostgresDatabase('kizuki_bench'));
      const store = await openStore(url);
      try {
        results.push(await benchOne('postgres', store, events, messages, log));
      } finally {
        await store.close();
      }
    }
  }
  return results;
}

if (process.argv[1] && import.meta.url.endsWith(process.argv[1].replace(/\\/g, '/'))) {
  const results = await benchStore();
  process.stdout.write(`${JSON.stringify(results, null, 2)}\n`);
}
