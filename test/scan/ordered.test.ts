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

  it('starts the next task as soon as one finishes, while the consumer is still busy with a result', async () => {
    let started = 0;
    const results = orderedMap(numbers(10), 1, 3, async (i) => {
      started += 1;
      await sleep(1);
      return i;
    });
    const first = await results.next();
    assert.equal(first.value, 0);
    assert.ok(started <= 2, 'one task at a time (concurrency 1)');
    await sleep(60); // the consumer works on result 0 and does not ask for more
    assert.equal(started, 4, 'the next tasks ran meanwhile, one at a time, up to maxAhead results waiting');
    const rest: number[] = [];
    for await (const value of results) rest.push(value);
    assert.deepEqual(rest, [1, 2, 3, 4, 5, 6, 7, 8, 9]);
  });

  it('passes a failing source on to the consumer after the results before it', async () => {
    async function* failing() {
      yield 1;
      yield 2;
      throw new Error('unreadable folder');
    }
    const seen: number[] = [];
    await assert.rejects(async () => {
      for await (const value of orderedMap(failing(), 2, 10, async (i) => i * 2)) seen.push(value);
    }, /unreadable folder/);
    assert.deepEqual(seen, [2, 4]);
  });

  it('passes a failing task on in its place, and stops reading the source when the consumer stops', async () => {
    let pulled = 0;
    async function* counted() {
      for (let i = 0; i < 1000; i += 1) {
        pulled += 1;
        yield i;
      }
    }
    const seen: number[] = [];
    await assert.rejects(async () => {
      for await (const value of orderedMap(counted(), 2, 4, async (i) => {
        if (i === 3) throw new Error('task 3 failed');
        return i;
      })) seen.push(value);
    }, /task 3 failed/);
    assert.deepEqual(seen, [0, 1, 2]);
    await sleep(20);
    assert.ok(pulled <= 8, `the source was read no further than the window allows (${pulled} items)`);
  });
});
