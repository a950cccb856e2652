// Starts the analysis workers before the command line is even parsed. Loading the analysis stack in a worker was
// the longest part of a one-message run (`kizuki scan -` from a mail client's filter hook); begun first thing,
// it overlaps with this thread loading the CLI and the rules. The scan takes these workers over when its
// configuration asks for the same resources; otherwise they are stopped and a pool is made as configured.
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { availableParallelism } from 'node:os';
import type { Piscina } from 'piscina';
import { DEFAULT_DAEMON_SOCKET } from './daemon/protocol.js';
import type { AnalysisOutcome, AnalysisTask, AnalysisWorkerData } from './worker.js';

export interface PoolResources {
  /** most worker threads */
  maxThreads: number;
  /** threads started at once */
  minThreads: number;
  workerMemoryMb: number;
  /** the workers read the reference data for prepared judgements as they start (default: yes) */
  preloadDetection?: boolean;
}

/** The defaults of the `scan:` configuration section (src/config.ts). */
const DEFAULT_WORKER_MEMORY_MB = 1024;

// loaded when a pool is made, not with the CLI: a scan handed to the daemon never needs it
const require = createRequire(import.meta.url);

export function newPiscina(resources: PoolResources): Piscina<AnalysisTask, AnalysisOutcome> {
  const { Piscina: Pool } = require('piscina') as typeof import('piscina');
  return new Pool<AnalysisTask, AnalysisOutcome>({
    filename: new URL('./worker.js', import.meta.url).href,
    minThreads: resources.minThreads,
    maxThreads: resources.maxThreads,
    idleTimeout: 60_000,
    workerData: { preloadDetection: resources.preloadDetection !== false } satisfies AnalysisWorkerData,
    // A small young generation keeps each worker's resident memory down (about 17 MB less per worker on the corpus)
    // at no measurable cost in CPU time: most of an analysis's garbage is short-lived and small.
    resourceLimits: { maxOldGenerationSizeMb: resources.workerMemoryMb, maxYoungGenerationSizeMb: 8 },
  });
}

let warm: { piscina: Piscina<AnalysisTask, AnalysisOutcome>; resources: PoolResources } | undefined;

/** Called by the CLI entry with its arguments: for `kizuki scan`, one worker starts loading now (more follow on demand). */
export function warmAnalysisWorkers(args: readonly string[]): void {
  if (args[0] !== 'scan' || args.includes('--help') || args.includes('-h') || warm) return;
  // a scan daemon will most likely take the scan: no workers needed here (one that declines costs a cold start)
  if (!args.includes('--no-daemon') && existsSync(DEFAULT_DAEMON_SOCKET)) return;
  // A one-message scan judges on this thread (src/scan/run.ts): its worker has no reference data to read. A wrong
  // guess from the raw arguments only costs a batch's first messages the wait for that data.
  const resources = { minThreads: 1, maxThreads: availableParallelism(), workerMemoryMb: DEFAULT_WORKER_MEMORY_MB, preloadDetection: !looksLikeOneMessage(args) };
  warm = { piscina: newPiscina(resources), resources };
}

/** `kizuki scan -` or `kizuki scan one.eml`, read from the raw arguments (options and their values aside). */
export function looksLikeOneMessage(args: readonly string[]): boolean {
  const last = args.at(-1) ?? '';
  return (last === '-' || /\.eml$/i.test(last)) && args.filter((arg) => arg === '-' || /\.eml$/i.test(arg)).length === 1;
}

/**
 * The warm workers, if they fit: the same memory limit, and either the same number of threads or a single message
 * (which never uses more than one). Taken once; whoever takes them closes them.
 */
export function takeWarmWorkers(wanted: { threads: number; workerMemoryMb: number; single: boolean }): Piscina<AnalysisTask, AnalysisOutcome> | undefined {
  const candidate = warm;
  warm = undefined;
  if (!candidate) return undefined;
  const fits = candidate.resources.workerMemoryMb === wanted.workerMemoryMb && (wanted.single || candidate.resources.maxThreads === wanted.threads);
  if (fits) return candidate.piscina;
  void candidate.piscina.destroy();
  return undefined;
}

/** Stops warm workers nobody took (a scan that failed before it started, a wrong option). */
export async function releaseWarmWorkers(): Promise<void> {
  const candidate = warm;
  warm = undefined;
  await candidate?.piscina.destroy();
}
