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
import type { ScanRecord } from '../scan/record.js';
import type { SourceItem } from '../scan/sources.js';
import { keepRawMessage, type Store } from '../store/index.js';

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

export interface MessageProcessor {
  message(provider: string, message: FetchedMessage): Promise<ProcessedMessage>;
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

  const processMessage = async (provider: string, message: FetchedMessage): Promise<ProcessedMessage> => {
    const sha256 = createHash('sha256').update(message.raw).digest('hex');
    const path = sourcePathOf(provider, message);
    const folderPrefix = `${provider}/${message.location ?? message.folder}/`;
    const known = await deps.store.getJudgedMessage(sha256);
    if (known?.source.path.startsWith(folderPrefix)) {
      return { record: { ...emptyRecordFor(known.source.path), sha256 }, repeated: true, signals: [], incidents: [] };
    }

    const item: SourceItem = { ref: { path }, raw: message.raw };
    let output: ScanOutput | undefined;
    for await (const o of scanMessages(single(item), { pool: deps.pool, judge: deps.judge, history: deps.history })) output = o;
    if (!output) throw new Error(`the pipeline gave no record for ${path}`);

    let signals: Signal[] = [];
    let incidents: Incident[] = [];
    const analysed = output.analysis && output.verdict ? { analysis: output.analysis, verdict: output.verdict } : undefined;
    let event: AccountEvent | undefined;
    try {
      event = await messageEvent(
        {
          raw: message.raw,
          account: message.account,
          folder: message.folder === 'sent' ? 'sent' : 'inbox',
          source: `provider:${provider}`,
          fallbackTime: message.time ?? deps.now().toISOString(),
          // the content, not the UID: the same message read again under a new UIDVALIDITY gets the same event id
          position: sha256,
        },
        analysed ? async () => analysed : undefined,
      );
    } catch (error) {
      deps.log?.(`${path}: no event for this message (${(error as Error).message})`);
    }
    if (event) {
      const result = await deps.engine.ingest([event]);
      signals = result.signals;
      incidents = result.incidents;
    }

    const row = judgedRowFrom(output, deps.now());
    if (row) {
      // the mailbox may delete or move the message: keep the bytes Kizuki judged (subject to retention)
      row.rawPath = (await keepRawMessage(deps.store.rawDir, message.raw)).path;
      await deps.store.transaction(async (tx) => {
        if (deps.history.flush) await deps.history.flush(tx);
        await tx.putJudgedMessages([row]);
      });
    }
    return { record: output.record, repeated: false, signals, incidents };
  };

  return {
    message: (provider, message) => serial(() => processMessage(provider, message)),
    events: (events) =>
      serial(async () => {
        const result = await deps.engine.ingest(events);
        return { signals: result.signals, incidents: result.incidents };
      }),
  };
}

async function* single(item: SourceItem): AsyncGenerator<SourceItem> {
  yield item;
}

function emptyRecordFor(path: string): ScanRecord {
  return {
    schema: 'kizuki.scan/1',
    source: { path },
    verdict: null,
    score: 0,
    reasons: [],
    sha256: '',
    size: 0,
    message_id: '',
    subject: '',
    from: '',
    from_name: '',
    date: '',
    recipients: 0,
    links: 0,
    attachments: 0,
    auth: { source: 'none', spf: 'none', dkim: 'none', dmarc: 'none' },
    analysis_errors: [],
  };
}
