// Storing a copy at most once per delivery key (layout and keys: delivery-marks.ts).
//
//   1. Claim today's mark column with a CPut expect-absent naming a fresh id, and read the
//      older (yesterday's) column at the same time: a first delivery — most of them — costs
//      one round trip before the copy is written.
//   2. A mark that says stored, or names a copy that exists (in today's column, when the claim
//      found it taken, or in yesterday's): this is a retry of a delivery that happened —
//      nothing is written (a claim of ours from step 1 is withdrawn), and the caller answers
//      as if it had stored it. A claim younger than claimStaleMs without its copy: another
//      attempt may still run; the sender is told to try again later.
//   3. Otherwise (our claim of step 1, or a CPut over a stale claim whose copy never appeared)
//      write the copy under the claimed id, then mark it stored. The caller does not wait for
//      that last write (it runs after once() returns): until it lands, a retry finds the claim
//      and the copy it names, which says the same.
//      A copy whose id is made as it is stored (a small mailbox message: its id comes with its
//      UID, onceMarked) claims with no id, and its write turns the claim into the "stored" mark
//      naming it in the same CPutAll, after the copy's commit: one round for both. A crash can
//      leave a prefix of that write: the copy without its mark (then a retry finds a claim
//      naming no copy, and after claimStaleMs stores it again: at-least-once, as below), never
//      the mark without its copy.
//
// Why this is safe: the claim is a CPut of a value unique to the attempt (its random id), so
// exactly one of two attempts holds it, and the ClusterClient's read-back tells an attempt
// whose claim applied but whose reply was lost that it holds it (cluster-client.ts). A copy is
// committed by its own CPut expect-absent (mailbox-store.ts, queue-store.ts), so a retry that
// finds the claim but not the copy knows the copy is not there. The claimed id is the copy's
// id, so "exists" is one read. An attempt never outlives its SMTP answer (delivery.ts waits for
// all of its writes), so a claim without its copy is an attempt that failed; one younger than
// claimStaleMs is left alone and the sender is told to try again later.
// What remains at-least-once: a copy stored, its "stored" mark lost with the store failing, and
// the copy deleted by its reader before the sender's retry — then it is stored again.
import type { CPutCell, ClusterClient } from '../../kvs/cluster-client.ts';
import { PennError } from '../../common/errors.ts';
import { claimStaleMs, decodeMark, encodeMark, isStaleMarkColumn, markColumns, marksRow, type Mark } from './delivery-marks.ts';

/** Claims that may prune old marks of their row, on average one in this many. */
const pruneEvery = 64;
/** Attempts to claim a key that other writers keep changing. */
const claimAttemptsMax = 3;

export interface Copy {
  /** A fresh id for the copy. */
  newId(): string;
  /** Whether a committed copy with this id exists. */
  exists(id: string): Promise<boolean>;
  /** Stores the copy under this id; it commits with a CPut expect-absent. */
  write(id: string): Promise<void>;
}

/**
 * A copy whose id is made as it is stored (a mailbox copy's comes with its UID). Its claim names
 * no id; `write` stores the copy and, in the same all-or-none CPutAll, after its commit, the
 * cell `stored(id)` turns the claim into the "stored" mark naming it. It answers the id, or
 * undefined when it stored nothing (a full mailbox): the claim is given up then (made stale).
 */
export interface MarkedCopy {
  exists(id: string): Promise<boolean>;
  write(stored: (id: string) => CPutCell): Promise<string | undefined>;
}

export interface Once {
  id: string;
  /** The copy was stored before (this is a retry); nothing was written now. */
  duplicate: boolean;
}

/** The column a claim of ours holds. */
interface Claimed {
  column: string;
}

interface Found {
  column: string;
  raw: Buffer;
  mark: Mark | undefined;
}

export class DeliveryMarks {
  /** "Stored" marks being written after their once() returned. */
  private readonly marking = new Set<Promise<void>>();

