// The scan pipeline: sources → analysis (worker pool, parallel) → judgement (main thread, in input order, so
// sender history grows in a deterministic order) → record.
import { createHash } from 'node:crypto';
import type { Analysis } from '../model/analysis.js';
import type { PreparedJudgement } from '../detect/index.js';
import type { SenderProfile, Verdict } from '../model/verdict.js';
import { orderedMap } from './ordered.js';
import type { AnalysisPool } from './pool.js';
import { type BounceInfo, type ScanRecord, recordForIoError, recordForUnanalysable, recordFromAnalysis } from './record.js';
import type { SourceItem, SourceRef } from './sources.js';
import type { StageTimings } from './timings.js';

/** What the pipeline needs from the detection stage. */
export interface Judge {
  judge(analysis: Analysis, profile?: SenderProfile): Verdict;
  /** finish a judgement a worker prepared (src/detect: Detector.judgePrepared) */
  judgePrepared?(prepared: PreparedJudgement, analysis: Analysis, profile?: SenderProfile): Verdict;
}

/** Sender history: read before judging, updated after. */
export interface SenderHistory {
  get(address: string): Promise<SenderProfile | undefined>;
  /** optional: look up, in one go, what get/observe will need for these messages (fewer round trips to a store) */
  prefetch?(items: ReadonlyArray<{ address: string; sha256: string }>): Promise<void>;
  /** record what this message adds to its sender's profile (skipped for messages already judged before) */
  observe(analysis: Analysis, verdict: Verdict, previous: SenderProfile | undefined): Promise<void>;
}

export interface ScanOutput {
  record: ScanRecord;
  analysis?: Analysis;
  verdict?: Verdict;
  /** the message's bytes, carried only for messages that exist nowhere else (standard input), so they can be kept */
  raw?: Uint8Array;
}

export interface ScanDependencies {
  pool: AnalysisPool;
  /** may still be loading: messages are read and analysed meanwhile, and judged once it is there */
  judge: Judge | Promise<Judge>;
  history?: SenderHistory | Promise<SenderHistory | undefined>;
  /** called with every record in order; a store keeps them here */
  onRecord?: (output: ScanOutput) => Promise<void>;
  /** when given, each stage's time is added here (`kizuki scan --timings`) */
  timings?: StageTimings;
}

type Analysed =
  | { ref: SourceRef; analysis: Analysis; bounce?: BounceInfo; prepared?: PreparedJudgement; raw?: Uint8Array; timings?: { analyseMs: number; prepareMs: number } }
  | { ref: SourceRef; raw: Uint8Array; failure: string }
  | { ref: SourceRef; ioError: string };

export async function* scanMessages(items: AsyncIterable<SourceItem>, deps: ScanDependencies): AsyncGenerator<ScanOutput> {
  // one message waiting per worker, so no worker idles while the main thread reads the next file
  const concurrency = deps.pool.threads * 2;
  const analysed = orderedMap<SourceItem, Analysed>(items, concurrency, concurrency * 64, async (item) => {
    if ('error' in item) return { ref: item.ref, ioError: item.error };
    const outcome = await deps.pool.analyse(item.raw);
    if ('error' in outcome) return { ref: item.ref, raw: item.raw, failure: outcome.error };
    return { ref: item.ref, ...outcome, ...(item.ref.path === '-' ? { raw: item.raw } : {}) };
  });
  let ready: ReadyDependencies | undefined;
  for await (const batch of readyBatches(analysed, 256)) {
    if (!ready) {
      const waitStarted = performance.now();
      ready = { judge: await deps.judge, history: await deps.history, onRecord: deps.onRecord, timings: deps.timings };
      if (deps.timings) deps.timings.waitForRulesMs += performance.now() - waitStarted;
    }
    if (ready.history?.prefetch) {
      const wanted = batch.flatMap((r) => ('analysis' in r && r.analysis.from.address ? [{ address: r.analysis.from.address, sha256: r.analysis.sha256 }] : []));
      if (wanted.length) await ready.history.prefetch(wanted);
    }
    let lastTurn = performance.now();
    for (const result of batch) {
      yield await finish(result, ready);
      // Finishing a batch runs in one turn of the event loop unless it gives way: workers' results would wait, and the
      // workers with them, for the whole batch. Giving way about every millisecond lets their next messages go out.
      if (performance.now() - lastTurn >= YIELD_EVERY_MS) {
        await new Promise<void>((resolve) => setImmediate(resolve));
        lastTurn = performance.now();
      }
    }
  }
}

const YIELD_EVERY_MS = 1;

interface ReadyDependencies {
  judge: Judge;
  history: SenderHistory | undefined;
  onRecord: ScanDependencies['onRecord'];
  timings: StageTimings | undefined;
}

/** Groups what a generator has ready now (up to `max` items) without waiting for more than the first. */
export async function* readyBatches<T>(source: AsyncIterator<T> | AsyncIterable<T>, max: number): AsyncGenerator<T[]> {
  const iterator = Symbol.asyncIterator in source ? source[Symbol.asyncIterator]() : source;
  let pending: Promise<IteratorResult<T>> | undefined;
  const notYet = Symbol('not yet');
  for (;;) {
    const first = await (pending ?? iterator.next());
    pending = undefined;
    if (first.done) return;
    const batch = [first.value];
    while (batch.length < max) {
      const next = iterator.next();
      const ready = await Promise.race([next, new Promise<typeof notYet>((resolve) => setImmediate(() => resolve(notYet)))]);
      if (ready === notYet) {
        pending = next;
        break;
      }
      if (ready.done) {
        yield batch;
        return;
      }
      batch.push(ready.value);
    }
    yield batch;
  }
}

async function finish(result: Analysed, deps: ReadyDependencies): Promise<ScanOutput> {
  {
    let output: ScanOutput;
    if ('ioError' in result) {
      output = { record: recordForIoError(result.ref, result.ioError) };
    } else if ('failure' in result) {
      const sha256 = createHash('sha256').update(result.raw).digest('hex');
      output = { record: recordForUnanalysable(result.ref, result.raw, sha256, result.failure) };
    } else {
      const { analysis } = result;
      const timings = deps.timings;
      const t0 = timings ? performance.now() : 0;
      const sender = analysis.from.address;
      const profile = sender && deps.history ? await deps.history.get(sender) : undefined;
      const t1 = timings ? performance.now() : 0;
      const verdict =
        result.prepared && deps.judge.judgePrepared ? deps.judge.judgePrepared(result.prepared, analysis, profile) : deps.judge.judge(analysis, profile);
      const t2 = timings ? performance.now() : 0;
      if (sender && deps.history) await deps.history.observe(analysis, verdict, profile);
      if (timings) {
        const t3 = performance.now();
        timings.historyMs += t1 - t0 + (t3 - t2);
        timings.judgeMs += t2 - t1;
        timings.analyseMs += result.timings?.analyseMs ?? 0;
        timings.prepareMs += result.timings?.prepareMs ?? 0;
      }
      output = { record: recordFromAnalysis(result.ref, analysis, verdict, result.bounce), analysis, verdict, ...(result.raw ? { raw: result.raw } : {}) };
    }
    if (deps.onRecord) await deps.onRecord(output);
    return output;
  }
}
