// The folder tree: list, create, rename, move, delete. Each folder is a head cell and bucket
// cells (drive-folders.ts, drive-buckets.ts), each changed only by CPut (../cells.ts). Where an
// item lives is decided by its pointer — a folder's `parent`, a file's `at:<id>` cell — and
// changed only by CPut too, so a move and a delete of one item cannot both win. The order of
// writes is chosen so that a frontend dying between two of them never loses an item: a move adds
// the entry to the target, then moves the pointer, then removes the old entry (a crash may
// briefly show the item in both folders); a rename into another bucket adds the entry under its
// new name, then removes the old (a crash leaves two copies, the newer shown, the older dropped
// by the next full read); a delete claims the pointer, records itself (drive-usage.ts), frees the
// content, removes the entry, then gives the bytes back — a delete cut short is finished by
// drive-reclaim.ts. Every folder change also updates the name index (drive-search.ts) after it
// is stored; Trash (drive-trash.ts) is one more folder, which no id names.
import type { Crumb, DriveItem, FolderListing } from '../../drive-api';
import { HttpError } from '../errors';
import { readCell, updateCell } from '../cells';
import { folderCodec, textCodec, type DriveContext } from './drive-context';
import { markDue } from './drive-due';
import { deleteFolderCells, findEntry, getFolder, headForChange, newBucketCount, readFolder, readPairs, removeEntry, roomOf, updateFolder } from './drive-folders';
import { folderGone, itemGone, newFolder, viewOf, withEntry, withName, withoutEntry, type Entry, type Folder, type FolderHead } from './drive-model';
import { checkName, fileAtColumn, filesRow, folderColumn, kindOfId, newId, rootId, trashId, treeLockColumn, usageColumn } from './drive-names';
import { decodeCursor, encodeCursor, pickPage, pageOfSorted, type Picked, type Place } from './drive-paging';
import { recall, remember } from './drive-snapshots';
import { freeChunks } from './drive-chunks';
import { rowsOfFile } from './drive-layout';
import { completeDelete, recordDelete, usageCodec } from './drive-usage';
import { bucketFor } from './drive-buckets';

export const rootName = 'My Drive';

function requireFolderId(id: string): void {
  if (kindOfId(id) !== 'folder') throw folderGone();
}

export interface PageRequest {
  /** The `next` of the page before; undefined for the first. */
  cursor?: string;
  /** Items on the page (drive.folderPageItems when undefined, at most drive.folderPageItemsMax). */
  limit?: number;
}

/** One page of a folder's items (drive-paging.ts), with the folder's path and the user's usage. */
export async function listFolder(d: DriveContext, id: string, request: PageRequest = {}): Promise<FolderListing> {
  requireFolderId(id);
  const after = request.cursor ? decodeCursor(request.cursor) : undefined;
  const limit = Math.min(request.limit ?? d.config.drive.folderPageItems, d.config.drive.folderPageItemsMax);
  const head = (await getFolder(d, id)) ?? (id === rootId ? newFolder(null, 0, 1) : undefined);
  if (!head) throw folderGone();
  const [page, path, usage] = await Promise.all([
    pageOf(d, id, head, after, limit),
    breadcrumbs(d, id, head),
    readCell(d.cluster, filesRow(d.user), usageColumn, usageCodec),
  ]);
  return {
    folder: { id, name: path[path.length - 1]!.name, deleting: head.deleting ?? false },
    path,
    items: page.entries.map(([itemId, entry]) => viewOf(itemId, entry)),
    total: page.total,
    next: page.next ? encodeCursor(page.next) : null,
    usage: { usedBytes: usage?.usedBytes ?? 0, quotaBytes: d.config.web.quotaBytes },
  };
}

/**
 * A page of a folder: a page after the first from this frontend's snapshot of a large folder
 * (drive-snapshots.ts) while there is one, else from a read of the whole folder.
 */
export async function pageOf(d: DriveContext, id: string, head: FolderHead, after: Place | undefined, limit: number): Promise<Picked> {
  const now = Date.now();
  const kept = after ? recall(d.config.drive, d.user, id, now) : undefined;
  if (kept) return pageOfSorted(kept, after, limit);
  const pairs = await readPairs(d, id, head);
  remember(d.config.drive, d.user, id, pairs, now);
  return pickPage(pairs, after, limit);
}

