// The folder tree: list, create, rename, move, delete. Each folder is one cell (drive-model.ts)
// changed only by CPut (../cells.ts). Where an item lives is decided by its pointer — a
// folder's `parent`, a file's `at:<id>` cell — and changed only by CPut too, so a move and a
// delete of one item cannot both win. The order of writes is chosen so that a frontend dying
// between two of them never loses an item: a move adds the entry to the target, then moves the
// pointer, then removes the old entry (a crash may briefly show the item in both folders); a
// delete claims the pointer, records itself (drive-usage.ts), frees the content, removes the
// entry, then gives the bytes back — a delete cut short is finished by drive-reclaim.ts.
// Every folder change also updates the name index (drive-search.ts) after it is stored; Trash
// (drive-trash.ts) is one more folder, which no id names.
import type { Crumb, DriveItem, FolderListing } from '../../drive-api';
import { HttpError } from '../errors';
import { readCell, updateCell } from '../cells';
import { folderCodec, textCodec, type DriveContext } from './drive-context';
import {
  folderGone,
  itemGone,
  newFolder,
  sortedViews,
  viewOf,
  withEntry,
  withName,
  withoutEntry,
  type Entry,
  type Folder,
} from './drive-model';
import { checkName, fileAtColumn, filesRow, folderColumn, kindOfId, newId, rootId, trashId, treeLockColumn, usageColumn } from './drive-names';
import { indexDelta } from './drive-search-index';
import { writeIndexDelta } from './drive-search-writes';
import { freeChunks } from './drive-chunks';
import { rowsOfFile } from './drive-layout';
import { completeDelete, recordDelete, usageCodec } from './drive-usage';

export const rootName = 'My Drive';


const busy = 'Too many changes at once to this folder; try again.';

export function getFolder(d: DriveContext, id: string): Promise<Folder | undefined> {
  return readCell(d.cluster, filesRow(d.user), folderColumn(id), folderCodec);
}

/** The root exists from the first write into the drive on, Trash from the first item trashed. */
async function ensureFolder(d: DriveContext, id: string): Promise<void> {
  const row = filesRow(d.user);
  if (await d.cluster.get(row, folderColumn(id))) return;
  const folder = id === trashId ? { ...newFolder(null, Date.now()), trash: true } : newFolder(null, Date.now());
  await d.cluster.cput(row, folderColumn(id), null, folderCodec.encode(folder));
}

/** Changes an existing folder (404 when it is gone), then brings the name index up to date. */
export async function updateFolder(d: DriveContext, id: string, change: (f: Folder) => Folder | undefined): Promise<Folder | undefined> {
  if (id === rootId || id === trashId) await ensureFolder(d, id);
  // The change may run several times (updateCell retries and batches). The last run that
  // changed something gives this caller's part: a later run that finds nothing to do found its
  // own earlier write (a reply lost) or the same change by another writer, and the index
  // writes are the same either way (a put or delete of one column, done twice, is done once).
  let seen: { before: Folder; after: Folder } | undefined;
  const stored = await updateCell(
    d.cluster,
    filesRow(d.user),
    folderColumn(id),
    folderCodec,
    (current) => {
      if (!current) throw folderGone();
      const next = change(current);
      if (next) seen = { before: current, after: next };
      return next;
    },
    busy,
  );
  if (seen) await writeIndexDelta(d, indexDelta(id, seen.before, seen.after));
  return stored;
}

/** Removes an entry; answers it when this call removed it, undefined when it was already gone. */
export async function removeEntry(d: DriveContext, folderId: string, id: string): Promise<Entry | undefined> {
  let removed: Entry | undefined;
  try {
    await updateFolder(d, folderId, (f) => {
      removed = f.entries[id];
      return withoutEntry(f, id);
    });
  } catch (err) {
    if (err instanceof HttpError && err.status === 404) return undefined;
    throw err;
  }
  return removed;
}

function requireFolderId(id: string): void {
  if (kindOfId(id) !== 'folder') throw folderGone();
}

