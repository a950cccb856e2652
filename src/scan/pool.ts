// The analysis pool: worker threads (piscina) with a per-message time limit and a per-worker heap limit.
import { availableParallelism } from 'node:os';
import { newPiscina, takeWarmWorkers } from './warm-start.js';
import type { AnalysisOutcome, AnalysisTaskSettings } from './worker.js';

export interface AnalysisPoolOptions {
  /** worker threads; 0 = one per CPU core */
  workers: number;
  timeoutMs: number;
  workerMemoryMb: number;
  settings: AnalysisTaskSettings;
  /** only one message will be analysed (so warm workers of any count will do) */
  single?: boolean;
}

export interface AnalysisPool {
  readonly threads: number;
  analyse(raw: Uint8Array): Promise<AnalysisOutcome>;
  /**
   * Whether prepared judgements must carry the whole body text (msg.text, msg.textFolded): yes until told otherwise;
   * the scan says no once its rules are compiled and none reads it (Detector.readsBodyText).
   */
  setBodyTextNeeded(needed: boolean): void;
  close(): Promise<void>;
}

let nextSettingsId = 0;

export function createAnalysisPool(options: AnalysisPoolOptions): AnalysisPool {
  const settingsId = nextSettingsId++;
  const threads = options.workers > 0 ? options.workers : availableParallelism();
  const wanted = { threads, workerMemoryMb: options.workerMemoryMb, single: options.single === true };
  const piscina = takeWarmWorkers(wanted) ?? newPiscina({ minThreads: threads, maxThreads: threads, workerMemoryMb: options.workerMemoryMb });
  let running = 0;
  let bodyText = true;
  return {
    threads,
    setBodyTextNeeded(needed) {
      bodyText = needed;
    },
    async analyse(raw) {
      // The clock starts when the task is handed over. A task that must first wait for a busy worker waits for at
      // most one other message, itself limited to timeoutMs, so it is allowed that much more.
      const queued = running >= threads;
      // A timer cleared when the task ends: AbortSignal.timeout's would stay armed for the whole limit after every
      // task, thousands of them at once in a busy daemon.
      const limit = new AbortController();
      const timer = setTimeout(() => limit.abort(new DOMException('time limit', 'TimeoutError')), queued ? options.timeoutMs * 2 : options.timeoutMs);
      timer.unref();
      running += 1;
      try {
        return await piscina.run({ raw, settings: options.settings, settingsId, bodyText }, { signal: limit.signal });
      } catch (error) {
        return { error: describePoolError(error, options) };
      } finally {
        clearTimeout(timer);
        running -= 1;
      }
    },
    async close() {
      await piscina.destroy();
    },
  };
}

function describePoolError(error: unknown, options: AnalysisPoolOptions): string {
  const err = error as NodeJS.ErrnoException;
  if (err?.name === 'AbortError' || err?.name === 'TimeoutError' || /abort/i.test(err?.message ?? '')) {
    return `analysis stopped after ${options.timeoutMs} ms (time limit)`;
  }
  if (err?.code === 'ERR_WORKER_OUT_OF_MEMORY') {
    return `analysis stopped: the message needed more than ${options.workerMemoryMb} MB (memory limit)`;
  }
  return `analysis worker failed: ${err?.message ?? String(error)}`;
}