/** Root first; walks up the parents, each step a read of the parent's head and of the entry naming the child. */
export async function breadcrumbs(d: DriveContext, id: string, head: FolderHead): Promise<Crumb[]> {
  const path: Crumb[] = [];
  const seen = new Set<string>([id]);
  let current = id;
  let parentId = head.parent;
  while (parentId !== null) {
    if (seen.has(parentId)) break;
    const found = await findEntry(d, parentId, current);
    if (!found) break;
    path.unshift({ id: current, name: found.entry.name });
    seen.add(parentId);
    current = parentId;
    parentId = found.head.parent;
  }
  path.unshift({ id: rootId, name: rootName });
  return path;
}

/** Lists a new item (`entry` under `id`) in a folder: refused when its name is taken there. */
export function addEntry(d: DriveContext, folderId: string, id: string, entry: Entry): Promise<Folder> {
  const [bucketMax, shownMax] = roomOf(d);
  return updateFolder(d, folderId, { id, name: entry.name }, (f) => withEntry(f, id, entry, bucketMax, shownMax), { adds: true });
}

export async function createFolder(d: DriveContext, parentId: string, rawName: unknown): Promise<DriveItem> {
  requireFolderId(parentId);
  const name = checkName(rawName);
  const id = newId('folder');
  const now = Date.now();
  const entry: Entry = { kind: 'folder', name, created: now, modified: now };
  // The folder's own cell first: an entry never names a folder that does not exist.
  await d.cluster.put(filesRow(d.user), folderColumn(id), folderCodec.encode(newFolder(parentId, now, newBucketCount(d))));
  try {
    await addEntry(d, parentId, id, entry);
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
  const entry = (await findEntry(d, parent, id))?.entry;
  if (!entry) throw itemGone();
  return { id, kind, parent, entry };
}

export async function renameItem(d: DriveContext, id: string, rawName: unknown): Promise<DriveItem> {
  const name = checkName(rawName);
  const item = await locate(d, id);
  if (item.parent === trashId) throw inTrash();
  // Buckets decide the writes: an old folder is converted first.
  const head = await headForChange(d, item.parent);
  const now = Date.now();
  const oldName = item.entry.name;
  // Same bucket: one CPut, as always.
  if (bucketFor(head, id, oldName) === bucketFor(head, id, name)) {
    const folder = await updateFolder(d, item.parent, { id, name: oldName }, (f) => withName(f, id, name, now));
    return viewOf(id, folder.entries[id] ?? item.entry);
  }
  // Another bucket: listed under the new name first (where the name's uniqueness is checked),
  // then the old copy dropped — a crash in between leaves two copies, never none.
  if (oldName === name) return viewOf(id, item.entry);
  const renamed: Entry = { ...item.entry, name, modified: now };
  const [bucketMax, shownMax] = roomOf(d);
  await updateFolder(d, item.parent, { id, name }, (f) => {
    if (f.deleting) throw new HttpError(409, 'failed_precondition', 'This folder is being deleted.');
    return withEntry(f, id, renamed, bucketMax, shownMax);
  });
  await updateFolder(d, item.parent, { id, name: oldName }, (f) => (f.entries[id]?.name === oldName ? withoutEntry(f, id) : undefined));
  return viewOf(id, renamed);
}

export async function moveItem(d: DriveContext, id: string, targetId: string): Promise<DriveItem> {
  if (kindOfId(targetId) !== 'folder') throw new HttpError(404, 'not_found', 'The target folder does not exist.');
  const item = await locate(d, id);
  if (item.parent === trashId) throw inTrash();
  if (item.parent === targetId) return viewOf(id, item.entry);
  if (item.kind === 'file') {
    await relink(d, item, targetId, addAs(d, item, targetId), () => moveFilePointer(d, item, targetId));
    return viewOf(id, item.entry);
  }
  // Folder moves take the user's tree lock, so two moves cannot each pass the cycle check and
  // together make a loop cut off from the root.
  await withTreeLock(d, async () => {
    await refuseCycle(d, id, targetId);
    await relink(d, item, targetId, addAs(d, item, targetId), () => moveFolderPointer(d, item, targetId));
  });
  return viewOf(id, item.entry);
}

export function inTrash(): HttpError {
  return new HttpError(409, 'failed_precondition', 'That item is in Trash; restore it first.');
}

/** Lists the item in the target as it is. */
function addAs(d: DriveContext, item: Located, targetId: string): () => Promise<Entry> {
  return () => addEntry(d, targetId, item.id, item.entry).then(() => item.entry);
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
 * Adds the entry to the target (`add`, which answers the entry as listed there), moves the
 * pointer (undoing the add if that fails), drops the old entry.
 */
export async function relink(d: DriveContext, item: Located, targetId: string, add: () => Promise<Entry>, movePointer: () => Promise<void>): Promise<void> {
  let listed: Entry;
  try {
    listed = await add();
  } catch (err) {
    if (err instanceof HttpError && err.status === 404) throw new HttpError(404, 'not_found', 'The target folder does not exist.');
    throw err;
  }
  try {
    await movePointer();
  } catch (err) {
    await removeEntry(d, targetId, item.id, listed);
    throw err;
  }
  await removeEntry(d, item.parent, item.id, item.entry);
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

/** The delete requests (by their counts) that have marked their drive for the sweep. */
const markedDeletes = new WeakSet<Deleted>();

export async function deleteItem(d: DriveContext, id: string): Promise<Deleted> {
  const item = await locate(d, id, { deleting: true });
  const counts: Deleted = { files: 0, folders: 0, bytes: 0 };
  if (item.kind === 'file') await deleteFile(d, id, item.parent, counts, item.entry);
  else await deleteFolder(d, id, item.parent, counts, item.entry);
  return counts;
}

/**
 * Deletes a file listed in folder `within`: claims its pointer (a tombstone `-<folder>`, so a
 * concurrent move fails), records the delete in the usage cell, then finishes it (finishDelete).
 * A file whose pointer names another folder has moved: only the stale entry goes.
 */
async function deleteFile(d: DriveContext, id: string, within: string, counts: Deleted, known: Entry): Promise<void> {
  const row = filesRow(d.user);
  const atColumn = fileAtColumn(id);
  for (;;) {
    const at = await readCell(d.cluster, row, atColumn, textCodec);
    const home = at?.startsWith('-') ? at.slice(1) : at;
    if (home !== within) {
      await removeEntry(d, within, id, known);
      return;
    }
    if (at === home && !(await d.cluster.cput(row, atColumn, home, `-${home}`))) continue;
    break;
  }
  // Read again under the tombstone: a delete cut short may have removed it already.
  const entry = (await findEntry(d, within, id, known.name))?.entry;
  if (entry) {
    await updateCell(d.cluster, row, usageColumn, usageCodec, (u) => recordDelete(u, id, within, entry.size ?? 0, Date.now()));
    // Once per delete request: should this frontend die midway, the sweep finishes it.
    if (!markedDeletes.has(counts)) {
      markedDeletes.add(counts);
      await markDue(d);
    }
  }
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
  const removed = await removeEntry(d, folder, id, entry);
  await updateCell(d.cluster, row, usageColumn, usageCodec, (u) => completeDelete(u, id));
  await d.cluster.delete(row, fileAtColumn(id));
  return removed;
}

/**
 * Deletes a folder listed in `within` (as `known`) and all it holds: marks it deleting (nothing
 * more can be added; a concurrent move of it fails), deletes its children until a read of all
 * its buckets finds none, removes its entry, then its cells. A delete cut short leaves the
 * folder listed and marked; deleting it again finishes the job.
 */
async function deleteFolder(d: DriveContext, id: string, within: string, counts: Deleted, known: Entry): Promise<void> {
  const row = filesRow(d.user);
  let marked: FolderHead | undefined;
  try {
    marked = await updateCell(d.cluster, row, folderColumn(id), folderCodec, (f) => {
      if (!f || f.parent !== within) throw itemGone();
      return f.deleting ? undefined : { ...f, deleting: true };
    });
  } catch (err) {
    // Gone, or moved elsewhere: only a stale entry in `within` remains to drop.
    if (err instanceof HttpError && err.status === 404) {
      await removeEntry(d, within, id, known);
      return;
    }
    throw err;
  }
  for (let folder = await readFolder(d, id, marked); folder && Object.keys(folder.entries).length > 0; folder = await readFolder(d, id)) {
    for (const [childId, child] of Object.entries(folder.entries)) {
      if (child.kind === 'file') await deleteFile(d, childId, id, counts, child);
      else await deleteFolder(d, childId, id, counts, child);
    }
  }
  if (await removeEntry(d, within, id, known)) counts.folders++;
  await deleteFolderCells(d, id);
}
