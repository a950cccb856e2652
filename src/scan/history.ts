// Sender history for the scan pipeline: in memory, or kept in the store so it survives between runs.
import type { Analysis } from '../model/analysis.js';
import type { SenderProfile, Verdict } from '../model/verdict.js';
import type { SenderHistory } from './pipeline.js';

export type ProfileUpdater = (previous: SenderProfile | undefined, analysis: Analysis, verdict: Verdict) => SenderProfile;

export function memoryHistory(update: ProfileUpdater): SenderHistory & { profiles: Map<string, SenderProfile> } {
  const profiles = new Map<string, SenderProfile>();
  return {
    profiles,
    async get(address) {
      return profiles.get(address);
    },
    async observe(analysis, verdict, previous) {
      profiles.set(analysis.from.address, update(previous, analysis, verdict));
    },
  };
}

export interface ProfileStore {
  getSenderProfile(address: string): Promise<SenderProfile | undefined>;
  getSenderProfiles(addresses: readonly string[]): Promise<Map<string, SenderProfile>>;
  knownMessages(sha256s: readonly string[]): Promise<Set<string>>;
  putSenderProfiles(profiles: SenderProfile[]): Promise<unknown>;
  /** a message with this sha256 judged and stored before: its history is already counted */
  getJudgedMessage(sha256: string): Promise<unknown>;
}

/**
 * Sender profiles a stored history keeps in memory between writes. Profiles of the run are written to the store at
 * every flush (every 200 messages or 250 ms in `kizuki scan`, every batch in `kizuki watch`); after a flush the
 * least recently used beyond this many are dropped and read again from the store when their sender writes again.
 * A profile is well under 1 KiB, so this holds memory to a few MiB however long a scan or a watch runs.
 */
export const PROFILE_CACHE_SIZE = 5_000;

/**
 * History backed by the store. Profiles of the current run stay in memory (at most `cacheSize` after each flush) and
 * are written in batches with `flush()`; a message already judged in an earlier run does not count twice. `flush`
 * must be followed, in the same transaction, by storing the judged messages observed since the last one (as
 * `kizuki scan` and `kizuki watch` do): from then on the store, not memory, tells that they were counted.
 */
export function storedHistory(
  store: ProfileStore,
  update: ProfileUpdater,
  cacheSize = PROFILE_CACHE_SIZE,
): SenderHistory & { flush(target?: Pick<ProfileStore, 'putSenderProfiles'>): Promise<void>; readonly cached: number; readonly pendingMessages: number } {
  // insertion order is recency order: a profile used again is moved to the end
  const cache = new Map<string, SenderProfile | undefined>();
  const remember = (address: string, profile: SenderProfile | undefined) => {
    cache.delete(address);
    cache.set(address, profile);
  };
  const dirty = new Set<string>();
  // messages counted since the last flush (the store knows those counted before it)
  const seenThisRun = new Set<string>();
  // sha256s looked up ahead by prefetch: true = stored by an earlier run
  const storedBefore = new Map<string, boolean>();
  return {
    get cached() {
      return cache.size;
    },
    get pendingMessages() {
      return seenThisRun.size;
    },
    async prefetch(items) {
      const addresses = [...new Set(items.map((i) => i.address).filter((a) => a && !cache.has(a)))];
      if (addresses.length) {
        const found = await store.getSenderProfiles(addresses);
        for (const address of addresses) cache.set(address, found.get(address));
      }
      const hashes = items.map((i) => i.sha256).filter((h) => !storedBefore.has(h) && !seenThisRun.has(h));
      if (hashes.length) {
        const known = await store.knownMessages(hashes);
        for (const h of hashes) storedBefore.set(h, known.has(h));
      }
    },
    async get(address) {
      if (cache.has(address)) {
        const profile = cache.get(address);
        remember(address, profile);
        return profile;
      }
      const profile = await store.getSenderProfile(address);
      cache.set(address, profile);
      return profile;
    },
    async observe(analysis, verdict, previous) {
      if (seenThisRun.has(analysis.sha256)) return;
      const before = storedBefore.get(analysis.sha256);
      storedBefore.delete(analysis.sha256);
      if (before ?? (await store.getJudgedMessage(analysis.sha256)) !== undefined) return;
      seenThisRun.add(analysis.sha256);
      const address = analysis.from.address;
      remember(address, update(previous, analysis, verdict));
      dirty.add(address);
    },
    /** write the profiles changed since the last flush, through `target` (e.g. an open transaction) */
    async flush(target: Pick<ProfileStore, 'putSenderProfiles'> = store) {
      const profiles = [...dirty].map((a) => cache.get(a)).filter((p): p is SenderProfile => p !== undefined);
      dirty.clear();
      seenThisRun.clear();
      if (profiles.length) await target.putSenderProfiles(profiles);
      // every profile is now in the store: drop the least recently used beyond the bound
      for (const address of cache.keys()) {
        if (cache.size <= cacheSize) break;
        cache.delete(address);
      }
    },
  };
}
