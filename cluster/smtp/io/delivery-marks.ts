// Storing a copy at most once per delivery key (layout and keys: core/delivery-marks.ts).
//
//   1. Look the key up (today's and yesterday's mark columns).
//   2. A mark that says stored, or names a copy that exists: this is a retry of a delivery that
//      happened — nothing is written, and the caller answers as if it had stored it.
//   3. Otherwise claim the key with a CPut naming a fresh id (expect-absent, or over a stale
//      claim whose copy never appeared), write the copy under that id, then mark it stored.
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
import type { ClusterClient } from '../../kvs/cluster-client.ts';
import { PennError } from '../../common/errors.ts';
import { claimStaleMs, decodeMark, encodeMark, isStaleMarkColumn, markColumn, markColumns, marksRow, dayOf, type Mark } from '../core/delivery-marks.ts';

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

export interface Once {
  id: string;
  /** The copy was stored before (this is a retry); nothing was written now. */
  duplicate: boolean;
}

interface Found {
  column: string;
  raw: Buffer;
  mark: Mark | undefined;
}

export class DeliveryMarks {
  constructor(
    private readonly cluster: ClusterClient,
    private readonly now: () => number = Date.now,
    private readonly random: () => number = Math.random,
  ) {}

  /** Stores the copy unless the key says it was stored; the owner names the marks row. */
  async once(owner: string, key: string, copy: Copy): Promise<Once> {
    const row = marksRow(owner);
    for (let attempt = 0; attempt < claimAttemptsMax; attempt++) {
      const nowMs = this.now();
      const found = await this.find(row, key, nowMs);
      if (found?.mark && (found.mark.stored || (await copy.exists(found.mark.id)))) {
        if (!found.mark.stored) await this.markStored(row, found.column, found.mark);
        return { id: found.mark.id, duplicate: true };
      }
      if (found?.mark && nowMs - found.mark.atMs < claimStaleMs) {
        throw new PennError('unavailable', 'this message is being stored by another attempt; try again later');
      }
      const mark: Mark = { id: copy.newId(), stored: false, atMs: nowMs };
      const column = found?.column ?? markColumn(dayOf(nowMs), key);
      if (!(await this.cluster.cput(row, column, found?.raw ?? null, encodeMark(mark)))) continue;
      await copy.write(mark.id);
      await this.markStored(row, column, mark);
      if (this.random() * pruneEvery < 1) void this.prune(row, nowMs);
      return { id: mark.id, duplicate: false };
    }
    throw new PennError('aborted', `the delivery key ${key} kept changing; try again later`);
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
