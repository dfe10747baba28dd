// The search for one key: Wing & Gong's backtracking over call and return events, with Lowe's
// memo of (linearized set, state), as porcupine does it (github.com/anishathalye/porcupine,
// checker.go). Events sit in a doubly linked list sorted by time; linearizing an operation lifts
// its two events out of the list and backtracking puts them back (dancing links). An operation
// can go next only if its call comes before the first return still in the list.
//
// Four additions keep hot keys tractable; each only drops branches that cannot hold the sole
// way to finish:
//  - A read-only operation (a get, a cput that did not apply, a delete that found nothing) that
//    fits the current state is linearized with no alternative tried: whatever order finishes
//    from here also finishes with it moved to the front, because it changes nothing and every
//    operation that had to precede it in real time is already linearized.
//  - When the operation whose return bounds the list cannot go in this state, and nothing that
//    may still go before it writes a state it fits, the branch is dead.
//  - A move that leaves state s is dead when s still has unlinearized readers but no writer
//    left to bring it back, or when an unanswered cput on s was the last writer of a state
//    that still has readers. With unique values (the usual test) this cuts a wrong write order
//    at once instead of when the stranded read's return finally bounds the list.
//  - An operation with no answer is linearized only where the state it leaves is needed: some
//    unlinearized op reads that state, or an op real time allows next fits it but not the
//    current one. Any linearization can be rewritten that way: an unanswered op nobody needs is
//    dropped, one that only the op x needs is moved to just before x (it has no return to stay
//    before, and the ops it skips fit either state).
// Writes are tried first where they make a waiting read fit, then by earliest return.

import { EventList } from './event-list.ts';
import { VisitedSet } from './visited-set.ts';

/** Register states are interned per key; 0 is "absent". */
export const ABSENT = 0;

/**
 * What an operation does to the register, with its outcome folded in:
 * set: → w (a put; a delete with no answer, w = ABSENT; a put with no answer).
 * read: needs state a (a get; a delete that found nothing, a = ABSENT).
 * swap: needs state a, → w (a cput that applied).
 * notSwap: needs a state other than a (a cput that did not apply).
 * maybeSwap: state a → w, any other unchanged (a cput with no answer).
 * remove: needs a present state, → ABSENT (a delete that existed).
 */
export type Effect = 'set' | 'read' | 'swap' | 'notSwap' | 'maybeSwap' | 'remove';

export interface SearchOp {
  call: number;
  /** Infinity when no answer came: the operation may take effect any time after call, or never. */
  ret: number;
  effect: Effect;
  a: number;
  w: number;
}

/** The longest partial linearization found, for the explanation of a failure. */
export interface Stuck {
  /** Operations with an answer that it orders. */
  depth: number;
  /** Its last few operations, oldest first. */
  lastOps: number[];
  state: number;
  /** Operations that real time allows next, in call order. */
  frontier: number[];
  /** The operation whose return bounds the frontier: it must go before anything called later. */
  bounding: number;
  /** Bit i set: operation i is in the partial linearization. */
  linearized: Uint32Array;
}

export type SearchOutcome =
  | { ok: true }
  | { ok: false; stuck: Stuck }
  | { ok: 'unknown'; reason: 'timeout' | 'memo-full' };

export interface Budget {
  deadline: number;
  now: () => number;
  memoBytesMax: number;
  /** Search steps taken so far, shared by all keys; the clock is read every 1024. */
  steps: number;
}

const lastOpsShown = 3;

/** -1 when op cannot take effect in state s, else the state after it. */
export function step(op: SearchOp, s: number): number {
  switch (op.effect) {
    case 'set':
      return op.w;
    case 'read':
      return s === op.a ? s : -1;
    case 'swap':
      return s === op.a ? op.w : -1;
    case 'notSwap':
      return s !== op.a ? s : -1;
    case 'maybeSwap':
      return s === op.a ? op.w : s;
    case 'remove':
      return s !== ABSENT ? ABSENT : -1;
  }
}

export function isReadOnly(op: SearchOp): boolean {
  return op.effect === 'read' || op.effect === 'notSwap';
}

