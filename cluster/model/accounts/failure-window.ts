// Failures in a sliding window, with time passed in. Once a key has `limit` failures younger than
// windowMs, it is blocked until the oldest of them ages out. The pure functions work on one key's
// timestamps (oldest first, at most `limit` kept) wherever they are stored — the web's login
// limit keeps them in the store (login-limit.ts); FailureWindow keeps many keys in memory (the
// mail daemon), bounded to keysMax keys, the keys touched longest ago dropped first.

/** The failures still inside the window. */
export function recentFailures(times: readonly number[], windowMs: number, nowMs: number): number[] {
  return times.filter((t) => nowMs - t < windowMs);
}

/** Milliseconds until another attempt is allowed; 0 when it is allowed now. */
export function retryAfterMs(times: readonly number[], limit: number, windowMs: number, nowMs: number): number {
  const recent = recentFailures(times, windowMs, nowMs);
  if (recent.length < limit) return 0;
  return recent[recent.length - limit]! + windowMs - nowMs;
}

/** The timestamps after one more failure at nowMs: the recent ones, at most `limit`. */
export function withFailure(times: readonly number[], limit: number, windowMs: number, nowMs: number): number[] {
  return [...recentFailures(times, windowMs, nowMs), nowMs].slice(-limit);
}

export class FailureWindow {
  private readonly failures = new Map<string, number[]>();

  constructor(
    private readonly limit: number,
    private readonly windowMs: number,
    private readonly keysMax = 10_000,
  ) {}

  /** Milliseconds until the key may try again; 0 when it may now. */
  retryAfterMs(key: string, nowMs: number): number {
    return retryAfterMs(this.recent(key, nowMs), this.limit, this.windowMs, nowMs);
  }

  recordFailure(key: string, nowMs: number): void {
    const times = withFailure(this.recent(key, nowMs), this.limit, this.windowMs, nowMs);
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
    const fresh = recentFailures(times, this.windowMs, nowMs);
    if (fresh.length === 0) this.failures.delete(key);
    else if (fresh.length !== times.length) this.failures.set(key, fresh);
    return fresh;
  }
}
