// The event list of a Wing & Gong search (porcupine's entry list): each operation's call and
// return in time order, doubly linked so linearizing an operation unlinks its two events and
// backtracking relinks them in O(1).

/** Only the times of an operation matter here. */
export interface Interval {
  call: number;
  /** Infinity when the operation never returned. */
  ret: number;
}

/**
 * Call and return events in time order: 2i is the call of operation i, 2i + 1 its return. At
 * equal times calls sort first, so operations that touch at one instant count as concurrent.
 */
export class EventList {
  private readonly next: Int32Array;
  private readonly prev: Int32Array;
  private readonly head: number;
  private readonly tail: number;

  constructor(ops: readonly Interval[]) {
    const n = ops.length;
    [this.head, this.tail] = [2 * n, 2 * n + 1];
    this.next = new Int32Array(2 * n + 2);
    this.prev = new Int32Array(2 * n + 2);
    const time = (e: number): number => (e & 1 ? ops[e >> 1]!.ret : ops[e >> 1]!.call);
    const order = Array.from({ length: 2 * n }, (_, e) => e).sort((x, y) => time(x) - time(y) || (x & 1) - (y & 1) || x - y);
    let last = this.head;
    for (const e of [...order, this.tail]) {
      this.next[last] = e;
      this.prev[e] = last;
      last = e;
    }
  }

  /** Takes operation i's events out; undone by restore(i) in reverse order (dancing links). */
  remove(i: number): void {
    for (const e of [2 * i, 2 * i + 1]) {
      this.next[this.prev[e]!] = this.next[e]!;
      this.prev[this.next[e]!] = this.prev[e]!;
    }
  }

  restore(i: number): void {
    for (const e of [2 * i + 1, 2 * i]) {
      this.next[this.prev[e]!] = e;
      this.prev[this.next[e]!] = e;
    }
  }

  /** The operations whose call precedes the first return left, and the op of that return. */
  frontier(): { frontier: number[]; bounding: number } {
    const frontier: number[] = [];
    let e = this.next[this.head]!;
    for (; e !== this.tail && (e & 1) === 0; e = this.next[e]!) frontier.push(e >> 1);
    // The caller has answered ops left, so a finite return bounds the list.
    return { frontier, bounding: e >> 1 };
  }
}