/** The state op leaves when it changes anything, else -1. */
function written(op: SearchOp): number {
  if (op.effect === 'remove') return ABSENT;
  return op.effect === 'read' || op.effect === 'notSwap' ? -1 : op.w;
}

/** ops must be sorted by call; stateCount bounds the interned states. */
export function searchKey(ops: readonly SearchOp[], stateCount: number, budget: Budget): SearchOutcome {
  if (ops.every((o) => o.ret === Infinity)) return { ok: true };
  return new KeySearch(ops, stateCount, budget).run();
}

class KeySearch {
  private readonly events: EventList;
  /** The linearized set as a bitset, and its Zobrist hash (kept current in O(1) per move). */
  private readonly bits: Uint32Array;
  private setHash = 0;
  private readonly zobrist: Int32Array;
  private readonly visited: VisitedSet;
  /** Unlinearized readers (a get of s, a cput that applied on s) and writers of each state s. */
  private readonly readersLeft: Int32Array;
  private readonly writersLeft: Int32Array;
  /** Unlinearized unanswered cputs on each state: optional, so not readers. */
  private readonly maybeSwapsLeft: Int32Array;
  private readonly maybeSwapsOn: number[][];
  private readonly wanted: Int32Array;
  private stamp = 0;
  private readonly answered: number;
  private answeredLeft: number;
  private state = ABSENT;
  /** The linearized ops in order, and the state before each. */
  private readonly path: number[] = [];
  private readonly before: number[] = [];
  private stuck: Stuck | null = null;

  constructor(
    private readonly ops: readonly SearchOp[],
    stateCount: number,
    private readonly budget: Budget,
  ) {
    this.events = new EventList(ops);
    this.bits = new Uint32Array(Math.max(1, Math.ceil(ops.length / 32)));
    this.zobrist = seededWords(ops.length);
    this.visited = new VisitedSet(this.bits.length, budget.memoBytesMax);
    this.readersLeft = new Int32Array(stateCount);
    this.writersLeft = new Int32Array(stateCount);
    this.maybeSwapsLeft = new Int32Array(stateCount);
    this.maybeSwapsOn = Array.from({ length: stateCount }, (): number[] => []);
    this.wanted = new Int32Array(stateCount);
    ops.forEach((o, i) => {
      this.count(o, 1);
      if (o.effect === 'maybeSwap') this.maybeSwapsOn[o.a]!.push(i);
    });
    this.answered = ops.filter((o) => o.ret !== Infinity).length;
    this.answeredLeft = this.answered;
  }

  run(): SearchOutcome {
    // Each frame holds one node's candidates, best first, and how many were tried.
    const frames = [{ candidates: this.expand(), tried: 0 }];
    for (;;) {
      if ((++this.budget.steps & 1023) === 0 && this.budget.now() > this.budget.deadline) {
        return { ok: 'unknown', reason: 'timeout' };
      }
      const frame = frames[frames.length - 1]!;
      const i = frame.candidates[frame.tried++];
      if (i === undefined) {
        frames.pop();
        if (this.path.length === 0) return { ok: false, stuck: this.stuck ?? fail('no node was expanded') };
        this.undo();
        continue;
      }
      const o = this.op(i);
      const after = step(o, this.state);
      if (this.strands(o, after)) continue;
      this.flip(i);
      const added = this.visited.add(this.setHash, this.bits, after);
      if (added !== 'added') {
        this.flip(i);
        if (added === 'full') return { ok: 'unknown', reason: 'memo-full' };
        continue;
      }
      this.linearize(i, after);
      if (this.answeredLeft === 0) return { ok: true };
      frames.push({ candidates: this.expand(), tried: 0 });
    }
  }

  /** The operations to try next from the current node, best first. */
  private expand(): number[] {
    const { frontier, bounding } = this.events.frontier();
    this.noteDepth(frontier, bounding);
    for (const i of frontier) if (isReadOnly(this.op(i)) && step(this.op(i), this.state) >= 0) return [i];
    const b = this.op(bounding);
    const canFitLater = (i: number): boolean => i !== bounding && written(this.op(i)) >= 0 && step(b, written(this.op(i))) >= 0;
    if (step(b, this.state) < 0 && !frontier.some(canFitLater)) return [];
    return this.writesToTry(frontier);
  }

