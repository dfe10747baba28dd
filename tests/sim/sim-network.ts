// The simulated network: unary calls between endpoints (the three nodes, the coordinator, the
// clients), each way after a seeded delay, each way possibly dropped, each way cut by a
// partition (links are one-way, so a partition may be asymmetric). A caller whose request or
// reply is lost gets PennError('unavailable') at its deadline, as gRPC's deadline would; a call to
// a process that is down is refused at once (connection refused). A reply to a process that died
// meanwhile goes nowhere, and a process that died while handling a call never answers it.
import { PennError, isPennError } from '../../cluster/common/errors.ts';
import type { SimScheduler } from './sim-scheduler.ts';
import type { Trace } from './sim-trace.ts';

export interface Conditions {
  /** Probability that one message (request or reply) is lost. */
  dropRate: number;
  /** Probability that one message takes a slow path (tens of ms to over a second). */
  slowRate: number;
  /** Messages from or to this endpoint take the slow path half the time. */
  slowEndpoint?: string;
}

export const calm: Conditions = { dropRate: 0, slowRate: 0 };

/** The current incarnation of a process, or null while it is down. */
export type Liveness = (endpoint: string) => number | null;

export class SimNetwork {
  private readonly cuts = new Set<string>();
  conditions: Conditions = calm;
  /** For scripted scenarios: hold back or lose chosen messages (kind is e.g. 'append' or 'append-reply'). */
  rule: ((m: { kind: string; from: string; to: string }) => { delayMs?: number; drop?: boolean } | undefined) | null = null;
  /** Calls delivered, by kind and destination ("append>g0r1"), for tests that look at traffic. */
  readonly delivered = new Map<string, number>();

  constructor(
    private readonly clock: SimScheduler,
    private readonly random: () => number,
    private readonly trace: Trace,
    private readonly incarnation: Liveness,
    /** A handler threw something other than a PennError: an assertion or a bug, never an operating error. */
    private readonly onBug: (what: string) => void,
  ) {}

  // ---- Partitions ----

  cut(from: string, to: string, bothWays = true): void {
    this.cuts.add(`${from}>${to}`);
    if (bothWays) this.cuts.add(`${to}>${from}`);
    this.trace.add(`net cut ${from}${bothWays ? '<>' : '>'}${to}`);
  }

  /** Cuts every link between a and each of others, both ways. */
  isolate(a: string, others: readonly string[]): void {
    for (const b of others) if (b !== a) this.cut(a, b);
  }

  healAll(): void {
    if (this.cuts.size > 0) this.trace.add('net healed');
    this.cuts.clear();
  }

  heal(from: string, to: string): void {
    this.cuts.delete(`${from}>${to}`);
    this.cuts.delete(`${to}>${from}`);
    this.trace.add(`net heal ${from}<>${to}`);
  }

  linkUp(from: string, to: string): boolean {
    return !this.cuts.has(`${from}>${to}`);
  }

  get partitioned(): boolean {
    return this.cuts.size > 0;
  }

  // ---- Calls ----

  /**
   * Calls handler on `to` as process `from` (incarnation fromInc). The handler runs at delivery
   * and must find the callee's current state there (it is a closure, not a bound object).
   */
  call<T>(from: string, fromInc: number, to: string, kind: string, timeoutMs: number, handler: () => Promise<T>): Promise<T> {
    // A process that is gone sends nothing; its code just never hears back.
    if (this.incarnation(from) !== fromInc) return new Promise<T>(() => {});
    return new Promise<T>((resolve, reject) => {
      let settled = false;
      let cancelDeadline = () => {};
      const settle = (fn: () => void) => {
        if (settled) return;
        settled = true;
        cancelDeadline();
        fn();
      };
      cancelDeadline = this.clock.after(timeoutMs, () => settle(() => reject(new PennError('unavailable', `${kind} to ${to}: deadline of ${timeoutMs} ms exceeded`))));
      const answer = (outcome: { ok: true; value: T } | { ok: false; err: PennError }) =>
        this.send(to, from, `${kind}-reply`, () => {
          if (this.incarnation(from) !== fromInc) return;
          settle(() => (outcome.ok ? resolve(outcome.value) : reject(outcome.err)));
        });
      this.send(from, to, kind, () => {
        const toInc = this.incarnation(to);
        if (toInc === null) {
          answer({ ok: false, err: new PennError('unavailable', `${to}: connection refused`) });
          return;
        }
        const key = `${kind}>${to}`;
        this.delivered.set(key, (this.delivered.get(key) ?? 0) + 1);
        let result: Promise<T>;
        try {
          result = handler();
        } catch (err) {
          result = Promise.reject(err);
        }
        result.then(
          (value) => {
            if (this.incarnation(to) === toInc) answer({ ok: true, value });
          },
          (err: unknown) => {
            if (!isPennError(err)) this.onBug(`${kind} on ${to} threw ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
            if (this.incarnation(to) === toInc) answer({ ok: false, err: asWireError(err) });
          },
        );
      });
    });
  }

  /**
   * A one-way message from `from` (incarnation fromInc), as a Raft message is: the real transport
   * ignores the empty reply. deliver runs at arrival, only if `to` is up then.
   */
  post(from: string, fromInc: number, to: string, kind: string, deliver: () => void): void {
    if (this.incarnation(from) !== fromInc) return;
    this.send(from, to, kind, () => {
      if (this.incarnation(to) === null) return;
      const key = `${kind}>${to}`;
      this.delivered.set(key, (this.delivered.get(key) ?? 0) + 1);
      try {
        deliver();
      } catch (err) {
        this.onBug(`${kind} on ${to} threw ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
      }
    });
  }

  /** One message: lost (cut or dropped) or delivered after a delay, if the link is still up then. */
  private send(from: string, to: string, kind: string, deliver: () => void): void {
    if (!this.linkUp(from, to)) {
      this.trace.add(`lost ${kind} ${from}>${to} (cut)`);
      return;
    }
    const forced = this.rule?.({ kind, from, to });
    if (forced?.drop || (!forced && this.random() < this.conditions.dropRate)) {
      this.trace.add(`drop ${kind} ${from}>${to}`);
      return;
    }
    const delay = forced?.delayMs ?? this.delay(from, to);
    this.trace.add(`send ${kind} ${from}>${to} +${delay}`);
    this.clock.after(delay, () => {
      if (!this.linkUp(from, to)) {
        this.trace.add(`lost ${kind} ${from}>${to} (cut in flight)`);
        return;
      }
      deliver();
    });
  }

  private delay(from: string, to: string): number {
    const { slowRate, slowEndpoint } = this.conditions;
    const rate = slowEndpoint !== undefined && (from === slowEndpoint || to === slowEndpoint) ? Math.max(slowRate, 0.5) : slowRate;
    if (this.random() < rate) return 20 + Math.floor(this.random() * 1200);
    return 1 + Math.floor(this.random() * 8);
  }
}

/** What crosses the wire: the code and message of a PennError; anything else becomes 'internal'. */
function asWireError(err: unknown): PennError {
  if (isPennError(err)) return new PennError(err.code, err.message);
  return new PennError('internal', err instanceof Error ? err.message : String(err));
}
