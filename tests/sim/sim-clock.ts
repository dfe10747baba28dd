// Time as one simulated process sees it, on top of the world's fake time (sim-scheduler.ts):
//
// - drift: the machine's clock runs at `rate` (0.97 runs 3 % slow); now() and every wait are in
//   local ms, so a 1500 ms lease on a slow clock lasts 1546 ms of world time. The rate is fixed
//   for a run: a clock whose rate changes mid-run would only need a re-anchored origin.
// - origin: a process's monotonic clock (performance.now) starts near 0 when the process starts,
//   so each incarnation gets its own seeded origin; nothing may compare times across processes.
// - stall (SIGSTOP): while stalled, nothing of the process runs — its timers, the messages and
//   calls delivered to it, the replies and disk completions it awaits all wait, and run in order
//   when it resumes. Its clock keeps going, as a stopped process's would.
// - death: after kill() none of it ever runs again (the process is gone; see the network's
//   incarnation check for what it had in flight).
import type { Clock } from '../../cluster/kvs/replication/ports.ts';
import type { SimScheduler } from './sim-scheduler.ts';

export class ProcessClock implements Clock {
  private readonly startedAt: number;
  private stalledUntil = 0;
  private dead = false;

  constructor(
    private readonly sched: SimScheduler,
    readonly rate: number,
    /** Local ms at the process's start. */
    private readonly origin: number,
  ) {
    this.startedAt = sched.now();
  }

  now(): number {
    return this.origin + Math.floor((this.sched.now() - this.startedAt) * this.rate);
  }

  /** World ms that `localMs` of this clock take. */
  toWorld(localMs: number): number {
    return Math.ceil(Math.max(0, localMs) / this.rate);
  }

  get stalled(): boolean {
    return this.sched.now() < this.stalledUntil;
  }

  /** Runs fn after localMs of this clock, once the process runs; never if it died. */
  after(localMs: number, fn: () => void): void {
    this.sched.after(this.toWorld(localMs), () => this.run(fn));
  }

  sleep(localMs: number): Promise<void> {
    return new Promise((resolve) => this.after(localMs, resolve));
  }

  every(localMs: number, fn: () => void): () => void {
    let cancelled = false;
    const loop = () => {
      if (cancelled) return;
      fn();
      this.after(localMs, loop);
    };
    this.after(localMs, loop);
    return () => {
      cancelled = true;
    };
  }

  /** Runs fn now, or when a stall ends; never once the process died. */
  run(fn: () => void): void {
    if (this.dead) return;
    if (this.stalled) this.sched.after(this.stalledUntil - this.sched.now(), () => this.run(fn));
    else fn();
  }

  /** A handler run by this process: its result, once it could run. */
  serve<T>(fn: () => Promise<T>): Promise<T> {
    return new Promise<T>((resolve, reject) =>
      this.run(() => {
        try {
          fn().then(resolve, reject);
        } catch (err) {
          reject(err);
        }
      }),
    );
  }

  /** p as this process's code sees it: settled only while it runs. */
  gate<T>(p: Promise<T>): Promise<T> {
    return new Promise<T>((resolve, reject) =>
      p.then(
        (v) => this.run(() => resolve(v)),
        (err: unknown) => this.run(() => reject(err)),
      ),
    );
  }

  stall(worldMs: number): void {
    this.stalledUntil = Math.max(this.stalledUntil, this.sched.now() + worldMs);
  }

  kill(): void {
    this.dead = true;
  }
}