  private writesToTry(frontier: number[]): number[] {
    const state = this.state;
    this.stamp++;
    for (const i of frontier) if (this.op(i).effect === 'read') this.wanted[this.op(i).a] = this.stamp;
    // A frontier op waiting for any state but this one: a cput that did not apply on it, or a
    // delete that existed while the key is absent.
    const waitsForChange = frontier.some((i) => {
      const o = this.op(i);
      return (o.effect === 'notSwap' && o.a === state) || (o.effect === 'remove' && state === ABSENT);
    });
    const helpful: number[] = [];
    const other: number[] = [];
    const unanswered: number[] = [];
    for (const i of frontier) {
      const o = this.op(i);
      const after = step(o, state);
      if (isReadOnly(o) || after < 0) continue;
      if (o.ret === Infinity) {
        const needed = this.readersLeft[after]! > 0 || this.maybeSwapsLeft[after]! > 0 || waitsForChange;
        if (after !== state && needed) unanswered.push(i);
      } else {
        (this.wanted[after] === this.stamp ? helpful : other).push(i);
      }
    }
    const byReturn = (x: number, y: number): number => this.op(x).ret - this.op(y).ret || x - y;
    return [...helpful.sort(byReturn), ...other.sort(byReturn), ...unanswered];
  }

  /**
   * Whether moving from the current state to `after` by o leaves a state that still has readers
   * and no writer to bring it back, directly or through an unanswered cput on it that was the
   * last writer of a state with readers.
   */
  private strands(o: SearchOp, after: number): boolean {
    const s = this.state;
    if (after === s || this.writersLeft[s] !== 0) return false;
    const selfReads = (o.effect === 'read' || o.effect === 'swap') && o.a === s ? 1 : 0;
    if (this.readersLeft[s]! - selfReads > 0) return true;
    return this.maybeSwapsOn[s]!.some((c) => {
      const w = this.op(c).w;
      return !this.isLinearized(c) && w !== after && this.writersLeft[w] === 1 && this.readersLeft[w]! > 0;
    });
  }

  private linearize(i: number, after: number): void {
    this.events.remove(i);
    this.path.push(i);
    this.before.push(this.state);
    this.count(this.op(i), -1);
    this.state = after;
    if (this.op(i).ret !== Infinity) this.answeredLeft--;
  }

  private undo(): void {
    const i = this.path.pop()!;
    this.state = this.before.pop()!;
    this.events.restore(i);
    this.flip(i);
    this.count(this.op(i), 1);
    if (this.op(i).ret !== Infinity) this.answeredLeft++;
  }

  /** Keeps the first node of greatest depth, for the explanation. */
  private noteDepth(frontier: number[], bounding: number): void {
    const depth = this.answered - this.answeredLeft;
    if (this.stuck !== null && depth <= this.stuck.depth) return;
    const lastOps = this.path.slice(-lastOpsShown);
    this.stuck = { depth, lastOps, state: this.state, frontier, bounding, linearized: this.bits.slice() };
  }

  private count(o: SearchOp, by: number): void {
    if (o.effect === 'read' || o.effect === 'swap') this.readersLeft[o.a]! += by;
    if (o.effect === 'maybeSwap') this.maybeSwapsLeft[o.a]! += by;
    const w = written(o);
    if (w >= 0) this.writersLeft[w]! += by;
  }

  private flip(i: number): void {
    this.bits[i >>> 5]! ^= 1 << (i & 31);
    this.setHash ^= this.zobrist[i]!;
  }

  private isLinearized(i: number): boolean {
    return ((this.bits[i >>> 5]! >>> (i & 31)) & 1) === 1;
  }

  private op(i: number): SearchOp {
    return this.ops[i] ?? fail(`no operation ${i}`);
  }
}

/** Fixed pseudo-random words (splitmix32), so a run is the same every time. */
function seededWords(count: number): Int32Array {
  const words = new Int32Array(count);
  let x = 0x2545f491;
  for (let i = 0; i < count; i++) {
    x = (x + 0x9e3779b9) | 0;
    let z = x;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
    words[i] = z ^ (z >>> 16);
  }
  return words;
}

function fail(message: string): never {
  throw new Error(`linearizability search: ${message}`);
}
