// API latency with a full store: 100,000 judged messages (and the replayed 2017 incident), on SQLite and PostgreSQL.
// Measures over real HTTP on 127.0.0.1: the message list (first page, a deep page by cursor, a search, a verdict
// filter) and the incident page (GET /api/incidents/:id, which gathers signals, events and indicators).
//   node build/bench/api.js [--messages N] [--requests N]
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { Accounts } from '../src/server/accounts.js';
import { buildServer } from '../src/server/app.js';
import { Judging } from '../src/server/judging.js';
import { seedDemo } from '../src/server/service.js';
import { type JudgedMessage, openStore } from '../src/store/index.js';
import { freshTestPostgresDatabase } from '../test/support/postgres.js';

export interface ApiLatency {
  request: string;
  p50Ms: number;
  p99Ms: number;
}

export interface ApiBenchResult {
  database: 'sqlite' | 'postgres';
  messages: number;
  requests: number;
  latencies: ApiLatency[];
}

const VERDICTS = ['clean', 'clean', 'clean', 'spam', 'suspicious', 'malicious'] as const;

function row(i: number): JudgedMessage {
  const sha = createHash('sha256').update(`bench-${i}`).digest('hex');
  const verdict = VERDICTS[i % VERDICTS.length] ?? 'clean';
  return {
    sha256: sha,
    messageId: `bench-${i}@example.co.jp`,
    subject: i % 50 === 0 ? `shared you a file ${i}` : `Order ${i} confirmation`,
    fromAddress: `sender${i % 3000}@partner${i % 200}.example`,
    date: new Date(Date.UTC(2026, 0, 1) + i * 60_000).toISOString(),
    source: { path: `bench/${i}.eml` },
    verdict,
    score: verdict === 'malicious' ? 120 : 10,
    reasons: verdict === 'clean' ? [] : [{ ruleId: 'bench.rule', name: 'bench', score: 50, severity: 'medium', en: 'A reason.', ja: '理由です。' }],
    summary: { links: 2, attachments: 0, linkList: [{ url: 'https://example.com/', host: 'example.com', foundIn: 'html-href', textMismatch: false }] },
    judgedAt: new Date(Date.UTC(2026, 2, 1) + i * 1000).toISOString(),
  };
}

function percentile(sorted: number[], p: number): number {
  return Number((sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0).toFixed(2));
}

async function measure(base: string, token: string, name: string, path: () => string, requests: number): Promise<ApiLatency> {
  const times: number[] = [];
  for (let i = 0; i < requests + 5; i++) {
    const started = performance.now();
    const res = await fetch(`${base}${path()}`, { headers: { authorization: `Bearer ${token}` } });
    await res.arrayBuffer();
    if (res.status !== 200) throw new Error(`${name}: ${res.status}`);
    if (i >= 5) times.push(performance.now() - started);
  }
  times.sort((a, b) => a - b);
  return { request: name, p50Ms: percentile(times, 50), p99Ms: percentile(times, 99) };
}

export async function benchApi(options: { messages?: number; requests?: number; databases?: Array<'sqlite' | 'postgres'>; log?: (line: string) => void } = {}): Promise<ApiBenchResult[]> {
  const messages = options.messages ?? 100_000;
  const requests = options.requests ?? 200;
  const log = options.log ?? (() => {});
  const results: ApiBenchResult[] = [];
  for (const database of options.databases ?? ['sqlite', 'postgres']) {
    const dir = mkdtempSync(join(tmpdir(), 'kizuki-bench-api-'));
    const url = database === 'sqlite' ? join(dir, 'kizuki.db') : await freshTestPostgresDatabase('kizuki_bench_api');
    const store = await openStore(url, { dataDir: dir });
    try {
      log(`${database}: seeding the 2017 demo and ${messages} judged messages…`);
      const demo = await seedDemo(store, url);
      await demo.response?.close();
      for (let i = 0; i < messages; i += 1000) await store.putJudgedMessages(Array.from({ length: Math.min(1000, messages - i) }, (_, k) => row(i + k)));
      const accounts = new Accounts(store);
      const { secret } = await accounts.createToken({ name: 'bench', role: 'viewer', createdBy: 'bench' });
      const app = await buildServer({ store, accounts, judging: new Judging({ ruleDirs: [], orgDomains: [] }) });
      await app.listen({ host: '127.0.0.1', port: 0 });
      const base = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
      try {
        const incident = (await store.listIncidents({ limit: 1 }))[0]?.id ?? '';
        const deep = await (await fetch(`${base}/api/messages?limit=200`, { headers: { authorization: `Bearer ${secret}` } })).json() as { next?: string };
        const latencies = [
          await measure(base, secret, 'message list, first page of 50', () => '/api/messages?limit=50', requests),
          await measure(base, secret, 'message list, next page by cursor', () => `/api/messages?limit=50&cursor=${deep.next ?? ''}`, requests),
          await measure(base, secret, 'message list, malicious only', () => '/api/messages?limit=50&verdict=malicious', requests),
          await measure(base, secret, 'message list, search "shared you a file"', () => '/api/messages?limit=50&q=shared%20you%20a%20file', Math.max(20, requests / 10)),
          await measure(base, secret, 'incident page (2017 incident)', () => `/api/incidents/${incident}`, Math.max(20, requests / 4)),
        ];
        results.push({ database, messages: messages + demo.messages, requests, latencies });
      } finally {
        await app.close();
      }
    } finally {
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    }
  }
  return results;
}

if (process.argv[1] && import.meta.url.endsWith(process.argv[1].replace(/\\/g, '/'))) {
  const { values } = parseArgs({ options: { messages: { type: 'string' }, requests: { type: 'string' } } });
  const results = await benchApi({ messages: Number(values.messages ?? 100_000), requests: Number(values.requests ?? 200), log: (l) => process.stderr.write(`${l}\n`) });
  for (const r of results) {
    process.stdout.write(`${r.database}: ${r.messages} judged messages\n`);
    for (const l of r.latencies) process.stdout.write(`  ${l.request}: p50 ${l.p50Ms} ms, p99 ${l.p99Ms} ms\n`);
  }
  process.exit(0);
}
