// Histories that are linearizable by construction, for testing checkers. Each client runs its
// planned operations one after another; each operation takes effect at one instant inside its
// interval, on a real map of registers, in the order of those instants, and reports what it saw.
// An operation whose answer is lost gets ret null; it took effect or not, as planned.
// Every value written is unique ("c3.7" is client 3's seventh operation), so a test can mutate a
// result and know which writes could explain it.

import type { KvResult, Operation } from './linearizability.ts';

export interface PlannedOp {
  /** Index of the key: the key is `k${key}`. */
  key: number;
  kind: 'put' | 'get' | 'cput' | 'delete';
  /** cput only: expect the value present when it takes effect, absence, or an older value. */
  expect: 'current' | 'absent' | 'stale';
  /** Time from the previous answer (or give-up) to this call. */
  thinkTime: number;
  /** Time from call to the instant it takes effect. */
  toEffect: number;
  /** Time from that instant to the answer. */
  toAnswer: number;
  fate: 'answered' | 'lostAfterEffect' | 'lostBeforeEffect';
}

/** plan[c] is client c's operations, in order. */
export type Plan = PlannedOp[][];

interface Running {
  clientId: number;
  seq: number;
  planned: PlannedOp;
  call: number;
  effectAt: number;
  ret: number | null;
}

export function simulate(plan: Plan): Operation[] {
  const running: Running[] = [];
  plan.forEach((ops, clientId) => {
    let clock = 0;
    ops.forEach((planned, seq) => {
      const call = clock + planned.thinkTime;
      const effectAt = call + planned.toEffect;
      // A client whose answer is lost gives up when the answer would have come.
      clock = effectAt + planned.toAnswer;
      running.push({ clientId, seq, planned, call, effectAt, ret: planned.fate === 'answered' ? clock : null });
    });
  });
  running.sort((x, y) => x.effectAt - y.effectAt || x.clientId - y.clientId || x.seq - y.seq);

  const store = new Map<string, string>();
  const firstWritten = new Map<string, string>();
  const history = running.map((r): Operation => {
    const key = `k${r.planned.key}`;
    const value = `c${r.clientId}.${r.seq}`;
    const current = store.get(key);
    const takesEffect = r.planned.fate !== 'lostBeforeEffect';
    const base = { clientId: r.clientId, key, call: r.call, ret: r.ret };
    const answer = (result: KvResult): Operation['result'] => (r.ret === null ? undefined : result);
    switch (r.planned.kind) {
      case 'put':
        if (takesEffect) write(store, firstWritten, key, value);
        return { ...base, op: { kind: 'put', value } };
      case 'get':
        return {
          ...base,
          op: { kind: 'get' },
          result: answer(current === undefined ? { found: false } : { found: true, value: current }),
        };
      case 'cput': {
        const expected = expectedFor(r.planned.expect, current, firstWritten.get(key));
        const applies = expected === null ? current === undefined : current === expected;
        if (takesEffect && applies) write(store, firstWritten, key, value);
        return { ...base, op: { kind: 'cput', expected, value }, result: answer({ applied: applies }) };
      }
      case 'delete':
        if (takesEffect) store.delete(key);
        return { ...base, op: { kind: 'delete' }, result: answer({ existed: current !== undefined }) };
    }
  });
  return history.sort((x, y) => x.call - y.call);
}

function write(store: Map<string, string>, firstWritten: Map<string, string>, key: string, value: string): void {
  store.set(key, value);
  if (!firstWritten.has(key)) firstWritten.set(key, value);
}

function expectedFor(expect: PlannedOp['expect'], current: string | undefined, first: string | undefined): string | null {
  if (expect === 'current') return current ?? null;
  if (expect === 'absent') return null;
  return first !== undefined && first !== current ? first : 'never-there';
}

export interface PlanShape {
  clients: number;
  opsPerClient: number;
  keys: number;
  /** Upper bound of toEffect and of toAnswer. */
  latencyMax: number;
  thinkTimeMax: number;
  /** Share of operations whose answer is lost (half of them after taking effect). */
  lostRate: number;
}

/** A plan drawn from rng (see seededRandom), for histories too big for property tests. */
export function randomPlan(rng: () => number, shape: PlanShape): Plan {
  const below = (n: number): number => Math.floor(rng() * n);
  const pick = <T>(items: readonly T[]): T => items[below(items.length)]!;
  return Array.from({ length: shape.clients }, () =>
    Array.from({ length: shape.opsPerClient }, (): PlannedOp => {
      const lost = rng() < shape.lostRate;
      return {
        key: below(shape.keys),
        kind: pick(['put', 'get', 'get', 'cput', 'delete'] as const),
        expect: pick(['current', 'current', 'absent', 'stale'] as const),
        thinkTime: below(shape.thinkTimeMax + 1),
        toEffect: below(shape.latencyMax + 1),
        toAnswer: below(shape.latencyMax + 1),
        fate: !lost ? 'answered' : rng() < 0.5 ? 'lostAfterEffect' : 'lostBeforeEffect',
      };
    }),
  );
}

export { seededRandom } from '../../cluster/common/random.ts';
