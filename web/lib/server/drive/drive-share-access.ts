// Reading an owner's drive on behalf of someone they shared an item with (a link's visitor, a
// user in "Shared with me"): only the shared item and what is inside it, read-only. Every
// request walks up from the item it names to the top folder (drive-share-rules.ts,
// pathWithin), so an item moved out of the share, or the share moved to Trash, is out of reach
// at once, on every frontend: nothing is remembered between requests.
import type { DriveItem } from '../../drive-api';
import { readCell } from '../cells';
import { HttpError } from '../errors';
import type { SharedListing } from './drive-share-api';
import { pathWithin, type Crumb, type StepReader } from './drive-share-rules';
import { textCodec, type DriveContext } from './drive-context';
import { downloadFile } from './drive-download';
import { findEntry, getFolder } from './drive-folders';
import { viewOf, type Entry, type FolderHead } from './drive-model';
import { fileAtColumn, filesRow, kindOfId, rootId } from './drive-names';
import { decodeCursor, encodeCursor } from './drive-paging';
import { pageOf, type PageRequest } from './drive-tree';

export function notShared(): HttpError {
  return new HttpError(404, 'not_found', 'That file or folder is not in this share (it may have been moved or deleted).');
}

/** One step up from an item of the owner's drive: its pointer, then its parent's entry (kept in `entries`). */
function stepReader(d: DriveContext, heads: Map<string, FolderHead | undefined>, entries: Map<string, Entry>): StepReader {
  return async (id) => {
    const kind = kindOfId(id);
    if (!kind) return undefined;
    let parent: string | null | undefined;
    if (kind === 'file') {
      const at = await readCell(d.cluster, filesRow(d.user), fileAtColumn(id), textCodec);
      // A tombstone (`-<folder>`) is a file being deleted: gone.
      parent = at === undefined || at.startsWith('-') ? undefined : at;
    } else {
      if (!heads.has(id)) heads.set(id, await getFolder(d, id));
      parent = heads.get(id)?.parent;
    }
    if (parent === undefined) return undefined;
    if (parent === null) return { parent: null, name: '' };
    const entry = (await findEntry(d, parent, id))?.entry;
    if (!entry) return undefined;
    entries.set(id, entry);
    return { parent, name: entry.name };
  };
}

interface Reached {
  path: Crumb[];
  /** Folder heads read on the way (the item's own, for a folder, among them). */
  heads: Map<string, FolderHead | undefined>;
  /** The entries that list each item on the way, by id. */
  entries: Map<string, Entry>;
}

/** The path from the shared item down to `itemId`, or 404 when it is not inside a live share. */
export async function reach(d: DriveContext, sharedId: string, itemId: string): Promise<Reached> {
  if (!kindOfId(itemId) || itemId === rootId) throw notShared();
  const heads = new Map<string, FolderHead | undefined>();
  const entries = new Map<string, Entry>();
  const path = await pathWithin(sharedId, itemId, rootId, stepReader(d, heads, entries));
  if (!path) throw notShared();
  return { path, heads, entries };
}

/** The shared item as it is now, or undefined when it is no longer in the owner's drive. */
export async function sharedItem(d: DriveContext, sharedId: string): Promise<DriveItem | undefined> {
  try {
    // The walk read the entry that lists the item: its size, type and times.
    const entry = (await reach(d, sharedId, sharedId)).entries.get(sharedId);
    return entry ? viewOf(sharedId, entry) : undefined;
  } catch (err) {
    if (err instanceof HttpError && err.status === 404) return undefined;
    throw err;
  }
}

/** A folder inside the share: a page of its items (drive-paging.ts) and its path from the shared folder. */
export async function listShared(d: DriveContext, sharedId: string, folderId: string, request: PageRequest = {}): Promise<SharedListing> {
  if (kindOfId(folderId) !== 'folder') throw notShared();
  const after = request.cursor ? decodeCursor(request.cursor) : undefined;
  const limit = Math.min(request.limit ?? d.config.drive.folderPageItems, d.config.drive.folderPageItemsMax);
  const { path, heads } = await reach(d, sharedId, folderId);
  const head = heads.get(folderId) ?? (await getFolder(d, folderId));
  if (!head) throw notShared();
  const page = await pageOf(d, folderId, head, after, limit);
  return {
    folder: path[path.length - 1]!,
    path,
    items: page.entries.map(([id, entry]) => viewOf(id, entry)),
    total: page.total,
    next: page.next ? encodeCursor(page.next) : null,
  };
}

/** A file inside the share, streamed as an attachment (drive-download.ts). */
export async function downloadShared(d: DriveContext, sharedId: string, fileId: string, req: Request, withBody: boolean): Promise<Response> {
  if (kindOfId(fileId) !== 'file') throw notShared();
  await reach(d, sharedId, fileId);
  const response = await downloadFile(d, fileId, req, withBody);
  // A visitor's page is ours: never let a shared file's answer be kept by a shared cache, nor
  // tell the next site where the visitor came from.
  response.headers.set('Cache-Control', 'private, no-store, no-transform');
  response.headers.set('Referrer-Policy', 'no-referrer');
  return response;
}
