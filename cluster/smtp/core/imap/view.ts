// The selected folder as one session sees it (RFC 3501 §2.3.1.2, §7.4.1): message sequence
// numbers are this session's own, and they change only when the session tells the client —
// an EXPUNGE renumbers everything after it, an EXISTS adds at the end. So the view keeps the
// UIDs in sequence order and brings itself up to date with the store's listing only when the
// session may report it: never EXPUNGE during FETCH, STORE or SEARCH (their numbers would
// shift under the client), always on NOOP, CHECK, IDLE and the UID commands.
import { encode, raw, type Value } from './encode.ts';
import type { SequenceSet } from './parser.ts';
import type { MessageMeta, SystemFlag } from './ports.ts';

export class FolderView {
  /** UIDs in sequence order (seq n is uids[n - 1]). */
  private uids: number[] = [];
  private meta = new Map<number, MessageMeta>();
  /** UIDs the store no longer has that the client has not been told of yet. */
  private gone = new Set<number>();

  constructor(
    readonly folder: string,
    readonly readOnly: boolean,
    readonly uidValidity: number,
    messages: readonly MessageMeta[],
    public changes: number,
  ) {
    for (const m of messages) {
      this.uids.push(m.uid);
      this.meta.set(m.uid, m);
    }
  }

  get exists(): number {
    return this.uids.length;
  }

  uidAt(seq: number): number | undefined {
    return this.uids[seq - 1];
  }

  metaOf(uid: number): MessageMeta | undefined {
    return this.meta.get(uid);
  }

  /** Expunges the client has not been told of yet: the next sync must list the folder again. */
  get hasUnreported(): boolean {
    return this.gone.size > 0;
  }

  isGone(uid: number): boolean {
    return this.gone.has(uid);
  }

  get largestUid(): number {
    return this.uids.length ? (this.uids[this.uids.length - 1] as number) : 0;
  }

  /** Sequence number of a UID, by binary search; 0 when not in the view. */
  seqOf(uid: number): number {
    const i = this.lowerBound(uid);
    return this.uids[i] === uid ? i + 1 : 0;
  }

  /** Sequence numbers a set names, ascending, each once; numbers past the end are left out. */
  resolve(set: SequenceSet, byUid: boolean): number[] {
    const n = this.uids.length;
    if (n === 0) return [];
    const hit = new Uint8Array(n);
    for (const [a, b] of set) {
      let lo: number;
      let hi: number;
      if (byUid) {
        // RFC 3501 §6.4.8: "*" is the largest UID in use; a range is valid in either order.
        const x = a === Infinity ? this.largestUid : a;
        const y = b === Infinity ? this.largestUid : b;
        lo = this.lowerBound(Math.min(x, y));
        hi = this.lowerBound(Math.max(x, y) + 1) - 1;
      } else {
        const x = a === Infinity ? n : a;
        const y = b === Infinity ? n : b;
        lo = Math.min(x, y) - 1;
        hi = Math.min(Math.max(x, y), n) - 1;
      }
      for (let i = lo; i <= hi; i++) hit[i] = 1;
    }
    const out: number[] = [];
    for (let i = 0; i < n; i++) if (hit[i]) out.push(i + 1);
    return out;
  }

  /** Takes flags the session itself just set and told the client about (or not: .SILENT). */
  setFlags(uid: number, flags: readonly SystemFlag[]): void {
    const m = this.meta.get(uid);
    if (m) this.meta.set(uid, { ...m, flags });
  }

  /**
   * Brings the view up to the store's listing and returns the untagged responses that tell the
   * client: EXPUNGE (only when allowed, highest first so no number shifts before it is used),
   * EXISTS for new arrivals, FETCH FLAGS for changed flags.
   */
  sync(listing: readonly MessageMeta[], expungeAllowed: boolean): Buffer[] {
    const out: Buffer[] = [];
    const now = new Map(listing.map((m) => [m.uid, m]));
    for (const uid of this.uids) if (!now.has(uid)) this.gone.add(uid);
    if (expungeAllowed && this.gone.size) {
      for (let i = this.uids.length - 1; i >= 0; i--) {
        const uid = this.uids[i] as number;
        if (!this.gone.has(uid)) continue;
        out.push(encode([raw('*'), i + 1, raw('EXPUNGE')]));
        this.meta.delete(uid);
      }
      this.uids = this.uids.filter((uid) => !this.gone.has(uid));
      this.gone.clear();
    }
    const changed: Buffer[] = [];
    for (let i = 0; i < this.uids.length; i++) {
      const uid = this.uids[i] as number;
      const before = this.meta.get(uid) as MessageMeta;
      const after = now.get(uid);
      if (!after) continue;
      if (!sameFlags(before.flags, after.flags)) changed.push(encode([raw('*'), i + 1, raw('FETCH'), [raw('UID'), uid, raw('FLAGS'), flagList(after.flags)]]));
      this.meta.set(uid, after);
    }
    // New messages have UIDs above every known one (ports.ts); anything else is not shown.
    const top = this.largestUid;
    let added = 0;
    for (const m of listing) {
      if (m.uid <= top) continue;
      this.uids.push(m.uid);
      this.meta.set(m.uid, m);
      added++;
    }
    out.push(...changed);
    if (added) out.push(encode([raw('*'), this.uids.length, raw('EXISTS')]));
    return out;
  }

  private lowerBound(uid: number): number {
    let lo = 0;
    let hi = this.uids.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((this.uids[mid] as number) < uid) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
}

export function sameFlags(a: readonly SystemFlag[], b: readonly SystemFlag[]): boolean {
  return a.length === b.length && a.every((f) => b.includes(f));
}

export function flagList(flags: readonly SystemFlag[]): Value {
  return flags.map((f) => raw(f));
}
