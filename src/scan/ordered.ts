// Run an async function over a stream with bounded concurrency and yield results in input order.
// Tasks keep starting while an earlier slow one runs, up to `maxAhead` results waiting behind it.
//
// Starting is eager: a finished task makes room for the next one at once, whether or not the consumer is asking for
// results just then. A lazy generator only started tasks when pulled, so while the consumer worked through results
// (judging, storing) the analysis workers sat idle: about a third of their time in a warm scan daemon.

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
  let stopped = false;
  let pumping = false;
  let sourceFailure: { error: unknown } | undefined;
  let wake: (() => void) | undefined;
  const notify = () => {
    const resolve = wake;
    wake = undefined;
    resolve?.();
  };
  const settled = () => {
    active -= 1;
    notify();
    void pump();
  };

  // One pump at a time: it re-checks the room after every await, so a task finishing meanwhile is seen.
  async function pump(): Promise<void> {
    if (pumping) return;
    pumping = true;
    try {
      while (!stopped && !exhausted && active < concurrency && nextId - headId < maxAhead) {
        let next: IteratorResult<T>;
        try {
          next = await iterator.next();
        } catch (error) {
          sourceFailure = { error };
          exhausted = true;
          break;
        }
        if (next.done || stopped) {
          exhausted = true;
          break;
        }
        const id = nextId++;
        active += 1;
        let task: Promise<R>;
        try {
          task = fn(next.value);
        } catch (error) {
          task = Promise.reject(error);
        }
        started.set(id, task);
        task.then(settled, settled);
        notify();
      }
    } finally {
      pumping = false;
      notify();
    }
  }

  try {
    void pump();
    for (;;) {
      const head = started.get(headId);
      if (!head) {
        if (exhausted && !pumping) {
          if (sourceFailure) throw sourceFailure.error;
          return;
        }
        await new Promise<void>((resolve) => {
          wake = resolve;
        });
        continue;
      }
      let value: R;
      try {
        value = await head;
      } finally {
        started.delete(headId);
        headId += 1;
        void pump();
      }
      yield value;
    }
  } finally {
    stopped = true;
    if (!exhausted) await iterator.return?.();
  }
}
