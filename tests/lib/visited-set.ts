// The memo of a linearizability search: which (set of linearized operations, register state)
// pairs were already explored (Lowe, "Testing for linearizability", 2017; porcupine's cache).
// Bitsets are stored in one growing Uint32Array rather than an object each, so a hot key's
// millions of entries cost bytes, not objects; bytesMax bounds the whole table.

export class VisitedSet {
  private readonly words: number;
  private bits: Uint32Array;
  private states: Int32Array;
  private hashes: Int32Array;
  private chain: Int32Array;
  /** Open hash table of entry numbers (-1 = empty slot); its size is a power of two. */
  private slots: Int32Array;
  private count = 0;

  /** bitsetWords: words per linearized-set bitset; bytesMax: the most the table may hold. */
  constructor(
    bitsetWords: number,
    private readonly bytesMax: number,
  ) {
    this.words = Math.max(1, bitsetWords);
    const capacity = 1024;
    this.bits = new Uint32Array(capacity * this.words);
    this.states = new Int32Array(capacity);
    this.hashes = new Int32Array(capacity);
    this.chain = new Int32Array(capacity);
    this.slots = new Int32Array(capacity * 2).fill(-1);
  }

  get size(): number {
    return this.count;
  }

  /**
   * Records (bits, state), whose set hashes to setHash. Returns 'seen' when it was already
   * there, 'full' when recording it would pass bytesMax.
   */
  add(setHash: number, bits: Uint32Array, state: number): 'added' | 'seen' | 'full' {
    const hash = (setHash ^ Math.imul(state + 1, 0x9e3779b1)) | 0;
    const mask = this.slots.length - 1;
    const slot = hash & mask;
    for (let e = this.slots[slot] ?? -1; e !== -1; e = this.chain[e] ?? -1) {
      if (this.hashes[e] === hash && this.states[e] === state && this.sameBits(e, bits)) return 'seen';
    }
    if (this.count === this.states.length && !this.grow()) return 'full';
    const e = this.count++;
    this.bits.set(bits.subarray(0, this.words), e * this.words);
    this.states[e] = state;
    this.hashes[e] = hash;
    // grow() may have resized the slots, so the slot is looked up again.
    const at = hash & (this.slots.length - 1);
    this.chain[e] = this.slots[at] ?? -1;
    this.slots[at] = e;
    return 'added';
  }

  private sameBits(entry: number, bits: Uint32Array): boolean {
    const base = entry * this.words;
    for (let i = 0; i < this.words; i++) if (this.bits[base + i] !== bits[i]) return false;
    return true;
  }

  private grow(): boolean {
    const capacity = this.states.length * 2;
    const bytes = capacity * (this.words * 4 + 4 + 4 + 4 + 8);
    if (bytes > this.bytesMax) return false;
    const bits = new Uint32Array(capacity * this.words);
    bits.set(this.bits);
    this.bits = bits;
    this.states = copyInto(new Int32Array(capacity), this.states);
    this.hashes = copyInto(new Int32Array(capacity), this.hashes);
    this.chain = new Int32Array(capacity);
    this.slots = new Int32Array(capacity * 2).fill(-1);
    const mask = this.slots.length - 1;
    for (let e = 0; e < this.count; e++) {
      const at = (this.hashes[e] ?? 0) & mask;
      this.chain[e] = this.slots[at] ?? -1;
      this.slots[at] = e;
    }
    return true;
  }
}

function copyInto(to: Int32Array, from: Int32Array): Int32Array {
  to.set(from);
  return to;
}