  constructor(
    private readonly cluster: ClusterClient,
    private readonly now: () => number = Date.now,
    private readonly random: () => number = Math.random,
  ) {}

  /** Stores the copy unless the key says it was stored; the owner names the marks row. */
  async once(owner: string, key: string, copy: Copy): Promise<Once> {
    const row = marksRow(owner);
    const claimed = await this.claim(row, key, copy);
    if ('duplicate' in claimed) return claimed;
    const { column, mark } = claimed;
    await copy.write(mark.id);
    // Off the sender's wait: the claim naming the committed copy already makes a retry a
    // duplicate (step 2); the mark only spares that retry a read, and keeps the answer
    // should the reader delete the copy before the retry.
    this.inBackground(this.markStored(row, column, mark));
    this.maybePrune(row, mark.atMs);
    return { id: mark.id, duplicate: false };
  }

  /**
   * As once, for a copy whose id is made as it is stored: a claim naming no id, then one
   * CPutAll of the copy and its "stored" mark. Undefined when the copy's write stored nothing.
   */
  async onceMarked(owner: string, key: string, copy: MarkedCopy): Promise<Once | undefined> {
    const row = marksRow(owner);
    const claimed = await this.claim(row, key, { newId: () => '', exists: (id) => copy.exists(id) });
    if ('duplicate' in claimed) return claimed;
    const { column, mark } = claimed;
    const id = await copy.write((stored) => ({ row, column, expected: encodeMark(mark), value: encodeMark({ ...mark, id: stored, stored: true }) }));
    if (id === undefined) {
      // Given up as stale at once, so the next attempt takes it over: only if it is still our
      // claim (a state change slower than claimStaleMs may have seen it taken over meanwhile).
      await this.cluster.cput(row, column, encodeMark(mark), encodeMark({ ...mark, atMs: 0 })).catch(() => {});
      return undefined;
    }
    this.maybePrune(row, mark.atMs);
    return { id, duplicate: false };
  }

  /**
   * Steps 1 and 2: the column claimed for a new copy, with the mark it holds; or the answer when
   * the copy was stored before. Throws 'unavailable' while another attempt may still be storing
   * it.
   */
  private async claim(row: string, key: string, copy: Pick<Copy, 'newId' | 'exists'>): Promise<{ column: string; mark: Mark } | Once> {
    for (let attempt = 0; attempt < claimAttemptsMax; attempt++) {
      const nowMs = this.now();
      const mark: Mark = { id: copy.newId(), stored: false, atMs: nowMs };
      // Most copies are delivered once: claim today's column straight away (expect-absent)
      // while the older columns are read, instead of reading first and claiming after.
      const first = await this.claimToday(row, key, mark, nowMs, copy);
      // Today's column holds a mark: a retry, or another attempt — decide as before.
      const claimed = first === 'taken' ? await this.decide(row, key, nowMs, copy, mark) : first;
      if (claimed === 'changed') continue;
      if ('duplicate' in claimed) return claimed;
      return { column: claimed.column, mark };
    }
    throw new PennError('aborted', `the delivery key ${key} kept changing; try again later`);
  }

  /** Now and then, the marks of the row too old at nowMs go (prune). */
  private maybePrune(row: string, nowMs: number): void {
    if (this.random() * pruneEvery < 1) this.inBackground(this.prune(row, nowMs).then(() => {}));
  }

