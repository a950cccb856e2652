// One fetched message through the same stages `kizuki scan` and `kizuki events ingest` use: analyse (worker pool) →
// judge (detector + sender history) → a message.received / message.sent / message.bounce event into the takeover
// engine → the judged record in the store. The judged record is written last: it marks the message as done, so a
// crash before it repeats the message (its event is then a duplicate the engine ignores) and never loses it.
import { createHash } from 'node:crypto';
import { messageEvent } from '../events/message-event.js';
import type { AccountEvent, Incident, Signal } from '../model/events.js';
import type { FetchedMessage } from '../providers/types.js';
import type { Judge, ScanOutput, SenderHistory } from '../scan/pipeline.js';
import { scanMessages } from '../scan/pipeline.js';
import type { AnalysisPool } from '../scan/pool.js';
import { judgedRowFrom } from '../scan/persist.js';
import { emptyScanRecord, type ScanRecord } from '../scan/record.js';
import type { SourceItem } from '../scan/sources.js';
import { type JudgedMessage, keepRawMessage, type Store } from '../store/index.js';

export interface EventIntake {
  ingest(events: readonly AccountEvent[]): Promise<{ accepted: number; duplicates: number; signals: Signal[]; incidents: Incident[] }>;
}

export interface ProcessorDeps {
  store: Store;
  pool: AnalysisPool;
  judge: Judge;
  /** sender history; a stored one (src/scan/history.ts) is flushed with each judged record */
  history: SenderHistory & { flush?(target: Store): Promise<void> };
  engine: EventIntake;
  now: () => Date;
  /** a problem that did not stop the message (its event could not be built, …) */
  log?: (line: string) => void;
}

export interface ProcessedMessage {
  record: ScanRecord;
  /** true: this message was judged from this folder before (a re-read after a UIDVALIDITY change); nothing was redone */
  repeated: boolean;
  signals: Signal[];
  incidents: Incident[];
}

/** Where a message was found, as it shows in its record: provider/folder/providerId. */
export function sourcePathOf(provider: string, message: FetchedMessage): string {
  return `${provider}/${message.location ?? message.folder}/${message.providerId}`;
}

export interface ProcessedBatch {
  /** one per message, in the order given */
  messages: ProcessedMessage[];
  /** what the takeover engine found in the batch's events */
  signals: Signal[];
  incidents: Incident[];
}

export interface MessageProcessor {
  message(provider: string, message: FetchedMessage): Promise<ProcessedMessage>;
  /**
   * Several messages at once: analysed side by side, their events given to the engine together and their records
   * stored in one transaction. All or nothing: if it throws, none of the batch is marked done.
   */
  messages(provider: string, messages: readonly FetchedMessage[]): Promise<ProcessedBatch>;
  events(events: readonly AccountEvent[]): Promise<{ signals: Signal[]; incidents: Incident[] }>;
}

export function createProcessor(deps: ProcessorDeps): MessageProcessor {
  // one message at a time: providers run side by side, but sender history and the engine see one ordered stream
  let queue: Promise<unknown> = Promise.resolve();
  const serial = <T>(work: () => Promise<T>): Promise<T> => {
    const next = queue.then(work, work);
    queue = next.catch(() => {});
    return next;
  };

  const processBatch = async (provider: string, messages: readonly FetchedMessage[]): Promise<ProcessedBatch> => {
    const results: Array<ProcessedMessage | undefined> = new Array(messages.length);
    const fresh: Array<{ index: number; message: FetchedMessage; sha256: string; path: string }> = [];
    for (const [index, message] of messages.entries()) {
      const sha256 = createHash('sha256').update(message.raw).digest('hex');
      const path = sourcePathOf(provider, message);
      const folderPrefix = `${provider}/${message.location ?? message.folder}/`;
      const known = await deps.store.getJudgedMessage(sha256);
      // judged from this folder before (read again after a UIDVALIDITY change, or twice in one batch): nothing to redo
      if (known?.source.path.startsWith(folderPrefix) || fresh.some((f) => f.sha256 === sha256 && f.path.startsWith(folderPrefix))) {
        results[index] = { record: { ...emptyScanRecord({ path: known?.source.path ?? path }), sha256 }, repeated: true, signals: [], incidents: [] };
      } else fresh.push({ index, message, sha256, path });
    }

    // analysed side by side in the worker pool, judged in order (sender history grows in a fixed order)
    const outputs: ScanOutput[] = [];
    const items = fresh.map((f): SourceItem => ({ ref: { path: f.path }, raw: f.message.raw }));
    for await (const o of scanMessages(list(items), { pool: deps.pool, judge: deps.judge, history: deps.history })) outputs.push(o);
    if (outputs.length !== fresh.length) throw new Error(`the pipeline gave ${outputs.length} records for ${fresh.length} messages`);

    const events: AccountEvent[] = [];
    for (const [i, f] of fresh.entries()) {
      const output = outputs[i] as ScanOutput;
      const analysed = output.analysis && output.verdict ? { analysis: output.analysis, verdict: output.verdict } : undefined;
      try {
        events.push(
          await messageEvent(
            {
              raw: f.message.raw,
              account: f.message.account,
              folder: f.message.folder === 'sent' ? 'sent' : 'inbox',
              source: `provider:${provider}`,
              fallbackTime: f.message.time ?? deps.now().toISOString(),
              // the content, not the UID: the same message read again under a new UIDVALIDITY gets the same event id
              position: f.sha256,
            },
            analysed ? async () => analysed : undefined,
          ),
        );
      } catch (error) {
        deps.log?.(`${f.path}: no event for this message (${(error as Error).message})`);
      }
    }
    let signals: Signal[] = [];
    let incidents: Incident[] = [];
    if (events.length) {
      const result = await deps.engine.ingest(events);
      signals = result.signals;
      incidents = result.incidents;
    }

    const rows: JudgedMessage[] = [];
    for (const [i, f] of fresh.entries()) {
      const output = outputs[i] as ScanOutput;
      const row = judgedRowFrom(output, deps.now());
      if (row) {
        // the mailbox may delete or move the message: keep the bytes Kizuki judged (subject to retention)
        row.rawPath = (await keepRawMessage(deps.store.rawDir, f.message.raw)).path;
        rows.push(row);
      }
      results[f.index] = { record: output.record, repeated: false, signals: [], incidents: [] };
    }
    if (rows.length) {
      await deps.store.transaction(async (tx) => {
        if (deps.history.flush) await deps.history.flush(tx);
        await tx.putJudgedMessages(rows);
      });
    }
    return { messages: results as ProcessedMessage[], signals, incidents };
  };

  return {
    message: (provider, message) =>
      serial(async () => {
        const batch = await processBatch(provider, [message]);
        return { ...(batch.messages[0] as ProcessedMessage), signals: batch.signals, incidents: batch.incidents };
      }),
    messages: (provider, messages) => serial(() => processBatch(provider, messages)),
    events: (events) =>
      serial(async () => {
        const result = await deps.engine.ingest(events);
        return { signals: result.signals, incidents: result.incidents };
      }),
  };
}

async function* list(items: readonly SourceItem[]): AsyncGenerator<SourceItem> {
  yield* items;
}
