// Events per key in a sliding window of fixed buckets, with time passed in: the mail daemon's
// limits on messages per sender and per user. Memory is bounded whatever the limit: each key
// keeps `buckets` counts (not one timestamp per event), and at most keysMax keys are kept, the
// ones touched longest ago dropped first. The window slides a bucket at a time, so a key may
// get up to one bucket's worth more than the limit at a boundary; the limits are coarse on
// purpose.

export class RateWindow {
  /** Per key: the counts of the last `buckets` buckets, and the bucket number of the last one. */
  private readonly keys = new Map<string, { counts: number[]; last: number }>();
  private readonly bucketMs: number;

  constructor(
    private readonly limit: number,
    windowMs: number,
    private readonly buckets = 12,
    private readonly keysMax = 10_000,
  ) {
    this.bucketMs = Math.max(1, Math.ceil(windowMs / buckets));
  }

  /** Events of the key within the window ending at nowMs. */
  count(key: string, nowMs: number): number {
    const entry = this.advance(key, nowMs);
    return entry ? entry.counts.reduce((a, b) => a + b, 0) : 0;
  }

  /** Whether one more event is within the limit now. */
  allows(key: string, nowMs: number): boolean {
    return this.count(key, nowMs) < this.limit;
  }

  record(key: string, nowMs: number, events = 1): void {
    const entry = this.advance(key, nowMs) ?? { counts: new Array<number>(this.buckets).fill(0), last: Math.floor(nowMs / this.bucketMs) };
    entry.counts[entry.counts.length - 1]! += events;
    // Re-inserting moves the key to the end: the Map's order is least recently touched first.
    this.keys.delete(key);
    this.keys.set(key, entry);
    while (this.keys.size > this.keysMax) this.keys.delete(this.keys.keys().next().value as string);
  }

  get size(): number {
    return this.keys.size;
  }

  /** The key's counts moved forward to the bucket of nowMs; undefined (and forgotten) when all are zero. */
  private advance(key: string, nowMs: number): { counts: number[]; last: number } | undefined {
    const entry = this.keys.get(key);
    if (!entry) return undefined;
    const bucket = Math.floor(nowMs / this.bucketMs);
    const shift = Math.min(this.buckets, Math.max(0, bucket - entry.last));
    if (shift > 0) {
      entry.counts.splice(0, shift);
      for (let i = 0; i < shift; i++) entry.counts.push(0);
      entry.last = bucket;
    }
    if (entry.counts.every((c) => c === 0)) {
      this.keys.delete(key);
      return undefined;
    }
    return entry;
  }
}