export async function listFolder(d: DriveContext, id: string): Promise<FolderListing> {
  requireFolderId(id);
  const folder = (await getFolder(d, id)) ?? (id === rootId ? newFolder(null, 0) : undefined);
  if (!folder) throw folderGone();
  const [path, usage] = await Promise.all([breadcrumbs(d, id, folder), readCell(d.cluster, filesRow(d.user), usageColumn, usageCodec)]);
  return {
    folder: { id, name: path[path.length - 1]!.name, deleting: folder.deleting ?? false },
    path,
    items: sortedViews(folder),
    usage: { usedBytes: usage?.usedBytes ?? 0, quotaBytes: d.config.web.quotaBytes },
  };
}

/** Root first; walks up the parents, each step one read. */
export async function breadcrumbs(d: DriveContext, id: string, folder: Folder): Promise<Crumb[]> {
  const path: Crumb[] = [];
  const seen = new Set<string>([id]);
  let current = id;
  let parentId = folder.parent;
  while (parentId !== null) {
    const parent = await getFolder(d, parentId);
    if (!parent || seen.has(parentId)) break;
    path.unshift({ id: current, name: parent.entries[current]?.name ?? '…' });
    seen.add(parentId);
    current = parentId;
    parentId = parent.parent;
  }
  path.unshift({ id: rootId, name: rootName });
  return path;
}

export async function createFolder(d: DriveContext, parentId: string, rawName: unknown): Promise<DriveItem> {
  requireFolderId(parentId);
  const name = checkName(rawName);
  const id = newId('folder');
  const now = Date.now();
  const entry: Entry = { kind: 'folder', name, created: now, modified: now };
  // The folder's own cell first: an entry never names a folder that does not exist.
  await d.cluster.put(filesRow(d.user), folderColumn(id), folderCodec.encode(newFolder(parentId, now)));
  try {
    await updateFolder(d, parentId, (f) => withEntry(f, id, entry, d.config.drive.folderEntriesMax));
  } catch (err) {
    // Nothing names the new cell yet, so removing it need not hold up the answer (with the
    // store down it would wait out another deadline); a failed removal leaves an unseen cell.
    void d.cluster.delete(filesRow(d.user), folderColumn(id)).catch(() => {});
    throw err;
  }
  return viewOf(id, entry);
}

export interface Located {
  id: string;
  kind: 'file' | 'folder';
  parent: string;
  entry: Entry;
}

/**
 * Where an item of this user lives, by its pointer; 404 for an id that is not (or no longer)
 * theirs. A file being deleted (its pointer a tombstone) is found only by another delete, which
 * then finishes the one cut short.
 */
export async function locate(d: DriveContext, id: string, { deleting = false } = {}): Promise<Located> {
  const kind = kindOfId(id);
  if (!kind) throw itemGone();
  if (id === rootId) throw new HttpError(400, 'invalid_argument', 'The top folder cannot be renamed, moved or deleted.');
  let parent: string | undefined;
  if (kind === 'file') {
    const at = await readCell(d.cluster, filesRow(d.user), fileAtColumn(id), textCodec);
    if (at !== undefined && !at.startsWith('-')) parent = at;
    else if (at !== undefined && deleting) parent = at.slice(1);
  } else {
    parent = (await getFolder(d, id))?.parent ?? undefined;
  }
  if (parent === undefined) throw itemGone();
  const entry = (await getFolder(d, parent))?.entries[id];
  if (!entry) throw itemGone();
  return { id, kind, parent, entry };
}

export async function renameItem(d: DriveContext, id: string, rawName: unknown): Promise<DriveItem> {
  const name = checkName(rawName);
  const item = await locate(d, id);
  if (item.parent === trashId) throw inTrash();
  const folder = await updateFolder(d, item.parent, (f) => withName(f, id, name, Date.now()));
  return viewOf(id, folder?.entries[id] ?? item.entry);
}

