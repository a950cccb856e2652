// Analysis throughput over the corpus: per-message cost on one core (bench/analyse.ts), then the worker pool
// with one worker and with one per core — what `kizuki scan` runs.
import { availableParallelism } from 'node:os';
import { DEFAULT_LIMITS } from '../src/mail/options.js';
import { createAnalysisPool } from '../src/scan/pool.js';
import { type AnalyseBench, benchAnalyse } from './analyse.js';
import { corpusFiles, loadAll } from './corpus.js';

export interface ScanBenchResult {
  messages: number;
  oneCore: Omit<AnalyseBench, 'perMessageMs'>;
  oneWorker: { perSecond: number };
  allWorkers: { workers: number; perSecond: number };
}

async function poolRate(messages: Uint8Array[], workers: number): Promise<number> {
  const pool = createAnalysisPool({
    workers,
    timeoutMs: 60_000,
    workerMemoryMb: 1024,
    settings: { limits: DEFAULT_LIMITS, auth: { mode: 'headers', trustedHosts: [], dns: 'system' }, orgDomains: [] },
  });
  // warm the workers (module loading, pdf.js) before timing
  await Promise.all(Array.from({ length: workers * 4 }, (_, i) => pool.analyse(messages[i % messages.length]!)));
  const started = performance.now();
  let next = 0;
  const lanes = Array.from({ length: workers * 2 }, async () => {
    while (next < messages.length) await pool.analyse(messages[next++]!);
  });
  await Promise.all(lanes);
  const seconds = (performance.now() - started) / 1000;
  await pool.close();
  return messages.length / seconds;
}

export async function benchScan(limit?: number): Promise<ScanBenchResult> {
  const files = limit ? corpusFiles().slice(0, limit) : corpusFiles();
  const { perMessageMs: _perMessage, ...oneCore } = await benchAnalyse(files);
  const messages = loadAll(files);
  const workers = availableParallelism();
  return {
    messages: messages.length,
    oneCore,
    oneWorker: { perSecond: await poolRate(messages, 1) },
    allWorkers: { workers, perSecond: await poolRate(messages, workers) },
  };
}
