// Wires `kizuki watch` (and the service) together: configuration → providers, store, cursors, analysis pool,
// detector, sender history, takeover engine → the watch loop. Prints one record per new message.
import { availableParallelism } from 'node:os';
import { type KizukiConfig, effectiveLimits } from '../config.js';
import { loadDetector, updateProfile } from '../detect/index.js';
import { TakeoverEngine } from '../events/engine.js';
import { StoreSink } from '../events/store-sink.js';
import type { ProviderEntry } from '../providers/config.js';
import { storeCursors } from '../providers/cursors.js';
import { createProviders } from '../providers/index.js';
import type { Provider } from '../providers/types.js';
import { type Lang, tableHeader, tableRow } from '../scan/format.js';
import { storedHistory } from '../scan/history.js';
import { createAnalysisPool } from '../scan/pool.js';
import type { ScanRecord } from '../scan/record.js';
import { openStore, type Store } from '../store/index.js';
import { type ProviderOutcome, runWatchLoop } from './loop.js';
import { createProcessor, type ProcessedMessage } from './processor.js';

export interface WatchRunOptions {
  once?: boolean;
  json?: boolean;
  lang?: Lang;
  /** only the providers with these names (default: all configured) */
  only?: string[];
  signal: AbortSignal;
  out: NodeJS.WritableStream;
  err: NodeJS.WritableStream;
  now?: () => Date;
  env?: NodeJS.ProcessEnv;
  /** called after each message (the service uses it; tests too) */
  onMessage?: (provider: string, processed: ProcessedMessage) => void;
}

export interface WatchRunResult {
  outcomes: ProviderOutcome[];
  records: ScanRecord[];
  /** 0 clean, 1 something malicious (with --once), 2 a provider failed or could not start */
  exitCode: number;
}

export function selectEntries(config: KizukiConfig, only?: string[]): ProviderEntry[] {
  const entries = config.providers;
  if (!only?.length) return entries;
  const unknown = only.filter((name) => !entries.some((e) => e.name === name));
  if (unknown.length) throw new Error(`no provider named ${unknown.join(', ')} in the configuration`);
  return entries.filter((e) => only.includes(e.name));
}

export async function runWatch(config: KizukiConfig, options: WatchRunOptions): Promise<WatchRunResult> {
  const now = options.now ?? (() => new Date());
  const lang = options.lang ?? 'en';
  const log = (line: string) => options.err.write(`kizuki watch: ${line}\n`);
  const entries = selectEntries(config, options.only);
  if (entries.length === 0) throw new Error('no providers configured: add a providers: section to the configuration (see docs/providers.md)');

  const providers: Provider[] = await createProviders(entries, { env: options.env ?? process.env, now, log });
  let store: Store | undefined;
  let pool: ReturnType<typeof createAnalysisPool> | undefined;
  const records: ScanRecord[] = [];
  try {
    store = await openStore(config.store.url);
    const detection = {
      ruleDirs: config.detection.ruleDirs,
      orgDomains: config.org.domains,
      knownContactDomains: config.detection.knownContactDomains,
      allow: config.detection.allow,
      block: config.detection.block,
    };
    const judge = await loadDetector(detection);
    pool = createAnalysisPool({
      workers: config.scan.workers || Math.min(2, availableParallelism()),
      timeoutMs: config.scan.timeoutMs,
      workerMemoryMb: config.scan.workerMemoryMb,
      settings: {
        limits: effectiveLimits(config),
        auth: { mode: config.auth.mode, trustedHosts: config.auth.trustedHosts, dns: 'system' },
        orgDomains: config.org.domains,
        detection,
      },
    });
    const engine = new TakeoverEngine(new StoreSink(store), { config: { ...config.takeover, orgDomains: config.org.domains }, clock: now });
    const processor = createProcessor({ store, pool, judge, history: storedHistory(store, updateProfile), engine, now, log });
    const reportSignals = (processed: { signals: Array<{ time: string; detector: string; account: string; en: string; ja: string }> }) => {
      for (const s of processed.signals) options.err.write(`signal ${s.time} ${s.detector} ${s.account}: ${lang === 'ja' ? s.ja : s.en}\n`);
    };

    if (!options.json) options.out.write(`${tableHeader(lang)}\n`);
    const outcomes = await runWatchLoop({
      providers,
      cursors: storeCursors(store, now),
      signal: options.signal,
      once: options.once ?? false,
      log,
      handlers: {
        async message(provider, message) {
          const processed = await processor.message(provider.name, message);
          options.onMessage?.(provider.name, processed);
          if (processed.repeated) return;
          records.push(processed.record);
          options.out.write(`${options.json ? JSON.stringify(processed.record) : tableRow(processed.record, lang)}\n`);
          reportSignals(processed);
        },
        async messages(provider, messages) {
          const batch = await processor.messages(provider.name, messages);
          for (const processed of batch.messages) {
            options.onMessage?.(provider.name, processed);
            if (processed.repeated) continue;
            records.push(processed.record);
            options.out.write(`${options.json ? JSON.stringify(processed.record) : tableRow(processed.record, lang)}\n`);
          }
          reportSignals(batch);
        },
        async events(_provider, events) {
          reportSignals(await processor.events(events));
        },
      },
    });
    const failed = outcomes.some((o) => o.stoppedBy !== undefined || o.givenUp > 0);
    const malicious = records.some((r) => r.verdict === 'malicious');
    return { outcomes, records, exitCode: failed ? 2 : options.once && malicious ? 1 : 0 };
  } finally {
    await Promise.all(providers.map((p) => p.close().catch(() => {})));
    await pool?.close();
    await store?.close();
  }
}