export async function moveItem(d: DriveContext, id: string, targetId: string): Promise<DriveItem> {
  if (kindOfId(targetId) !== 'folder') throw new HttpError(404, 'not_found', 'The target folder does not exist.');
  const item = await locate(d, id);
  if (item.parent === trashId) throw inTrash();
  if (item.parent === targetId) return viewOf(id, item.entry);
  if (item.kind === 'file') {
    await relink(d, item, targetId, addAs(d, item), () => moveFilePointer(d, item, targetId));
    return viewOf(id, item.entry);
  }
  // Folder moves take the user's tree lock, so two moves cannot each pass the cycle check and
  // together make a loop cut off from the root.
  await withTreeLock(d, async () => {
    await refuseCycle(d, id, targetId);
    await relink(d, item, targetId, addAs(d, item), () => moveFolderPointer(d, item, targetId));
  });
  return viewOf(id, item.entry);
}

export function inTrash(): HttpError {
  return new HttpError(409, 'failed_precondition', 'That item is in Trash; restore it first.');
}

/** The target's change that lists the item as it is. */
function addAs(d: DriveContext, item: Located): (f: Folder) => Folder | undefined {
  return (f) => withEntry(f, item.id, item.entry, d.config.drive.folderEntriesMax);
}

export async function moveFilePointer(d: DriveContext, item: Located, targetId: string): Promise<void> {
  if (!(await d.cluster.cput(filesRow(d.user), fileAtColumn(item.id), item.parent, targetId))) throw itemGone();
}

export async function moveFolderPointer(d: DriveContext, item: Located, targetId: string): Promise<void> {
  await updateCell(d.cluster, filesRow(d.user), folderColumn(item.id), folderCodec, (f) => {
    if (!f || f.deleting || f.parent !== item.parent) throw itemGone();
    return { ...f, parent: targetId };
  });
}

/**
 * Adds the entry to the target (`add`, the target's change), moves the pointer (undoing the add
 * if that fails), drops the old entry.
 */
export async function relink(d: DriveContext, item: Located, targetId: string, add: (f: Folder) => Folder | undefined, movePointer: () => Promise<void>): Promise<void> {
  try {
    await updateFolder(d, targetId, add);
  } catch (err) {
    if (err instanceof HttpError && err.status === 404) throw new HttpError(404, 'not_found', 'The target folder does not exist.');
    throw err;
  }
  try {
    await movePointer();
  } catch (err) {
    await removeEntry(d, targetId, item.id);
    throw err;
  }
  await removeEntry(d, item.parent, item.id);
}

export async function refuseCycle(d: DriveContext, id: string, targetId: string): Promise<void> {
  const seen = new Set<string>();
  for (let at: string | null = targetId; at !== null; at = (await getFolder(d, at))?.parent ?? null) {
    if (at === id) throw new HttpError(400, 'invalid_argument', 'A folder cannot be moved into itself or into a folder inside it.');
    if (seen.has(at)) break;
    seen.add(at);
  }
}

const lockLeaseMs = 30_000;

export async function withTreeLock<T>(d: DriveContext, fn: () => Promise<T>): Promise<T> {
  const row = filesRow(d.user);
  const mine = JSON.stringify({ owner: newId('file'), expiresAt: Date.now() + lockLeaseMs });
  const deadline = Date.now() + d.config.timeouts.driveLockWaitMs;
  for (;;) {
    const held = await d.cluster.get(row, treeLockColumn);
    const expiredHold = held && (JSON.parse(held.toString('utf8')) as { expiresAt: number }).expiresAt < Date.now();
    if ((!held || expiredHold) && (await d.cluster.cput(row, treeLockColumn, held ?? null, mine))) break;
    if (Date.now() > deadline) throw new HttpError(409, 'aborted', 'Another folder is being moved right now; try again.');
    await new Promise((r) => setTimeout(r, 10 + Math.random() * 40));
  }
  const release = async () => {
    const held = await d.cluster.get(row, treeLockColumn).catch(() => undefined);
    if (held?.toString('utf8') === mine) await d.cluster.delete(row, treeLockColumn).catch(() => {});
  };
  let result: T;
  try {
    result = await fn();
  } catch (err) {
    // A failed move answers at once; the lock is released behind it (or expires: lockLeaseMs).
    void release();
    throw err;
  }
  await release();
  return result;
}

