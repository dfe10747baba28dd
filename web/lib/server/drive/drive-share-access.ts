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
import { sortedViews, viewOf, type Folder } from './drive-model';
import { fileAtColumn, filesRow, kindOfId, rootId } from './drive-names';
import { getFolder } from './drive-tree';

export function notShared(): HttpError {
  return new HttpError(404, 'not_found', 'That file or folder is not in this share (it may have been moved or deleted).');
}

/** One step up from an item of the owner's drive: its pointer, then its parent's entry. */
function stepReader(d: DriveContext, folders: Map<string, Folder | undefined>): StepReader {
  const folder = async (id: string) => {
    if (!folders.has(id)) folders.set(id, await getFolder(d, id));
    return folders.get(id);
  };
  return async (id) => {
    const kind = kindOfId(id);
    if (!kind) return undefined;
    let parent: string | null | undefined;
    if (kind === 'file') {
      const at = await readCell(d.cluster, filesRow(d.user), fileAtColumn(id), textCodec);
      // A tombstone (`-<folder>`) is a file being deleted: gone.
      parent = at === undefined || at.startsWith('-') ? undefined : at;
    } else {
      parent = (await folder(id))?.parent;
    }
    if (parent === undefined) return undefined;
    if (parent === null) return { parent: null, name: '' };
    const entry = (await folder(parent))?.entries[id];
    return entry ? { parent, name: entry.name } : undefined;
  };
}

interface Reached {
  path: Crumb[];
  /** Folder cells read on the way (the item's own, for a folder, among them). */
  folders: Map<string, Folder | undefined>;
}

/** The path from the shared item down to `itemId`, or 404 when it is not inside a live share. */
export async function reach(d: DriveContext, sharedId: string, itemId: string): Promise<Reached> {
  if (!kindOfId(itemId) || itemId === rootId) throw notShared();
  const folders = new Map<string, Folder | undefined>();
  const path = await pathWithin(sharedId, itemId, rootId, stepReader(d, folders));
  if (!path) throw notShared();
  return { path, folders };
}

/** The shared item as it is now, or undefined when it is no longer in the owner's drive. */
export async function sharedItem(d: DriveContext, sharedId: string): Promise<DriveItem | undefined> {
  try {
    return itemView(sharedId, (await reach(d, sharedId, sharedId)).folders);
  } catch (err) {
    if (err instanceof HttpError && err.status === 404) return undefined;
    throw err;
  }
}

function itemView(id: string, folders: Map<string, Folder | undefined>): DriveItem | undefined {
  // The walk read the item's parent, whose entry gives its size, type and times.
  for (const folder of folders.values()) {
    const entry = folder?.entries[id];
    if (entry) return viewOf(id, entry);
  }
  return undefined;
}

/** A folder inside the share: its items and its path from the shared folder. */
export async function listShared(d: DriveContext, sharedId: string, folderId: string): Promise<SharedListing> {
  if (kindOfId(folderId) !== 'folder') throw notShared();
  const { path, folders } = await reach(d, sharedId, folderId);
  const folder = folders.get(folderId) ?? (await getFolder(d, folderId));
  if (!folder) throw notShared();
  return { folder: path[path.length - 1]!, path, items: sortedViews(folder) };
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
