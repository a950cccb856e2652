import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Analysis } from '../../src/model/analysis.js';
import type { SenderProfile, Verdict } from '../../src/model/verdict.js';
import { type ProfileStore, type ProfileUpdater, storedHistory } from '../../src/scan/history.js';

/** A store in memory: profiles, and the judged messages a scan writes in the same transaction as a flush. */
function memoryStore() {
  const profiles = new Map<string, SenderProfile>();
  const judged = new Set<string>();
  let profileReads = 0;
  const store: ProfileStore = {
    async getSenderProfile(address) {
      profileReads += 1;
      return profiles.get(address);
    },
    async getSenderProfiles(addresses) {
      profileReads += addresses.length;
      return new Map(addresses.flatMap((a) => (profiles.has(a) ? [[a, profiles.get(a)!] as const] : [])));
    },
    async knownMessages(sha256s) {
      return new Set(sha256s.filter((h) => judged.has(h)));
    },
    async putSenderProfiles(list) {
      for (const p of list) profiles.set(p.address, structuredClone(p));
    },
    async getJudgedMessage(sha256) {
      return judged.has(sha256) ? { sha256 } : undefined;
    },
  };
  return { store, profiles, judged, reads: () => profileReads };
}

const count: ProfileUpdater = (previous, analysis) => ({
  address: analysis.from.address,
  firstSeen: previous?.firstSeen ?? '2024-01-01T00:00:00Z',
  lastSeen: '2024-01-01T00:00:00Z',
  messageCount: (previous?.messageCount ?? 0) + 1,
  withAttachments: 0,
  attachmentTypes: {},
  linkDomains: {},
  languages: {},
  flagged: 0,
});

const message = (address: string, sha256: string) => ({ from: { address }, sha256 }) as unknown as Analysis;
const verdict = {} as Verdict;

describe('stored sender history', () => {
  it('keeps at most its bound of profiles after each flush, and a dropped profile goes on from the store', async () => {
    const { store, profiles, judged, reads } = memoryStore();
    const history = storedHistory(store, count, 10);
    let n = 0;
    // 3 rounds over 40 senders, flushing every 7 messages as a scan flushes every 200
    const pending: string[] = [];
    for (let round = 0; round < 3; round++) {
      for (let s = 0; s < 40; s++) {
        const address = `s${s}@example.com`;
        const sha = `m${n++}`;
        const previous = await history.get(address);
        await history.observe(message(address, sha), verdict, previous);
        pending.push(sha);
        if (pending.length === 7) {
          await history.flush();
          for (const h of pending.splice(0)) judged.add(h);
          assert.ok(history.cached <= 10, `after a flush the cache holds ${history.cached} profiles (bound 10)`);
          assert.equal(history.pendingMessages, 0, 'after a flush the store, not memory, knows what was counted');
        }
      }
    }
    await history.flush();
    assert.ok(history.cached <= 10);
    // every sender was counted once per round although most were dropped from memory in between
    for (let s = 0; s < 40; s++) assert.equal(profiles.get(`s${s}@example.com`)?.messageCount, 3, `s${s}`);
    assert.ok(reads() >= 40 * 2, 'dropped profiles were read back from the store');
  });

  it('counts a message once when it comes again after a flush', async () => {
    const { store, profiles, judged } = memoryStore();
    const history = storedHistory(store, count, 10);
    await history.observe(message('a@example.com', 'same'), verdict, await history.get('a@example.com'));
    await history.flush();
    judged.add('same');
    await history.prefetch?.([{ address: 'a@example.com', sha256: 'same' }]);
    await history.observe(message('a@example.com', 'same'), verdict, await history.get('a@example.com'));
    // and without a prefetch: the store is asked
    await history.observe(message('a@example.com', 'same'), verdict, await history.get('a@example.com'));
    await history.flush();
    assert.equal(profiles.get('a@example.com')?.messageCount, 1);
  });
});
