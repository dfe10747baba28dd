// Trash: deleting from the page moves an item into Trash, a folder cell no id names
// (drive-names.ts, trashId), by the same three steps as a move (drive-tree.ts, relink): listed
// in Trash, pointer moved, old entry dropped. Its content stays where it is and stays counted
// against the quota until it is deleted for good — by DELETE /api/drive/items/<id>, by Empty
// Trash, or by the sweep once it has been there drive.trashRetentionMs. Restoring moves it back
// to the folder it came from, or to the top when that folder is gone, deleted or itself in
// Trash, under a free name ("name (1).ext") when its own is taken there.
//
// The sweep runs when the user opens their drive or Trash, at most once per
// drive.trashSweepIntervalMs per user and frontend, and it deletes at most
// drive.trashSweepItemsMax items a run, so no request carries an unbounded purge. For a user who
// never opens the drive again, the background sweep (drive-housekeeping.ts) runs it: a move to
// Trash marks the drive (drive-due.ts).
import type { Crumb, DriveItem } from '../../drive-api';
import type { Restored, TrashListing } from '../../drive-trash-api';
import { readCell } from '../cells';
import { HttpError } from '../errors';
import { textCodec, type DriveContext } from './drive-context';
import { markDue } from './drive-due';
import { findEntry, getFolder, readFolder, removeEntry, roomOf, updateFolder } from './drive-folders';
import { viewOf, withEntry, type Entry, type Folder, type FolderHead } from './drive-model';
import { fileAtColumn, filesRow, kindOfId, rootId, trashId, usageColumn } from './drive-names';
import { expiredInTrash, nameCandidate, restoredEntry, trashPage, withTrashed, type Trashed } from './drive-trash-rules';
import { breadcrumbs, deleteItem, locate, moveFilePointer, moveFolderPointer, refuseCycle, relink, withTreeLock, type Deleted, type Located, type PageRequest } from './drive-tree';
import { usageCodec } from './drive-usage';

const dayMs = 24 * 60 * 60 * 1000;

function movePointer(d: DriveContext, item: Located, targetId: string): () => Promise<void> {
  return () => (item.kind === 'file' ? moveFilePointer(d, item, targetId) : moveFolderPointer(d, item, targetId));
}

/** Names a restore tries ("name (1).ext", …) before it gives up. */
const restoreNamesMax = 1000;

async function pathOf(d: DriveContext, folderId: string, folder?: FolderHead): Promise<Crumb[]> {
  const f = folder ?? (await getFolder(d, folderId));
  return f ? breadcrumbs(d, folderId, f) : [{ id: rootId, name: 'My Drive' }];
}

export async function trashItem(d: DriveContext, id: string): Promise<DriveItem> {
  const item = await locate(d, id);
  if (item.parent === trashId) return viewOf(id, item.entry);
  const fromPath = (await pathOf(d, item.parent)).map((c) => c.name).join(' / ');
  const trashed = { from: item.parent, fromPath, at: Date.now() };
  await relink(d, item, trashId, () => addToTrash(d, id, item.entry, trashed), movePointer(d, item, trashId));
  await markDue(d);
  return viewOf(id, item.entry);
}

/** Lists an item in Trash (in the bucket its id picks); answers its entry there. */
async function addToTrash(d: DriveContext, id: string, entry: Entry, trashed: Trashed): Promise<Entry> {
  const [bucketMax, shownMax] = roomOf(d);
  await updateFolder(d, trashId, { id, name: entry.name }, (f) => withTrashed(f, id, entry, trashed, bucketMax, shownMax));
  return { ...entry, trashed };
}

/**
 * A file given way to a new one of the same name (an upload's Replace, drive-tus-commit.ts) goes
 * to Trash, so the replace can be undone from there. The steps of a move to Trash, except the
 * last: listed in Trash, pointer moved, then one CPut of the folder (`swap`) takes the old entry
 * out and puts the new one in, so the name always names a whole file. A step that fails undoes
 * the earlier ones. False: the old file is no longer where it was (nothing changed); a commit cut
 * short after the pointer moved finds it in Trash already and goes on.
 */
export async function replaceIntoTrash(d: DriveContext, folderId: string, oldId: string, old: Entry, swap: (f: Folder) => Folder | undefined): Promise<boolean> {
  const row = filesRow(d.user);
  const fromPath = (await pathOf(d, folderId)).map((c) => c.name).join(' / ');
  const inTrash = await addToTrash(d, oldId, old, { from: folderId, fromPath, at: Date.now() });
  const moved = (await d.cluster.cput(row, fileAtColumn(oldId), folderId, trashId)) || (await readCell(d.cluster, row, fileAtColumn(oldId), textCodec)) === trashId;
  if (!moved) {
    await removeEntry(d, trashId, oldId, inTrash);
    return false;
  }
  try {
    // The new file has the old one's name: both are in the bucket that name picks.
    await updateFolder(d, folderId, { id: oldId, name: old.name }, swap, { adds: true });
  } catch (err) {
    await d.cluster.cput(row, fileAtColumn(oldId), trashId, folderId);
    await removeEntry(d, trashId, oldId, inTrash);
    throw err;
  }
  return true;
}

/**
 * Where a restored item goes: the folder it came from while that folder is still reachable
 * from the top (not deleted, not being deleted, not in Trash itself), else the top.
 */
async function restoreTarget(d: DriveContext, from: string): Promise<string> {
  const seen = new Set<string>();
  for (let at: string | null = from; at !== null; ) {
    if (at === rootId) return from;
    if (at === trashId || seen.has(at)) return rootId;
    seen.add(at);
    const folder: FolderHead | undefined = await getFolder(d, at);
    if (!folder || folder.deleting) return rootId;
    at = folder.parent;
  }
  return rootId;
}

