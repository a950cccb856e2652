// Wires `kizuki scan` together: configuration, detector, store, analysis pool, output and exit code.
import { availableParallelism } from 'node:os';
import cliProgress from 'cli-progress';
import type { ScanCliOptions } from '../cli/commands/scan.js';
import { ConfigError, type KizukiConfig } from '../config-base.js';
import type { Detector } from '../detect/index.js';
import type { JudgedMessage, Store } from '../store/index.js';
import { explain, type Lang, langFromEnv, type ScanTotals, summaryLine, tableHeader, tableRow } from './format.js';
import { memoryHistory, storedHistory } from './history.js';
import { type ScanOutput, scanMessages } from './pipeline.js';
import { type AnalysisPool, createAnalysisPool } from './pool.js';
import { judgedRowFrom } from './persist.js';
import { readSources, type SourceItem, type SourceSummary } from './sources.js';
import { detectionOptions, loadScanConfig, taskSettings } from './settings.js';
import { countScanTargets } from './targets.js';
import { emptyTimings, timingsTable } from './timings.js';

export const EXIT_CLEAN = 0;
export const EXIT_MALICIOUS = 1;
export const EXIT_ERROR = 2;

/**
 * SQLite page cache of a scan's store, in KiB (the store's own default is 64 MiB, sized for event queries). A scan
 * appends: every page it writes stays cached, so a cache as large as the batch's rows grows with the batch. 8 MiB
 * holds the hot index pages (sha256 look-ups, the end of each table) of far more than 10,000 messages.
 */
export const SCAN_SQLITE_CACHE_KIB = 8192;

/** One message from standard input or one .eml file: the one-message path (a mail client's filter hook). */
function isSingleMessage(paths: string[]): boolean {
  return paths.length === 1 && (paths[0] === '-' || /\.eml$/i.test(paths[0] ?? ''));
}

/**
 * What a long-running process (the scan daemon, src/scan/daemon/) lends a scan: its configuration (already checked
 * to be the scan's own), warm workers, compiled rules and its open store. The scan neither loads nor closes them.
 */
export interface WarmScan {
  config: KizukiConfig;
  pool: AnalysisPool;
  detector: Promise<Detector>;
  /** the daemon's store; a scan with --no-store does without it */
  store?: Store;
  /** what `-` reads (the client's standard input, forwarded) */
  stdin?: AsyncIterable<Buffer>;
  /** the moment, on this process's clock, from which start-up is counted (the client's own start) */
  originMs?: number;
  /** stops reading further messages (the client went away); what was judged is kept */
  signal?: AbortSignal;
}

