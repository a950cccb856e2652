// Runs `work` on up to `limit` items at once and yields the results in the items' order: the cloud providers fetch
// several raw messages in parallel (each is one HTTP round trip) while the caller still sees them oldest first and
// saves cursors in order. A failure is thrown when its turn comes, never as an unhandled rejection.

type Settled<R> = { ok: true; value: R } | { ok: false; error: unknown };

export async function* inOrder<T, R>(items: readonly T[], limit: number, work: (item: T) => Promise<R>): AsyncIterable<R> {
  const pending: Array<Promise<Settled<R>>> = [];
  let next = 0;
  const start = () => {
    const item = items[next++] as T;
    pending.push(work(item).then((value): Settled<R> => ({ ok: true, value }), (error: unknown): Settled<R> => ({ ok: false, error })));
  };
  while (next < items.length && pending.length < Math.max(1, limit)) start();
  while (pending.length > 0) {
    const settled = await (pending.shift() as Promise<Settled<R>>);
    if (next < items.length) start();
    if (!settled.ok) throw settled.error;
    yield settled.value;
  }
}