export interface Deleted {
  files: number;
  folders: number;
  bytes: number;
}

export async function deleteItem(d: DriveContext, id: string): Promise<Deleted> {
  const item = await locate(d, id, { deleting: true });
  const counts: Deleted = { files: 0, folders: 0, bytes: 0 };
  if (item.kind === 'file') await deleteFile(d, id, item.parent, counts);
  else await deleteFolder(d, id, item.parent, counts);
  return counts;
}

/**
 * Deletes a file listed in folder `within`: claims its pointer (a tombstone `-<folder>`, so a
 * concurrent move fails), records the delete in the usage cell, then finishes it (finishDelete).
 * A file whose pointer names another folder has moved: only the stale entry goes.
 */
async function deleteFile(d: DriveContext, id: string, within: string, counts: Deleted): Promise<void> {
  const row = filesRow(d.user);
  const atColumn = fileAtColumn(id);
  for (;;) {
    const at = await readCell(d.cluster, row, atColumn, textCodec);
    const home = at?.startsWith('-') ? at.slice(1) : at;
    if (home !== within) {
      await removeEntry(d, within, id);
      return;
    }
    if (at === home && !(await d.cluster.cput(row, atColumn, home, `-${home}`))) continue;
    break;
  }
  const entry = (await getFolder(d, within))?.entries[id];
  if (entry) await updateCell(d.cluster, row, usageColumn, usageCodec, (u) => recordDelete(u, id, within, entry.size ?? 0, Date.now()));
  const removed = await finishDelete(d, id, within, entry);
  if (removed) {
    counts.files++;
    counts.bytes += removed.size ?? 0;
  }
}

/**
 * The rest of a file's delete, safe to run again and from several frontends at once (the
 * reclaimer runs it for a frontend that died): frees the chunks, removes the entry, gives the
 * bytes back with the record (once), then drops the tombstone. Answers the entry if this call
 * removed it. `entry` is the file's entry as `folder` lists it; its size names the chunk rows
 * (a delete cut short emptied some of them from the first on, so they cannot be found by
 * looking). Without one, the entry was removed, which happens only after every chunk is freed.
 */
export async function finishDelete(d: DriveContext, id: string, folder: string, entry: Entry | undefined): Promise<Entry | undefined> {
  const row = filesRow(d.user);
  await freeChunks(d.cluster, d.user, id, entry ? rowsOfFile(entry, d.config.drive) : 0);
  const removed = await removeEntry(d, folder, id);
  await updateCell(d.cluster, row, usageColumn, usageCodec, (u) => completeDelete(u, id));
  await d.cluster.delete(row, fileAtColumn(id));
  return removed;
}

/**
 * Deletes a folder listed in `within` and all it holds: marks it deleting (nothing more can be
 * added; a concurrent move of it fails), deletes its children, removes its entry, then its cell.
 * A delete cut short leaves the folder listed and marked; deleting it again finishes the job.
 */
async function deleteFolder(d: DriveContext, id: string, within: string, counts: Deleted): Promise<void> {
  const row = filesRow(d.user);
  let marked: Folder | undefined;
  try {
    marked = await updateCell(d.cluster, row, folderColumn(id), folderCodec, (f) => {
      if (!f || f.parent !== within) throw itemGone();
      return f.deleting ? undefined : { ...f, deleting: true };
    });
  } catch (err) {
    // Gone, or moved elsewhere: only a stale entry in `within` remains to drop.
    if (err instanceof HttpError && err.status === 404) {
      await removeEntry(d, within, id);
      return;
    }
    throw err;
  }
  for (let folder = marked; folder && Object.keys(folder.entries).length > 0; folder = await getFolder(d, id)) {
    for (const [childId, child] of Object.entries(folder.entries)) {
      if (child.kind === 'file') await deleteFile(d, childId, id, counts);
      else await deleteFolder(d, childId, id, counts);
    }
  }
  if (await removeEntry(d, within, id)) counts.folders++;
  await d.cluster.delete(row, folderColumn(id));
}
