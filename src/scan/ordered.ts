// Run an async function over a stream with bounded concurrency and yield results in input order.
// Tasks keep starting while an earlier slow one runs, up to `maxAhead` results waiting behind it.

export async function* orderedMap<T, R>(
  source: AsyncIterable<T>,
  concurrency: number,
  maxAhead: number,
  fn: (item: T) => Promise<R>,
): AsyncGenerator<R> {
  const iterator = source[Symbol.asyncIterator]();
  const started = new Map<number, Promise<R>>();
  let nextId = 0;
  let headId = 0;
  let active = 0;
  let exhausted = false;
  let wake: (() => void) | undefined;
  const anyFinished = () =>
    new Promise<void>((resolve) => {
      wake = resolve;
    });

  for (;;) {
    while (!exhausted && active < concurrency && nextId - headId < maxAhead) {
      const next = await iterator.next();
      if (next.done) {
        exhausted = true;
        break;
      }
      const id = nextId++;
      active += 1;
      const task = fn(next.value);
      started.set(id, task);
      task.then(
        () => {
          active -= 1;
          wake?.();
        },
        () => {
          active -= 1;
          wake?.();
        },
      );
    }
    const head = started.get(headId);
    if (!head) return;
    let headDone = false;
    const finishedSignal = anyFinished();
    await Promise.race([
      head.then(
        () => {
          headDone = true;
        },
        () => {
          headDone = true;
        },
      ),
      finishedSignal,
    ]);
    if (!headDone && exhausted) {
      await head.catch(() => undefined);
      headDone = true;
    }
    if (headDone) {
      started.delete(headId);
      headId += 1;
      yield await head;
    }
  }
}
