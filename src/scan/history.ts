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
 * History backed by the store. Profiles of the current run stay in memory and are written in batches with
 * `flush()`; a message already judged in an earlier run does not count twice.
 */
export function storedHistory(store: ProfileStore, update: ProfileUpdater): SenderHistory & { flush(target?: Pick<ProfileStore, 'putSenderProfiles'>): Promise<void> } {
  const cache = new Map<string, SenderProfile | undefined>();
  const dirty = new Set<string>();
  const seenThisRun = new Set<string>();
  // sha256s looked up ahead by prefetch: true = stored by an earlier run
  const storedBefore = new Map<string, boolean>();
  return {
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
      if (!cache.has(address)) cache.set(address, await store.getSenderProfile(address));
      return cache.get(address);
    },
    async observe(analysis, verdict, previous) {
      if (seenThisRun.has(analysis.sha256)) return;
      const before = storedBefore.get(analysis.sha256);
      storedBefore.delete(analysis.sha256);
      if (before ?? (await store.getJudgedMessage(analysis.sha256)) !== undefined) return;
      seenThisRun.add(analysis.sha256);
      const address = analysis.from.address;
      cache.set(address, update(previous, analysis, verdict));
      dirty.add(address);
    },
    /** write the profiles changed since the last flush, through `target` (e.g. an open transaction) */
    async flush(target: Pick<ProfileStore, 'putSenderProfiles'> = store) {
      const profiles = [...dirty].map((a) => cache.get(a)).filter((p): p is SenderProfile => p !== undefined);
      dirty.clear();
      if (profiles.length) await target.putSenderProfiles(profiles);
    },
  };
}
