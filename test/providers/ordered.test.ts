// inOrder: parallel work, results in the items' order, at most `limit` at once, failures thrown in turn.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { inOrder } from '../../src/providers/ordered.js';

function deferred<T>() {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

test('results come in the items order although later items finish first, with at most `limit` running', async () => {
  const gates = [0, 1, 2, 3, 4].map(() => deferred<number>());
  let running = 0;
  let most = 0;
  const iterator = inOrder([0, 1, 2, 3, 4], 2, async (i) => {
    running++;
    most = Math.max(most, running);
    const value = (await gates[i]?.promise) ?? -1;
    running--;
    return value;
  })[Symbol.asyncIterator]();
  const first = iterator.next();
  gates[1]?.resolve(10);
  gates[0]?.resolve(0);
  assert.deepEqual(await first, { value: 0, done: false });
  for (const i of [4, 3, 2]) gates[i]?.resolve(i * 10);
  const rest: number[] = [];
  for (let r = await iterator.next(); !r.done; r = await iterator.next()) rest.push(r.value);
  assert.deepEqual(rest, [10, 20, 30, 40]);
  assert.equal(most, 2);
});

test('a failure is thrown when its turn comes; a later failure while waiting is not left unhandled', async () => {
  const seen: number[] = [];
  const out = (async () => {
    for await (const v of inOrder([1, 2, 3], 3, async (i) => {
      if (i === 3) throw new Error('third failed first');
      await new Promise((resolve) => setTimeout(resolve, 20));
      if (i === 2) throw new Error('second failed');
      return i;
    })) seen.push(v);
  })();
  await assert.rejects(out, /second failed/);
  assert.deepEqual(seen, [1]);
});
