// Which drives have work waiting for a time to come, so that the background sweep
// (drive-housekeeping.ts) finds them without reading every user's drive: items in Trash wait for
// drive.trashRetentionMs, an upload or a delete for its record to go stale (drive-usage.ts).
//
//   #drive-due#<k>   <user>   when the drive's next work is due: ms since the epoch, or "0" for
//                             "look now" (k = FNV-1a of the user name mod dueRows)
//
// A request that leaves such work behind — an item moved to Trash, an upload reserved, a
// delete recorded — writes "0" after its change. The sweep reads the marks due, does the work,
// then writes the time the drive's next work is due, with a CPut from the value it read (a
// request that marked meanwhile wins, and the drive is looked at again). A drive with nothing
// waiting loses its mark: dropped first, then the drive is read once more and marked again if
// something arrived in between (its request marked before the drop, so its change is seen).
// Pure but for markDue.
import type { Config } from '../../../../cluster/common/config.ts';
import { hashText } from './drive-buckets';
import type { DriveContext } from './drive-context';
import type { Folder } from './drive-model';
import type { Usage } from './drive-usage';

/** Rows the marks are spread over, so that no one row holds every user. */
export const dueRows = 16;
export const lookNow = '0';

export const dueRow = (k: number) => `#drive-due#${k}`;

export function dueRowOf(user: string): string {
  return dueRow(hashText(user) % dueRows);
}

/**
 * Marks the user's drive to be looked at by the next sweep. A failure is logged and not
 * thrown: the change it follows is made, and opening the drive sweeps it too (drive-trash.ts,
 * drive-reclaim.ts).
 */
export async function markDue(d: DriveContext): Promise<void> {
  await d.cluster.put(dueRowOf(d.user), d.user, lookNow).catch((err: unknown) => d.log.warn(`drive: marking the drive of ${d.user} for the sweep failed: ${(err as Error).message}`));
}

/** When the drive's next waiting work is due (ms), or undefined when nothing waits. */
export function nextDue(usage: Usage | undefined, trash: Folder | undefined, drive: Readonly<Config['drive']>): number | undefined {
  let due = Infinity;
  for (const u of Object.values(usage?.uploads ?? {})) due = Math.min(due, u.touchedAt + (u.resumable ? drive.resumableUploadTtlMs : drive.uploadStaleMs) + 1);
  for (const del of Object.values(usage?.deletes ?? {})) due = Math.min(due, del.touchedAt + drive.uploadStaleMs + 1);
  for (const e of Object.values(trash?.entries ?? {})) if (e.trashed) due = Math.min(due, e.trashed.at + drive.trashRetentionMs);
  return due === Infinity ? undefined : due;
}

/** A mark's value as a time; a value this code never writes counts as "look now". */
export function dueAt(value: string): number {
  const ms = Number(value);
  return Number.isSafeInteger(ms) && ms >= 0 ? ms : 0;
}
