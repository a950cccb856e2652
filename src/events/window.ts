// Time-bucketed counts: a sliding window of recent items and hourly history for baselines.

export const MINUTE = 60_000;
export const HOUR = 60 * MINUTE;
export const DAY = 24 * HOUR;

/** Items kept while they are younger than the window; oldest first. */
export class SlidingWindow<T> {
  private items: Array<{ at: number; value: T }> = [];
  constructor(private readonly spanMs: number) {}

  push(at: number, value: T): void {
    this.items.push({ at, value });
    this.evict(at);
  }

  evict(now: number): void {
    let drop = 0;
    while (drop < this.items.length && (this.items[drop]?.at ?? 0) <= now - this.spanMs) drop++;
    if (drop > 0) this.items.splice(0, drop);
  }

  values(): T[] {
    return this.items.map((i) => i.value);
  }

  get size(): number {
    return this.items.length;
  }
}

/** Per-hour totals over the last `days`, for "the busiest hour this account normally has". */
export class HourlyHistory {
  private hours = new Map<number, number>();
  private firstAt: number | undefined;
  private prunedAt = Number.NEGATIVE_INFINITY;
  /** busiestBefore() asked with the same limit and nothing older changed: answer from the cache */
  private cache: { limit: number; value: number } | undefined;
  constructor(private readonly days: number) {}

  add(at: number, amount: number): void {
    const hour = Math.floor(at / HOUR);
    this.hours.set(hour, (this.hours.get(hour) ?? 0) + amount);
    if (this.firstAt === undefined || at < this.firstAt) this.firstAt = at;
    if (this.cache && hour < this.cache.limit) this.cache = undefined;
    if (hour > this.prunedAt) {
      this.prunedAt = hour;
      const oldest = hour - this.days * 24;
      for (const key of this.hours.keys()) {
        if (key < oldest) {
          this.hours.delete(key);
          this.cache = undefined;
        }
      }
    }
  }

  /** The busiest hour that ended before `beforeMs`. */
  busiestBefore(beforeMs: number): number {
    const limit = Math.floor(beforeMs / HOUR);
    if (this.cache?.limit === limit) return this.cache.value;
    let max = 0;
    for (const [hour, total] of this.hours) if (hour < limit && total > max) max = total;
    this.cache = { limit, value: max };
    return max;
  }

  /** How long this history goes back from `now`, in days. */
  historyDays(now: number): number {
    return this.firstAt === undefined ? 0 : (now - this.firstAt) / DAY;
  }

  get bucketCount(): number {
    return this.hours.size;
  }
}
