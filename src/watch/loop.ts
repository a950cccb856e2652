// The watch loop: for each provider, read what is new since its stored cursors, hand every item to the processor,
// save the item's cursor, then wait for the provider to report a change. Providers run side by side; one that fails
// is retried with backoff, and one bad message is given up after a few tries (logged) so it never stops the loop.
// `kizuki watch` runs it, and so can the service: clock, sleep and the stop signal are injected.
import type { AccountEvent } from '../model/events.js';
import type { CursorStore } from '../providers/cursors.js';
import type { FetchedItem, FetchedMessage, Provider } from '../providers/types.js';

export interface WatchHandlers {
  message(provider: Provider, message: FetchedMessage): Promise<void>;
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

  const pass = async () => {
    const cursors = new Map(await options.cursors.load(provider.name));
    for await (const item of provider.fetchNew(cursors, signal)) {
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
      // stop after the item in hand, with its cursor saved
      if (signal.aborted) return;
    }
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
