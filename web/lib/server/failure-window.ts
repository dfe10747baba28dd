// Counts failures per key (a user, a client address) in a sliding window, with time passed in.
// Once a key has `limit` failures younger than windowMs, it is blocked until the oldest of them
// ages out. Memory is bounded: at most `limit` timestamps per key and keysMax keys, the keys
// touched longest ago dropped first.
export class FailureWindow {
  private readonly failures = new Map<string, number[]>();

  constructor(
    private readonly limit: number,
    private readonly windowMs: number,
    private readonly keysMax = 10_000,
  ) {}

  /** Milliseconds until the key may try again; 0 when it may now. */
  retryAfterMs(key: string, nowMs: number): number {
    const times = this.recent(key, nowMs);
    if (times.length < this.limit) return 0;
    return times[times.length - this.limit]! + this.windowMs - nowMs;
  }

  recordFailure(key: string, nowMs: number): void {
    const times = this.recent(key, nowMs);
    times.push(nowMs);
    if (times.length > this.limit) times.splice(0, times.length - this.limit);
    // Re-inserting moves the key to the end: the Map's order is least recently touched first.
    this.failures.delete(key);
    this.failures.set(key, times);
    while (this.failures.size > this.keysMax) {
      const oldest = this.failures.keys().next().value as string;
      this.failures.delete(oldest);
    }
  }

  get size(): number {
    return this.failures.size;
  }

  private recent(key: string, nowMs: number): number[] {
    const times = this.failures.get(key);
    if (!times) return [];
    const fresh = times.filter((t) => nowMs - t < this.windowMs);
    if (fresh.length === 0) this.failures.delete(key);
    else if (fresh.length !== times.length) this.failures.set(key, fresh);
    return fresh;
  }
}
