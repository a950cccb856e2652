// The scan's speed-ups must not change a single verdict: whole-file reads, ready batches, sender history looked up
// per batch, judgements prepared on the workers. The reference here is the plainest way to judge the same files:
// read each one, analyse it on this thread, judge it with in-memory history, one after another.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { loadDetector, updateProfile } from '../../src/detect/index.js';
import { analyse } from '../../src/mail/analyse.js';
import { DEFAULT_LIMITS, defaultAnalyseOptions } from '../../src/mail/options.js';
import { memoryHistory, storedHistory } from '../../src/scan/history.js';
import { readyBatches, scanMessages } from '../../src/scan/pipeline.js';
import { createAnalysisPool } from '../../src/scan/pool.js';
import { readSources } from '../../src/scan/sources.js';
import { openStore } from '../../src/store/index.js';
import { corpusAvailable, corpusDir } from '../support/cli.js';

async function* from<T>(items: T[], delayEvery = 0) {
  for (const [i, item] of items.entries()) {
    if (delayEvery && i % delayEvery === 0) await new Promise((r) => setTimeout(r, 2));
    yield item;
  }
}

describe('readyBatches', () => {
  it('yields every item once, in order, in batches no larger than asked, waiting only for the first of each', async () => {
    const items = Array.from({ length: 500 }, (_, i) => i);
    const batches: number[][] = [];
    for await (const batch of readyBatches(from(items, 37), 64)) batches.push(batch);
    assert.deepEqual(batches.flat(), items);
    assert.ok(batches.every((b) => b.length >= 1 && b.length <= 64));
    assert.ok(batches.length < items.length, 'items that are ready together come in one batch');
  });

  it('ends cleanly on an empty source', async () => {
    const batches: number[][] = [];
    for await (const batch of readyBatches(from<number>([]), 8)) batches.push(batch);
    assert.deepEqual(batches, []);
  });
});

describe('scan fast path against a plain sequential judge', () => {
  it('gives the same verdict, score and reasons to every message of a corpus sample', async (t) => {
    if (!corpusAvailable(t)) return;
    const labels = readFileSync(join(corpusDir, 'labels.tsv'), 'utf8').split('\n').slice(1).filter(Boolean);
    // every 50th file, sorted by path: all labels and sources, a few hundred messages
    const files = labels
      .map((line) => line.split('\t')[0]!)
      .sort()
      .filter((_, i) => i % 50 === 0)
      .map((p) => join(corpusDir, p));
    const detection = { ruleDirs: [], orgDomains: ['example.co.jp'], knownContactDomains: [], allow: { senders: [], domains: [] }, block: { senders: [], domains: [] } };
    const detector = await loadDetector(detection);
    const auth = { mode: 'headers' as const, trustedHosts: ['mx.google.com'] };

    const reference = new Map<string, string>();
    const plainHistory = memoryHistory(updateProfile);
    for (const file of files) {
      const raw = readFileSync(file);
      const body = raw.subarray(0, 5).toString('latin1') === 'From ' ? raw.subarray(raw.indexOf(10) + 1) : raw;
      const analysis = await analyse(new Uint8Array(body), defaultAnalyseOptions({ auth, orgDomains: detection.orgDomains }));
      const profile = analysis.from.address ? await plainHistory.get(analysis.from.address) : undefined;
      const verdict = detector.judge(analysis, profile);
      if (analysis.from.address) await plainHistory.observe(analysis, verdict, profile);
      reference.set(file, JSON.stringify([verdict.verdict, verdict.score, verdict.reasons.map((r) => r.ruleId)]));
    }

    const dir = mkdtempSync(join(tmpdir(), 'kizuki-fastpath-'));
    const store = await openStore(join(dir, 'k.db'));
    const pool = createAnalysisPool({
      workers: 2,
      timeoutMs: 60_000,
      workerMemoryMb: 1024,
      settings: { limits: DEFAULT_LIMITS, auth: { ...auth, dns: 'system' }, orgDomains: detection.orgDomains, detection },
    });
    try {
      const history = storedHistory(store, updateProfile);
      const fast = new Map<string, string>();
      for await (const output of scanMessages(readSources(files), { pool, judge: detector, history })) {
        const v = output.verdict;
        assert.ok(v, `${output.record.source.path} was judged`);
        fast.set(output.record.source.path, JSON.stringify([v.verdict, v.score, v.reasons.map((r) => r.ruleId)]));
      }
      assert.equal(fast.size, reference.size);
      const differing = [...reference].filter(([file, expected]) => fast.get(file) !== expected).map(([file]) => file);
      assert.deepEqual(differing, [], 'messages judged differently by the fast path');
    } finally {
      await pool.close();
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
