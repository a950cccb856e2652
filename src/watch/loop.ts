// The watch loop: for each provider, read what is new since its stored cursors, hand every item to the processor,
// save the item's cursor, then wait for the provider to report a change. Providers run side by side; one that fails
// is retried with backoff, and one bad message is given up after a few tries (logged) so it never stops the loop.
// `kizuki watch` runs it, and so can the service: clock, sleep and the stop signal are injected.
import type { AccountEvent } from '../model/events.js';
import type { CursorStore } from '../providers/cursors.js';
import type { FetchedItem, FetchedMessage, Provider } from '../providers/types.js';

export interface WatchHandlers {
  message(provider: Provider, message: FetchedMessage): Promise<void>;
  /** several messages at once (all or nothing); when absent, messages are handled one at a time */
  messages?(provider: Provider, messages: FetchedMessage[]): Promise<void>;
  events(provider: Provider, events: AccountEvent[]): Promise<void>;
}

export interface WatchLoopOptions {
  providers: readonly Provider[];
  cursors: CursorStore;
  handlers: WatchHandlers;
  /** stop after one pass over what is new (for cron and tests) */
  once?: boolean;
  /** aborting stops every provider after the item in hand */
  signal: AbortSignal;
  log?: (line: string) => void;
  /** waits between failed passes; default setTimeout (rejects when the signal aborts) */
  sleep?: (ms: number, signal: AbortSignal) => Promise<void>;
  /** backoff between failed passes; default 1 s doubling to 5 min */
  backoff?: { minMs: number; maxMs: number };
  /** tries of one item before it is given up (logged, cursor moved past it); default 3 */
  maxAttempts?: number;
  /** messages handed to handlers.messages at once (when it is given); default 16 */
  batchSize?: number;
}

export interface ProviderOutcome {
  provider: string;
  messages: number;
  eventBatches: number;
  /** items given up after maxAttempts */
  givenUp: number;
  /** failed passes (connection lost, server error) */
  failures: number;
  /** set when the provider stopped for good (e.g. refused login): the reason in plain words */
  stoppedBy?: string;
}

function defaultSleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(signal.reason);
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal.reason);
    };
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

/** An error a provider marks as not worth retrying (wrong password, missing folder): `retryable === false`. */
function isPermanent(error: unknown): boolean {
  const e = error as { retryable?: unknown; described?: { retryable?: unknown } } | undefined;
  return e?.retryable === false || e?.described?.retryable === false;
}

function itemKey(item: FetchedItem): string {
  if (item.type === 'message') return `m:${item.message.providerId}:${item.message.location ?? ''}`;
  if (item.type === 'events') return `e:${item.cursor?.scope ?? ''}:${item.cursor?.value ?? item.events[0]?.id ?? ''}`;
  return `c:${item.cursor.scope}:${item.cursor.value}`;
}

export async function runWatchLoop(options: WatchLoopOptions): Promise<ProviderOutcome[]> {
  return Promise.all(options.providers.map((provider) => watchOne(provider, options)));
}