export async function runScan(
  paths: string[],
  options: ScanCliOptions,
  out: NodeJS.WritableStream = process.stdout,
  err: NodeJS.WriteStream = process.stderr,
  warm?: WarmScan,
): Promise<number> {
  const lang: Lang = options.lang ?? langFromEnv();
  let config: KizukiConfig;
  try {
    config = warm?.config ?? (await loadScanConfig(options));
  } catch (error) {
    err.write(`kizuki: ${error instanceof ConfigError ? error.message : (error as Error).message}\n`);
    return EXIT_ERROR;
  }

  const detection = detectionOptions(config);
  // The workers start loading the analysis stack first, on their own cores, while this thread loads the rules and
  // opens the store. In a batch, workers prepare each judgement (the costly, history-free part) without compiling
  // any rule. A single message is judged whole on this thread instead: its worker is still starting up when the
  // message arrives, while this thread, with the rules and the reference data loaded, would only wait for it.
  const single = isSingleMessage(paths);
  const settings = taskSettings(config, options.dnsFixture, !options.explain);
  const { detection: _judgedHere, ...analysisOnly } = settings;
  const pool =
    warm?.pool ??
    createAnalysisPool({
      workers: single ? 1 : config.scan.workers || availableParallelism(),
      single,
      timeoutMs: config.scan.timeoutMs,
      workerMemoryMb: config.scan.workerMemoryMb,
      settings: single ? analysisOnly : settings,
    });
  // The rules load and the store opens while the first messages are already being read and analysed; the scan
  // loop waits for them only when it has a message to judge (and reports their failure from there).
  let store: Store | undefined;
  let history: ReturnType<typeof storedHistory> | ReturnType<typeof memoryHistory> | undefined;
  const ready = (async () => {
    // after the first message has been read and handed to a worker (the scan loop below starts it)
    await new Promise<void>((resolvePromise) => setImmediate(resolvePromise));
    // The detector's code (the CEL engine, the content view, the domain list) loads here, after the first message
    // was handed to a worker: nothing before that needs it.
    const { loadDetector, updateProfile } = await import('../detect/index.js');
    const detector = await (warm?.detector ?? loadDetector(detection));
    pool.setBodyTextNeeded(detector.readsBodyText);
    // the store's code (Kysely, the SQL driver) is loaded only when there is a store to open
    if (options.store !== false) {
      store = warm ? warm.store : await (await import('../store/index.js')).openStore(config.store.url, { sqlitePragmas: [`cache_size = -${SCAN_SQLITE_CACHE_KIB}`] });
    }
    history = store ? storedHistory(store, updateProfile) : memoryHistory(updateProfile);
    return { detector, history };
  })();
  const judgeReady = ready.then((r) => r.detector);
  const historyReady = ready.then((r) => r.history);
  // handled where they are awaited (the scan loop); these only keep an early failure from counting as unhandled
  judgeReady.catch(() => {});
  historyReady.catch(() => {});

  const showProgress = options.progress !== false && !options.explain && Boolean(err.isTTY);
  const total = showProgress ? await countScanTargets(paths) : 0;
  const bars = showProgress && total > 1 ? new cliProgress.MultiBar({ stream: err, clearOnComplete: true, hideCursor: true, format: ' {bar} {value}/{total} files | {rate} msg/s | {eta_formatted} left' }, cliProgress.Presets.shades_grey) : undefined;
  const bar = bars?.create(total, 0, { rate: 0 });
  const print = (line: string) => {
    if (bars && out === process.stdout && process.stdout.isTTY) bars.log(`${line}\n`);
    else out.write(`${line}\n`);
  };

  const summary: SourceSummary = { skipped: [] };
  const totals: ScanTotals = { messages: 0, byVerdict: {}, ioErrors: 0, withAnalysisErrors: 0, skippedFiles: 0, seconds: 0 };
  const started = performance.now();
  // Records are stored before they are printed: what the user has seen is already durable.
  const pending: ScanOutput[] = [];
  let lastFlush = performance.now();
  let lastPath = '';
  let filesDone = 0;
  const timings = options.timings ? { ...emptyTimings(), originMs: warm?.originMs ?? 0 } : undefined;
  let firstVerdict = true;
  const emit = (output: ScanOutput) => {
    const { record } = output;
    if (timings && firstVerdict) timings.firstVerdictMs = performance.now();
    firstVerdict = false;
    if (options.explain) {
      const body = options.json ? JSON.stringify({ record, analysis: output.analysis, verdict: output.verdict }, null, 2) : explain(record, output.analysis, output.verdict, lang);
      out.write(`${body}\n\n`);
    } else if (options.json) out.write(`${JSON.stringify(record)}\n`);
    else print(tableRow(record, lang));
  };
  const flush = async () => {
    if (pending.length === 0) return;
    const batch = pending.splice(0);
    const storeStarted = performance.now();
    if (store) {
      const rows: JudgedMessage[] = [];
      for (const o of batch) {
        const row = judgedRowFrom(o);
        if (!row) continue;
        // a message read from standard input exists nowhere else: keep a copy under the store's raw folder
        if (o.raw) row.rawPath = (await (await import('../store/index.js')).keepRawMessage(store.rawDir, o.raw)).path;
        rows.push(row);
      }
      await store.transaction(async (tx) => {
        if (history && 'flush' in history) await history.flush(tx);
        if (rows.length) await tx.putJudgedMessages(rows);
      });
    }
    const outputStarted = performance.now();
    for (const output of batch) emit(output);
    lastFlush = performance.now();
    if (timings) {
      timings.storeMs += outputStarted - storeStarted;
      timings.outputMs += lastFlush - outputStarted;
    }
  };

  let headerDone = options.json === true || options.explain === true;
  const header = () => {
    if (!headerDone) print(tableHeader(lang));
    headerDone = true;
  };
  try {
    if (timings) timings.startupMs = performance.now();
    const sources = readSources(paths, summary, ...(warm?.stdin ? [warm.stdin] : []));
    for await (const output of scanMessages(warm?.signal ? untilAborted(sources, warm.signal) : sources, { pool, judge: judgeReady, history: historyReady, ...(timings ? { timings } : {}) })) {
      header();
      const { record } = output;
      if (record.verdict === null) totals.ioErrors += 1;
      else {
        totals.messages += 1;
        totals.byVerdict[record.verdict] = (totals.byVerdict[record.verdict] ?? 0) + 1;
      }
      if (record.analysis_errors.length) totals.withAnalysisErrors += 1;
      pending.push(output);
      if (!store || pending.length >= 200 || performance.now() - lastFlush > 250) await flush();
      if (record.source.path !== lastPath) {
        lastPath = record.source.path;
        filesDone += 1;
        const seconds = (performance.now() - started) / 1000;
        bar?.update(Math.min(filesDone, total), { rate: seconds > 0 ? Math.round(totals.messages / seconds) : 0 });
      }
    }
    // with no message to judge, a rule or store failure still has to be reported
    await ready;
    await flush();
    header();
  } finally {
    bars?.stop();
    if (!warm) await pool.close();
    await ready.catch(() => undefined);
    if (!warm) await store?.close();
  }

  totals.seconds = (performance.now() - started) / 1000;
  totals.skippedFiles = summary.skipped.length;
  if (!options.explain) err.write(`${summaryLine(totals, lang)}\n`);
  if (timings) {
    timings.messages = totals.messages;
    timings.totalMs = performance.now();
    err.write(`${timingsTable(timings, lang)}\n`);
  }
  if (totals.ioErrors > 0) return EXIT_ERROR;
  return (totals.byVerdict.malicious ?? 0) > 0 ? EXIT_MALICIOUS : EXIT_CLEAN;
}

/** Stops taking messages from a source once the signal fires. */
async function* untilAborted(items: AsyncIterable<SourceItem>, signal: AbortSignal): AsyncGenerator<SourceItem> {
  for await (const item of items) {
    if (signal.aborted) return;
    yield item;
  }
}