  /**
   * Claims today's column for `mark` (CPut expect-absent) and reads the older columns at the
   * same time. The column: ours, and no older mark stands in the way; 'taken': today's column
   * holds a mark already; or the answer when an older mark decides it (a retry across
   * midnight) — then our claim is withdrawn (deleted: nobody else can hold a column we claimed
   * a moment ago, as a claim is taken over only after claimStaleMs).
   */
  private async claimToday(row: string, key: string, mark: Mark, nowMs: number, copy: Pick<Copy, 'exists'>): Promise<Claimed | 'taken' | Once> {
    const [today, ...older] = markColumns(key, nowMs) as [string, ...string[]];
    const [claim, olderValues] = await Promise.allSettled([this.cluster.cput(row, today, null, encodeMark(mark)), Promise.all(older.map((c) => this.cluster.get(row, c)))]);
    if (claim.status === 'rejected') throw claim.reason;
    if (!claim.value) return 'taken';
    const withdraw = () => this.cluster.delete(row, today).then(() => {}, () => {});
    if (olderValues.status === 'rejected') {
      await withdraw();
      throw olderValues.reason;
    }
    const i = olderValues.value.findIndex((v) => v !== undefined);
    const found = i < 0 ? undefined : decodeMark(olderValues.value[i]!);
    if (!found) return { column: today };
    const exists = found.stored || (found.id !== '' && (await copy.exists(found.id).catch(async (err: unknown) => {
      await withdraw();
      throw err;
    })));
    if (exists) {
      await withdraw();
      if (!found.stored) await this.markStored(row, older[i]!, found);
      return { id: found.id, duplicate: true };
    }
    if (nowMs - found.atMs < claimStaleMs) {
      await withdraw();
      throw new PennError('unavailable', 'this message is being stored by another attempt; try again later');
    }
    // A stale claim of yesterday whose copy never appeared: ours, today's, replaces it.
    return { column: today };
  }

  /**
   * Today's column is taken: the key's newest mark says whether this is a retry of a stored
   * copy, another attempt still running, or a stale claim we take over (as `mark`).
   */
  private async decide(row: string, key: string, nowMs: number, copy: Pick<Copy, 'exists'>, mark: Mark): Promise<Claimed | 'changed' | Once> {
    const found = await this.find(row, key, nowMs);
    if (!found) return 'changed';
    if (found.mark && (found.mark.stored || (found.mark.id !== '' && (await copy.exists(found.mark.id))))) {
      if (!found.mark.stored) await this.markStored(row, found.column, found.mark);
      return { id: found.mark.id, duplicate: true };
    }
    if (found.mark && nowMs - found.mark.atMs < claimStaleMs) {
      throw new PennError('unavailable', 'this message is being stored by another attempt; try again later');
    }
    return (await this.cluster.cput(row, found.column, found.raw, encodeMark(mark))) ? { column: found.column } : 'changed';
  }

  /** Resolves when every mark write begun so far has settled (the daemon's stop, tests). */
  async idle(): Promise<void> {
    while (this.marking.size) await Promise.all([...this.marking]);
  }

  private inBackground(write: Promise<void>): void {
    this.marking.add(write);
    void write.finally(() => this.marking.delete(write));
  }

  /** Deletes the marks too old to be looked up; answers how many. */
  async prune(row: string, nowMs = this.now()): Promise<number> {
    try {
      const stale = (await this.cluster.listColumns(row)).filter((c) => isStaleMarkColumn(c.name, nowMs));
      for (const c of stale) await this.cluster.delete(row, c.name);
      return stale.length;
    } catch {
      // Pruning is housekeeping: the next one picks up what this one could not.
      return 0;
    }
  }

  private async find(row: string, key: string, nowMs: number): Promise<Found | undefined> {
    const columns = markColumns(key, nowMs);
    const values = await Promise.all(columns.map((c) => this.cluster.get(row, c)));
    const i = values.findIndex((v) => v !== undefined);
    return i < 0 ? undefined : { column: columns[i]!, raw: values[i]!, mark: decodeMark(values[i]!) };
  }

  /**
   * The copy is committed; a lost "stored" mark costs only a read on a retry (exists), so a
   * failure here is not the delivery's failure.
   */
  private async markStored(row: string, column: string, mark: Mark): Promise<void> {
    await this.cluster.put(row, column, encodeMark({ ...mark, stored: true })).catch(() => {});
  }
}