async function watchOne(provider: Provider, options: WatchLoopOptions): Promise<ProviderOutcome> {
  const { signal } = options;
  const log = options.log ?? (() => {});
  const sleep = options.sleep ?? defaultSleep;
  const backoff = options.backoff ?? { minMs: 1000, maxMs: 300_000 };
  const maxAttempts = options.maxAttempts ?? 3;
  const outcome: ProviderOutcome = { provider: provider.name, messages: 0, eventBatches: 0, givenUp: 0, failures: 0 };
  const attempts = new Map<string, number>();
  let delay = backoff.minMs;

  /** One item, with up to maxAttempts tries before it is given up; its cursor is saved afterwards. */
  const handleOne = async (item: FetchedItem, cursors: Map<string, string>) => {
    try {
      if (item.type === 'message') await options.handlers.message(provider, item.message);
      else if (item.type === 'events' && item.events.length) await options.handlers.events(provider, item.events);
    } catch (error) {
      const key = itemKey(item);
      const tries = (attempts.get(key) ?? 0) + 1;
      attempts.set(key, tries);
      if (tries < maxAttempts) throw error;
      attempts.delete(key);
      outcome.givenUp++;
      const what = item.type === 'message' ? `message ${item.message.location ?? ''} ${item.message.providerId}` : 'events';
      log(`${provider.name}: gave up on ${what} after ${tries} tries: ${(error as Error).message}`);
    }
    if (item.type === 'message') outcome.messages++;
    else if (item.type === 'events') outcome.eventBatches++;
    if (item.cursor) {
      await options.cursors.save(provider.name, item.cursor.scope, item.cursor.value);
      cursors.set(item.cursor.scope, item.cursor.value);
    }
    attempts.delete(itemKey(item));
  };

  const batchSize = options.handlers.messages ? Math.max(1, options.batchSize ?? 16) : 1;

  /** Messages in hand, handled together; if the batch fails, one by one, so a bad message is found and given up alone. */
  const flush = async (pending: Array<FetchedItem & { type: 'message' }>, cursors: Map<string, string>) => {
    if (pending.length === 0) return;
    const batch = pending.splice(0);
    const handleBatch = options.handlers.messages;
    if (batch.length === 1 || !handleBatch) {
      for (const item of batch) await handleOne(item, cursors);
      return;
    }
    try {
      await handleBatch(
        provider,
        batch.map((item) => item.message),
      );
    } catch (error) {
      log(`${provider.name}: a batch of ${batch.length} messages failed (${(error as Error).message}); taking them one by one`);
      for (const item of batch) await handleOne(item, cursors);
      return;
    }
    outcome.messages += batch.length;
    const last = new Map<string, string>();
    for (const item of batch) {
      attempts.delete(itemKey(item));
      if (item.cursor) last.set(item.cursor.scope, item.cursor.value);
    }
    for (const [scope, value] of last) {
      await options.cursors.save(provider.name, scope, value);
      cursors.set(scope, value);
    }
  };

  const pass = async () => {
    const cursors = new Map(await options.cursors.load(provider.name));
    const pending: Array<FetchedItem & { type: 'message' }> = [];
    for await (const item of provider.fetchNew(cursors, signal)) {
      if (item.type === 'message') {
        pending.push(item);
        if (pending.length >= batchSize) await flush(pending, cursors);
      } else {
        await flush(pending, cursors);
        await handleOne(item, cursors);
      }
      // stop after the messages in hand, with their cursors saved
      if (signal.aborted) break;
    }
    await flush(pending, cursors);
  };

  let failedPasses = 0;
  while (!signal.aborted) {
    let ok = false;
    try {
      await pass();
      ok = true;
      delay = backoff.minMs;
      failedPasses = 0;
    } catch (error) {
      if (signal.aborted) break;
      outcome.failures++;
      failedPasses++;
      const message = (error as Error).message;
      if (isPermanent(error)) {
        outcome.stoppedBy = message;
        log(`${provider.name}: stopped: ${message}`);
        break;
      }
      if (options.once && failedPasses >= maxAttempts) {
        outcome.stoppedBy = message;
        log(`${provider.name}: stopped after ${failedPasses} failed tries: ${message}`);
        break;
      }
      log(`${provider.name}: ${message}; trying again in ${Math.round(delay / 1000)} s`);
      try {
        await sleep(delay, signal);
      } catch {
        break;
      }
      delay = Math.min(delay * 2, backoff.maxMs);
    }
    if (!ok) continue;
    if (options.once || signal.aborted) break;
    try {
      await provider.waitForChange(signal);
    } catch (error) {
      if (signal.aborted) break;
      outcome.failures++;
      if (isPermanent(error)) {
        outcome.stoppedBy = (error as Error).message;
        log(`${provider.name}: stopped: ${(error as Error).message}`);
        break;
      }
      log(`${provider.name}: waiting for new mail failed: ${(error as Error).message}`);
      try {
        await sleep(delay, signal);
      } catch {
        break;
      }
      delay = Math.min(delay * 2, backoff.maxMs);
    }
  }
  return outcome;
}
