import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { orderedMap } from '../../src/scan/ordered.js';

async function* numbers(n: number) {
  for (let i = 0; i < n; i += 1) yield i;
}

describe('orderedMap', () => {
  it('yields in input order although tasks finish out of order, never exceeding the concurrency', async () => {
    let running = 0;
    let peak = 0;
    const delays = [30, 1, 12, 0, 25, 3, 7, 0, 18, 2, 9, 4];
    const seen: number[] = [];
    for await (const value of orderedMap(numbers(delays.length), 3, 100, async (i) => {
      running += 1;
      peak = Math.max(peak, running);
      await sleep(delays[i]!);
      running -= 1;
      return i * 10;
    })) {
      seen.push(value);
    }
    assert.deepEqual(seen, delays.map((_, i) => i * 10));
    assert.equal(peak, 3);
  });

  it('keeps starting tasks while a slow head runs (no head-of-line stall), up to maxAhead', async () => {
    const startedWhileHeadRuns: number[] = [];
    let headDone = false;
    const out: number[] = [];
    for await (const value of orderedMap(numbers(6), 2, 4, async (i) => {
      if (!headDone && i > 0) startedWhileHeadRuns.push(i);
      if (i === 0) {
        await sleep(40);
        headDone = true;
      }
      return i;
    })) {
      out.push(value);
    }
    assert.deepEqual(out, [0, 1, 2, 3, 4, 5]);
    assert.deepEqual(startedWhileHeadRuns, [1, 2, 3], 'three more tasks ran while the first was slow (maxAhead 4)');
  });
});
