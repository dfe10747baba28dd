// Necessary conditions checked on one key before its search, in O(n log n). The search would
// reach the same verdict, but only after ruling out every order of the operations before the
// culprit, which on a hot key is exponential; these catch the usual anomalies at once and name
// the operations that prove them. Each is sound: a finding means no linearization exists.
//
// A read of v (a get that saw v, a cput that applied on v) needs a last write of v before it.
// Take w, the write of v called by the read's return that returned last (an op with no answer
// "returns" at infinity; absence is written at -infinity by the empty start). If w does not
// exist, or some answered op z that surely leaves another state (a put or applied cput of
// another value, a delete that existed when v is present) was called after w returned and took
// effect before the read was called, z sits between every eligible write and the read. z took
// effect by its return, or by the return of a read of its value if z is that value's only
// writer: this catches a get that sees a new value followed by one that sees an old one.
// Separately, a cput that applied on v moves the key off v, so applied cputs on v can be at most
// the writes of v (plus one for absence at the start).

import { ABSENT, type SearchOp } from './linearizability-search.ts';

export const initialAbsence = -1;

export type Impossible =
  | { kind: 'unwritten'; reader: number }
  | { kind: 'future'; reader: number; firstWriter: number }
  /** writer is initialAbsence when the read saw absence and no delete could explain it. */
  /** witness: an answered read of overwriter's value that returned before reader was called, or -1. */
  | { kind: 'overwritten'; reader: number; writer: number; overwriter: number; witness: number }
  | { kind: 'overused'; swaps: number[]; writers: number[] };

interface Timed {
  op: number;
  call: number;
  ret: number;
}

export function findImpossible(ops: readonly SearchOp[], stateCount: number): Impossible | null {
  const writers = Array.from({ length: stateCount }, (): Timed[] => []);
  writers[ABSENT]!.push({ op: initialAbsence, call: -Infinity, ret: -Infinity });
  ops.forEach((o, op) => {
    const w = o.effect === 'remove' ? ABSENT : o.effect === 'read' || o.effect === 'notSwap' ? -1 : o.w;
    if (w >= 0) writers[w]!.push({ op, call: o.call, ret: o.ret });
  });
  const overused = findOverused(ops, writers);
  if (overused !== null) return overused;

  const latestWriter = writers.map(prefixLatest);
  const overwriters = new Overwriters(ops, visibleBy(ops, writers));
  for (const [reader, o] of ops.entries()) {
    if (o.ret === Infinity || (o.effect !== 'read' && o.effect !== 'swap')) continue;
    const candidates = writers[o.a]!;
    if (candidates.length === 0) return { kind: 'unwritten', reader };
    // Writers are sorted by call; the last one called by the read's return is the bound.
    const eligible = upperBound(candidates, o.ret) - 1;
    if (eligible < 0) return { kind: 'future', reader, firstWriter: candidates[0]!.op };
    const writer = latestWriter[o.a]![eligible]!;
    const found = overwriters.within(writer.ret, o.call, o.a);
    if (found !== null) return { kind: 'overwritten', reader, writer: writer.op, ...found };
  }
  return null;
}

function findOverused(ops: readonly SearchOp[], writers: readonly Timed[][]): Impossible | null {
  const swapsOn = new Map<number, number[]>();
  ops.forEach((o, i) => {
    if (o.effect === 'swap' && o.w !== o.a) swapsOn.set(o.a, [...(swapsOn.get(o.a) ?? []), i]);
  });
  for (const [state, swaps] of swapsOn) {
    const ws = writers[state]!;
    if (swaps.length > ws.length) return { kind: 'overused', swaps, writers: ws.map((w) => w.op) };
  }
  return null;
}

interface Bound {
  ret: number;
  /** The read whose return gives ret, or -1 for the op's own return. */
  witness: number;
}

/**
 * For each op, the latest instant its effect can take place: its return, or sooner when it is
 * the only writer of its value and an answered read of that value returned sooner.
 */
function visibleBy(ops: readonly SearchOp[], writers: readonly Timed[][]): Bound[] {
  const firstRead = Array.from({ length: writers.length }, (): Bound => ({ ret: Infinity, witness: -1 }));
  ops.forEach((o, i) => {
    if ((o.effect === 'read' || o.effect === 'swap') && o.ret < firstRead[o.a]!.ret) firstRead[o.a] = { ret: o.ret, witness: i };
  });
  return ops.map((o) => {
    const read = firstRead[o.w]!;
    const unique = (o.effect === 'set' || o.effect === 'swap') && o.w !== ABSENT && writers[o.w]!.length === 1;
    return unique && read.ret < o.ret ? read : { ret: o.ret, witness: -1 };
  });
}

/** For each prefix of writers (sorted by call), the one that returned last. */
function prefixLatest(ws: Timed[]): Timed[] {
  ws.sort((x, y) => x.call - y.call);
  const out: Timed[] = [];
  for (const w of ws) out.push(out.length > 0 && out[out.length - 1]!.ret >= w.ret ? out[out.length - 1]! : w);
  return out;
}

/** The number of items whose call is at most t. */
function upperBound(items: readonly { call: number }[], t: number): number {
  let [lo, hi] = [0, items.length];
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (items[mid]!.call <= t) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * Answered ops that surely leave a given state, sorted by call, with the two earliest returns
 * (of different left states) over every suffix, so "which one left something other than v and
 * ran entirely inside (from, to)" is a binary search.
 */
interface Item {
  op: number;
  call: number;
  ret: number;
  witness: number;
  leaves: number;
}

class Overwriters {
  private readonly items: Item[] = [];
  private readonly best: Item[] = [];
  private readonly second: Item[] = [];

  /** by[i]: the latest instant op i can take effect. */
  constructor(ops: readonly SearchOp[], by: readonly Bound[]) {
    ops.forEach((o, op) => {
      if (o.ret === Infinity) return;
      const { ret, witness } = by[op]!;
      if (o.effect === 'set' || o.effect === 'swap') this.items.push({ op, call: o.call, ret, witness, leaves: o.w });
      // A delete that existed leaves absence: it overwrites any present value.
      if (o.effect === 'remove') this.items.push({ op, call: o.call, ret, witness, leaves: ABSENT });
    });
    this.items.sort((x, y) => x.call - y.call);
    const none: Item = { op: -1, call: Infinity, ret: Infinity, witness: -1, leaves: -1 };
    let best = none;
    let second = none;
    for (let i = this.items.length - 1; i >= 0; i--) {
      const it = this.items[i]!;
      if (it.ret < best.ret) {
        if (it.leaves !== best.leaves) second = best;
        best = it;
      } else if (it.leaves !== best.leaves && it.ret < second.ret) {
        second = it;
      }
      this.best[i] = best;
      this.second[i] = second;
    }
  }

  /** An op that left a state other than v, called after from and in effect before to. */
  within(from: number, to: number, v: number): { overwriter: number; witness: number } | null {
    const i = upperBound(this.items, from);
    const best = this.best[i];
    const second = this.second[i];
    if (best === undefined || second === undefined) return null;
    const pick = best.leaves !== v ? best : second;
    return pick.ret < to ? { overwriter: pick.op, witness: pick.witness } : null;
  }
}
