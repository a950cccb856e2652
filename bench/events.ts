// Takeover detectors under load: events per second through the detectors (and through the whole
// engine with an in-memory sink), and heap kept per tracked account.
// Run: npx tsc -p . && node --expose-gc build/bench/events.js [accounts] [days]
import { pathToFileURL } from 'node:url';
import { takeoverConfig } from '../src/events/config.js';
import { takeoverDetectors } from '../src/events/detectors/index.js';
import { TakeoverEngine } from '../src/events/engine.js';
import { MemorySink } from '../src/events/sink.js';
import type { AccountEvent } from '../src/model/events.js';

export interface EventsBenchResult {
  accounts: number;
  events: number;
  detectorEventsPerSecond: number;
  engineEventsPerSecond: number;
  signals: number;
  /** heap retained by the detectors' state, divided by the accounts they track (bytes; needs --expose-gc to be exact) */
  bytesPerTrackedAccount: number;
}

/** A working month of ordinary mail and sign-ins for `accounts` mailboxes (deterministic). */
export function syntheticEvents(accounts: number, days: number): AccountEvent[] {
  const events: AccountEvent[] = [];
  const start = Date.parse('2026-01-05T00:00:00Z');
  let seed = 42;
  const rand = () => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return seed / 2147483648;
  };
  for (let day = 0; day < days; day++) {
    for (let a = 0; a < accounts; a++) {
      const account = `user${a}@example-office.jp`;
      const base = start + day * 86_400_000;
      events.push({ id: `s${day}-${a}`, kind: 'signin.success', time: new Date(base + a * 1000).toISOString(), account, source: 'bench', data: { ip: `198.51.100.${a % 250}`, country: 'JP', network: 'AS64500', lat: 35.68, lon: 139.77 } });
      const sends = 3 + Math.floor(rand() * 8);
      for (let m = 0; m < sends; m++) {
        const to = [`c${Math.floor(rand() * 60)}@partner${Math.floor(rand() * 25)}.example.com`];
        events.push({ id: `m${day}-${a}-${m}`, kind: 'message.sent', time: new Date(base + 3_600_000 + Math.floor(rand() * 8 * 3_600_000)).toISOString(), account, source: 'bench', data: { subject: `quote ${m}`, to, cc: [], bcc: [], verdict: 'clean' } });
      }
      if (rand() < 0.05) events.push({ id: `b${day}-${a}`, kind: 'message.bounce', time: new Date(base + 5 * 3_600_000).toISOString(), account, source: 'bench', data: { kind: 'dsn', failed: true, recipients: ['gone@partner1.example.com'] } });
    }
  }
  return events.sort((x, y) => (x.time < y.time ? -1 : x.time > y.time ? 1 : 0));
}

function heap(): number {
  (globalThis as { gc?: () => void }).gc?.();
  return process.memoryUsage().heapUsed;
}

export async function benchEvents(accounts = 2000, days = 20): Promise<EventsBenchResult> {
  const events = syntheticEvents(accounts, days);
  const config = takeoverConfig({ orgDomains: ['example-office.jp'] });

  const before = heap();
  const detectors = takeoverDetectors(config);
  let signals = 0;
  const t0 = performance.now();
  for (const event of events) for (const d of detectors) signals += d.observe(event).length;
  const detectorSeconds = (performance.now() - t0) / 1000;
  const retained = heap() - before;
  const tracked = Math.max(...detectors.map((d) => d.trackedAccounts()));

  const engine = new TakeoverEngine(new MemorySink(), { config });
  const t1 = performance.now();
  for (let i = 0; i < events.length; i += 500) await engine.ingest(events.slice(i, i + 500));
  const engineSeconds = (performance.now() - t1) / 1000;

  return {
    accounts,
    events: events.length,
    detectorEventsPerSecond: Math.round(events.length / detectorSeconds),
    engineEventsPerSecond: Math.round(events.length / engineSeconds),
    signals,
    bytesPerTrackedAccount: Math.round(retained / Math.max(1, tracked)),
  };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const accounts = Number(process.argv[2] ?? 2000);
  const days = Number(process.argv[3] ?? 20);
  console.log(JSON.stringify(await benchEvents(accounts, days), null, 2));
}
