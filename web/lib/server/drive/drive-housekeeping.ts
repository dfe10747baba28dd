// The drive's background sweep: every drive.housekeepingIntervalMs (with a random quarter more,
// so frontends drift apart) each frontend reads the marks of drives with work due
// (drive-due.ts) and does that work for at most drive.housekeepingDrivesMax of them — Trash
// items past drive.trashRetentionMs deleted for good, uploads and deletes whose frontend died
// finished (drive-reclaim.ts) — so a user who never opens the drive again loses their expired
// Trash and their abandoned uploads on time all the same. Frontends sweeping the same drive at
// once do the same idempotent work; the marks' CPuts keep the bookkeeping straight.
//
// Started once per frontend process (web/instrumentation.ts); the timer does not keep the
// process alive, and one run waits for the last to end.
import type { ColumnValue } from '../../../../cluster/kvs/cluster-client.ts';
import { readCell } from '../cells';
import type { ServerContext } from '../context';
import { driveContext, type DriveContext } from './drive-context';
import { dueAt, dueRow, dueRows, lookNow, nextDue } from './drive-due';
import { readFolder } from './drive-folders';
import { filesRow, trashId, usageColumn } from './drive-names';
import { reclaimStale } from './drive-reclaim';
import { sweepTrash } from './drive-trash';
import { usageCodec } from './drive-usage';

export interface SweepFigures {
  /** Drives whose mark was due and which were looked at. */
  drives: number;
  /** Items deleted for good from Trash, and stale uploads and deletes finished. */
  purged: number;
  reclaimed: number;
}

const marksPerPage = 1000;

/** One sweep over every mark row, as of `nowMs`. */
export async function sweepDueDrives(ctx: ServerContext, nowMs = Date.now()): Promise<SweepFigures> {
  const figures: SweepFigures = { drives: 0, purged: 0, reclaimed: 0 };
  const budget = ctx.config.drive.housekeepingDrivesMax;
  for (let k = 0; k < dueRows && figures.drives < budget; k++) {
    for (let after = '', more = true; more && figures.drives < budget; ) {
      const page = await ctx.cluster.readColumns(dueRow(k), { after, limit: marksPerPage });
      more = page.more && page.columns.length > 0;
      after = page.columns.at(-1)?.name ?? after;
      await sweepMarks(ctx, dueRow(k), page.columns, nowMs, figures, budget);
    }
  }
  return figures;
}

async function sweepMarks(ctx: ServerContext, row: string, marks: ColumnValue[], nowMs: number, figures: SweepFigures, budget: number): Promise<void> {
  for (const mark of marks) {
    if (figures.drives >= budget) break;
    const value = mark.value.toString('utf8');
    if (dueAt(value) > nowMs) continue;
    figures.drives++;
    const d = driveContext(ctx, mark.name);
    try {
      const done = await sweepDrive(d, row, value, nowMs);
      figures.purged += done.purged;
      figures.reclaimed += done.reclaimed;
    } catch (err) {
      // The mark stays: the next run tries again.
      ctx.log.warn(`drive: the background sweep of ${d.user} failed: ${(err as Error).message}`);
    }
  }
}

async function sweepDrive(d: DriveContext, row: string, mark: string, nowMs: number): Promise<{ purged: number; reclaimed: number }> {
  const reclaimed = await reclaimStale(d);
  const deleted = await sweepTrash(d, nowMs);
  const purged = deleted.files + deleted.folders;
  if (purged + reclaimed > 0) d.log.info(`drive: the background sweep deleted ${purged} expired items from the Trash of ${d.user} and finished ${reclaimed} abandoned uploads and deletes`);
  const waiting = async () => nextDue(await readCell(d.cluster, filesRow(d.user), usageColumn, usageCodec), await readFolder(d, trashId), d.config.drive);
  const next = await waiting();
  if (next !== undefined) {
    // Lost to a request that marked meanwhile: the mark says "look now", as it should.
    await d.cluster.cput(row, d.user, mark, String(next));
    return { purged, reclaimed };
  }
  await d.cluster.delete(row, d.user);
  // Work that arrived between the read above and the drop was marked before the drop: seen here.
  if ((await waiting()) !== undefined) await d.cluster.put(row, d.user, lookNow);
  return { purged, reclaimed };
}

const startedKey = Symbol.for('penncloud.web.driveHousekeeping');

/** Starts the sweep on this frontend (once, however often it is called). */
export function startHousekeeping(ctx: ServerContext): void {
  const holder = globalThis as { [startedKey]?: boolean };
  if (holder[startedKey]) return;
  holder[startedKey] = true;
  const intervalMs = ctx.config.drive.housekeepingIntervalMs;
  const schedule = () => setTimeout(run, intervalMs * (1 + Math.random() / 4)).unref();
  const run = () => {
    sweepDueDrives(ctx)
      .catch((err: unknown) => ctx.log.warn(`drive: the background sweep failed: ${(err as Error).message}`))
      .finally(schedule);
  };
  schedule();
}
