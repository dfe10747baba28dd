// Fake time for the whole simulated group. Every wait in the world (the replicator's sleeps, a
// message in flight, a deadline, an fsync's latency) is a timer in one queue, ordered by
// (time, creation order). The scheduler alternates two moves:
//   drain   — turns of the event loop until nothing new happens, so every promise chain that can
//             run at the current instant has run;
//   advance — jump to the earliest timer and fire every timer due at that instant, in order.
// Nothing in the world reads the real clock, so a run is a pure function of its seed.
//
// Quiescence: the only macrotasks the code under test creates are CrashFs's fsync latencies
// (setImmediate), and each is preceded by a CrashFs operation, which bumps `activity` (see
// sim-disk.ts). So a turn of the loop in which `activity` did not move queued no new setImmediate,
// and every one queued before it has run: the world is quiet until the next timer.
import type { Clock } from '../../cluster/kvs/replication/ports.ts';

interface Timer {
  at: number;
  seq: number;
  fire: () => void;
  /** A cancelled timer is no instant: the clock skips it rather than stopping there. */
  cancelled: boolean;
}

/** A drain that needs more turns than this is a livelock (a loop that never waits on time). */
const drainTurnsMax = 20_000;

export class SimScheduler implements Clock {
  private time = 0;
  private seq = 0;
  private readonly heap: Timer[] = [];
  /** Bumped by anything that queues a macrotask at this instant (a CrashFs fsync, see above). */
  activity = 0;
  /** Called after every drain, with the world quiet: checkers of invariants that hold at any instant. */
  onQuiet: () => void = () => {};

  now(): number {
    return this.time;
  }

  sleep(ms: number): Promise<void> {
    return new Promise((resolve) => this.after(ms, resolve));
  }

  /**
   * Runs fire once fake time has advanced by ms (at least one advance, even for 0). The returned
   * function cancels it: a deadline that is not needed any more then costs no stop of the clock.
   */
  after(ms: number, fire: () => void): () => void {
    const delay = Number.isFinite(ms) && ms > 0 ? Math.ceil(ms) : 0;
    const timer: Timer = { at: this.time + delay, seq: this.seq++, fire, cancelled: false };
    // No activity: a timer is no macrotask, and what it leads to happens when it fires.
    this.push(timer);
    return () => {
      timer.cancelled = true;
    };
  }

  async drain(): Promise<void> {
    for (let turn = 0; ; turn++) {
      const before = this.activity;
      await new Promise<void>((resolve) => setImmediate(resolve));
      if (this.activity === before) break;
      if (turn > drainTurnsMax) throw new Error(`livelock at t=${this.time}: ${drainTurnsMax} turns of the event loop without quiet`);
    }
    this.onQuiet();
  }

  /** Drains, then fires every timer due at the next instant. False when no timer is left. */
  async advance(): Promise<boolean> {
    await this.drain();
    const first = this.next();
    if (!first) return false;
    this.time = first.at;
    while (this.heap[0] && this.heap[0].at === this.time) {
      const t = this.pop();
      if (!t.cancelled) t.fire();
    }
    return true;
  }

  /** Advances until fake time reaches `until` (timers due then have fired) and drains. */
  async runUntil(until: number): Promise<void> {
    for (let t = this.next(); t && t.at <= until; t = this.next()) await this.advance();
    this.time = Math.max(this.time, until);
    await this.drain();
  }

  async runFor(ms: number): Promise<void> {
    await this.runUntil(this.time + ms);
  }

  /** Advances until done() holds at a quiet instant, or fake time passes the deadline. */
  async runUntilTrue(done: () => boolean, forMs: number): Promise<boolean> {
    const deadline = this.time + forMs;
    for (;;) {
      await this.drain();
      if (done()) return true;
      const next = this.next();
      if (!next || next.at > deadline) {
        await this.runUntil(deadline);
        return done();
      }
      await this.advance();
    }
  }

  /** The earliest timer that will fire, cancelled ones dropped. */
  private next(): Timer | undefined {
    while (this.heap[0]?.cancelled) this.pop();
    return this.heap[0];
  }

  // ---- A binary heap on (at, seq) ----

  private less(a: Timer, b: Timer): boolean {
    return a.at < b.at || (a.at === b.at && a.seq < b.seq);
  }

  private push(t: Timer): void {
    const h = this.heap;
    h.push(t);
    for (let i = h.length - 1; i > 0; ) {
      const parent = (i - 1) >> 1;
      if (!this.less(h[i]!, h[parent]!)) break;
      [h[i], h[parent]] = [h[parent]!, h[i]!];
      i = parent;
    }
  }

  private pop(): Timer {
    const h = this.heap;
    const top = h[0]!;
    const last = h.pop()!;
    if (h.length > 0) {
      h[0] = last;
      for (let i = 0; ; ) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < h.length && this.less(h[l]!, h[m]!)) m = l;
        if (r < h.length && this.less(h[r]!, h[m]!)) m = r;
        if (m === i) break;
        [h[i], h[m]] = [h[m]!, h[i]!];
        i = m;
      }
    }
    return top;
  }
}
