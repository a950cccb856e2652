// Wires `kizuki scan` together: configuration, detector, store, analysis pool, output and exit code.
import { availableParallelism } from 'node:os';
import cliProgress from 'cli-progress';
import type { ScanCliOptions } from '../cli/commands/scan.js';
import { ConfigError, type KizukiConfig, effectiveLimits, loadConfig } from '../config.js';
import { loadDetector, updateProfile } from '../detect/index.js';
import type { JudgedMessage, Store } from '../store/index.js';
import { explain, type Lang, langFromEnv, type ScanTotals, summaryLine, tableHeader, tableRow } from './format.js';
import { memoryHistory, storedHistory } from './history.js';
import { type ScanOutput, scanMessages } from './pipeline.js';
import { createAnalysisPool } from './pool.js';
import { judgedRowFrom } from './persist.js';
import { readSources, type SourceSummary } from './sources.js';
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

function configFor(options: ScanCliOptions): KizukiConfig {
  const config = loadConfig(options.config ? { path: options.config } : {});
  if (options.auth) config.auth.mode = options.auth;
  if (options.trustHost) config.auth.trustedHosts = options.trustHost;
  if (options.orgDomain) config.org.domains = options.orgDomain.map((d) => d.toLowerCase());
  if (options.rules) config.detection.ruleDirs = [...config.detection.ruleDirs, ...options.rules];
  if (options.workers) config.scan.workers = options.workers;
  if (options.timeout) config.scan.timeoutMs = options.timeout;
  if (typeof options.store === 'string') config.store.url = options.store;
  return config;
}

/** One message from standard input or one .eml file: the one-message path (a mail client's filter hook). */
function isSingleMessage(paths: string[]): boolean {
  return paths.length === 1 && (paths[0] === '-' || /\.eml$/i.test(paths[0] ?? ''));
}

export async function runScan(paths: string[], options: ScanCliOptions, out: NodeJS.WritableStream = process.stdout, err: NodeJS.WriteStream = process.stderr): Promise<number> {
  const lang: Lang = options.lang ?? langFromEnv();
  let config: KizukiConfig;
  try {
    config = configFor(options);
  } catch (error) {
    err.write(`kizuki: ${error instanceof ConfigError ? error.message : (error as Error).message}\n`);
    return EXIT_ERROR;
  }

  const detection = {
    ruleDirs: config.detection.ruleDirs,
    orgDomains: config.org.domains,
    knownContactDomains: config.detection.knownContactDomains,
    allow: config.detection.allow,
    block: config.detection.block,
  };
  // The workers start loading the analysis stack first, on their own cores, while this thread loads the rules and
  // opens the store. Workers prepare each judgement (the costly, history-free part) without compiling any rule, so
  // even for a single message that work stays off this thread, which is busy loading the rules meanwhile.
  const single = isSingleMessage(paths);
  const pool = createAnalysisPool({
    workers: single ? 1 : config.scan.workers || availableParallelism(),
    single,
    timeoutMs: config.scan.timeoutMs,
    workerMemoryMb: config.scan.workerMemoryMb,
    settings: {
      limits: effectiveLimits(config),
      auth: { mode: config.auth.mode, trustedHosts: config.auth.trustedHosts, dns: options.dnsFixture ? { fixture: options.dnsFixture } : 'system' },
      orgDomains: config.org.domains,
      detection,
    },
  });
  // The rules load and the store opens while the first messages are already being read and analysed; the scan
  // loop waits for them only when it has a message to judge (and reports their failure from there).
  let store: Store | undefined;
  let history: ReturnType<typeof storedHistory> | ReturnType<typeof memoryHistory> | undefined;
  const ready = (async () => {
    // after the first message has been read and handed to a worker (the scan loop below starts it)
    await new Promise<void>((resolvePromise) => setImmediate(resolvePromise));
    const detector = await loadDetector(detection);
    // the store's code (Kysely, the SQL driver) is loaded only when there is a store to open
    if (options.store !== false) store = await (await import('../store/index.js')).openStore(config.store.url, { sqlitePragmas: [`cache_size = -${SCAN_SQLITE_CACHE_KIB}`] });
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
  const timings = options.timings ? emptyTimings() : undefined;
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
    for await (const output of scanMessages(readSources(paths, summary), { pool, judge: judgeReady, history: historyReady, ...(timings ? { timings } : {}) })) {
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
    await pool.close();
    await ready.catch(() => undefined);
    await store?.close();
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