export async function restoreItem(d: DriveContext, id: string): Promise<Restored> {
  const kind = kindOfId(id);
  const entry = kind ? (await findEntry(d, trashId, id))?.entry : undefined;
  if (!kind || !entry) throw new HttpError(404, 'not_found', 'That item is not in Trash (it may have been restored or deleted for good).');
  const item: Located = { id, kind, parent: trashId, entry };
  let name = entry.name;
  const restoreInto = async (target: string) => {
    try {
      await relink(d, item, target, () => addUnderFreeName(d, target, id, entry).then((listed) => ((name = listed.name), listed)), movePointer(d, item, target));
      return target;
    } catch (err) {
      // The folder went between the check and the add: the top is always there.
      if (target !== rootId && err instanceof HttpError && err.status === 404 && (await getFolder(d, target)) === undefined) {
        await relink(d, item, rootId, () => addUnderFreeName(d, rootId, id, entry).then((listed) => ((name = listed.name), listed)), movePointer(d, item, rootId));
        return rootId;
      }
      throw err;
    }
  };
  let target = await restoreTarget(d, entry.trashed?.from ?? rootId);
  if (kind === 'file') {
    target = await restoreInto(target);
  } else {
    // As any folder move: under the tree lock, and never into itself (its old parent may have
    // been moved inside it while it was in Trash — then it goes to the top).
    target = await withTreeLock(d, async () => {
      const safe = await refuseCycle(d, id, target).then(
        () => target,
        () => rootId,
      );
      return restoreInto(safe);
    });
  }
  const path = await pathOf(d, target);
  return { item: viewOf(id, restoredEntry(entry, name)), folder: path[path.length - 1]! };
}

/**
 * Lists a restored item in `target` under its own name, or the first free of "name (1).ext", …:
 * each candidate is one CPut of the bucket its name picks, refused when the name is taken there.
 * A candidate that finds the item itself under that name (a retry) takes it.
 */
async function addUnderFreeName(d: DriveContext, target: string, id: string, entry: Entry): Promise<Entry> {
  const [bucketMax, shownMax] = roomOf(d);
  for (let n = 0; n < restoreNamesMax; n++) {
    const listed = restoredEntry(entry, nameCandidate(entry.name, entry.kind, n));
    try {
      await updateFolder(d, target, { id, name: listed.name }, (f: Folder) => withEntry(f, id, listed, bucketMax, shownMax), { adds: true });
      return listed;
    } catch (err) {
      if (!(err instanceof HttpError && err.code === 'already_exists')) throw err;
    }
  }
  throw new HttpError(409, 'already_exists', `"${entry.name}" and the next ${restoreNamesMax - 1} names like it are taken there; rename some first.`);
}

export async function listTrash(d: DriveContext, request: PageRequest = {}): Promise<TrashListing> {
  const [trash, usage] = await Promise.all([readFolder(d, trashId), readCell(d.cluster, filesRow(d.user), usageColumn, usageCodec)]);
  const retentionMs = d.config.drive.trashRetentionMs;
  const limit = Math.min(request.limit ?? d.config.drive.folderPageItems, d.config.drive.folderPageItemsMax);
  return {
    ...trashPage(trash, retentionMs, request.cursor, limit),
    usage: { usedBytes: usage?.usedBytes ?? 0, quotaBytes: d.config.web.quotaBytes },
    retentionDays: Math.round(retentionMs / dayMs),
  };
}

/** Deletes these items of Trash for good, a few at once; one already gone counts nothing. */
async function deleteForGood(d: DriveContext, ids: string[]): Promise<Deleted> {
  const total: Deleted = { files: 0, folders: 0, bytes: 0 };
  let next = 0;
  const worker = async () => {
    while (next < ids.length) {
      const id = ids[next++]!;
      try {
        const done = await deleteItem(d, id);
        total.files += done.files;
        total.folders += done.folders;
        total.bytes += done.bytes;
      } catch (err) {
        if (!(err instanceof HttpError && err.status === 404)) throw err;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(4, ids.length) }, worker));
  return total;
}

/** Empty Trash: everything in it, through the ordinary delete (which gives the bytes back). */
export async function emptyTrash(d: DriveContext): Promise<Deleted> {
  const trash = await readFolder(d, trashId);
  return deleteForGood(d, Object.keys(trash?.entries ?? {}));
}

/** Deletes for good at most trashSweepItemsMax items that have been in Trash past the retention. */
export async function sweepTrash(d: DriveContext, nowMs = Date.now()): Promise<Deleted> {
  const { trashRetentionMs, trashSweepItemsMax } = d.config.drive;
  return deleteForGood(d, expiredInTrash(await readFolder(d, trashId), nowMs, trashRetentionMs, trashSweepItemsMax));
}

const lastSweepByUser = new Map<string, number>();

/** Sweeps in the background, at most once per trashSweepIntervalMs per user on this frontend. */
export function sweepSoon(d: DriveContext): void {
  const now = Date.now();
  if (now - (lastSweepByUser.get(d.user) ?? 0) < d.config.drive.trashSweepIntervalMs) return;
  lastSweepByUser.set(d.user, now);
  if (lastSweepByUser.size > 10_000) lastSweepByUser.delete(lastSweepByUser.keys().next().value as string);
  sweepTrash(d)
    .then((done) => done.files + done.folders > 0 && d.log.info(`drive: the sweep deleted ${done.files} files and ${done.folders} folders from the Trash of ${d.user}`))
    .catch((err: unknown) => d.log.warn(`drive: sweeping the Trash of ${d.user} failed: ${(err as Error).message}`));
}
