// Analysis throughput over the corpus: in-process (per-message cost), one worker, all workers.
import { availableParallelism } from 'node:os';
import { analyse } from '../src/mail/analyse.js';
import { DEFAULT_LIMITS, defaultAnalyseOptions } from '../src/mail/options.js';
import { createAnalysisPool } from '../src/scan/pool.js';
import { corpusFiles, loadAll } from './corpus.js';

export interface ScanBenchResult {
  messages: number;
  inProcess: { perSecond: number; medianMs: number; p99Ms: number; maxMs: number };
  oneWorker: { perSecond: number };
  allWorkers: { workers: number; perSecond: number };
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;
}

async function poolRate(messages: Uint8Array[], workers: number): Promise<number> {
  const pool = createAnalysisPool({
    workers,
    timeoutMs: 60_000,
    workerMemoryMb: 1024,
    settings: { limits: DEFAULT_LIMITS, auth: { mode: 'headers', trustedHosts: [], dns: 'system' }, orgDomains: [] },
  });
  // warm the workers (module loading) before timing
  await Promise.all(Array.from({ length: workers * 2 }, (_, i) => pool.analyse(messages[i % messages.length]!)));
  const started = performance.now();
  let next = 0;
  const lanes = Array.from({ length: workers * 2 }, async () => {
    while (next < messages.length) {
      const index = next++;
      await pool.analyse(messages[index]!);
    }
  });
  await Promise.all(lanes);
  const seconds = (performance.now() - started) / 1000;
  await pool.close();
  return messages.length / seconds;
}

export async function benchScan(limit?: number): Promise<ScanBenchResult> {
  const files = corpusFiles();
  const messages = loadAll(limit ? files.slice(0, limit) : files);
  const options = defaultAnalyseOptions();
  for (const raw of messages.slice(0, 50)) await analyse(raw, options); // warm-up
  const times: number[] = [];
  const started = performance.now();
  for (const raw of messages) {
    const t0 = performance.now();
    await analyse(raw, options);
    times.push(performance.now() - t0);
  }
  const seconds = (performance.now() - started) / 1000;
  times.sort((a, b) => a - b);
  const workers = availableParallelism();
  return {
    messages: messages.length,
    inProcess: { perSecond: messages.length / seconds, medianMs: percentile(times, 50), p99Ms: percentile(times, 99), maxMs: times[times.length - 1] ?? 0 },
    oneWorker: { perSecond: await poolRate(messages, 1) },
    allWorkers: { workers, perSecond: await poolRate(messages, workers) },
  };
}
