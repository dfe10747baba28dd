// Names and keys of the drive (docs/ARCHITECTURE.md, "Key-value store"): what a user may call a file
// or folder, the ids the drive hands out, and the rows and columns they live in. Pure.
//
//   <user>#files               folder:<id>   a folder's head: its parent, flags, bucket count (drive-model.ts)
//                              folder:<id>/<k>  bucket k of its entries (drive-buckets.ts)
//                              at:<fileId>   the folder a file is in (the authority on where it lives)
//                              usage         bytes used and the uploads in progress (drive-usage.ts)
//                              lock:tree     held while a folder moves, so two moves cannot make a cycle
//                              folder:trash  Trash: a folder no id names, its entries marked with where they came from
//   <user>#file#<fileId>#<n>   c/<index>     chunk <index> of the file (n = index / chunksPerRow)
//   <user>#names               n/<k>         the name index, packed (drive-search-index.ts)
import { randomBytes } from 'node:crypto';
import { HttpError } from '../errors';

export const rootId = 'root';
/**
 * Trash is a folder cell like any other, so a trashed item keeps its pointer discipline (a
 * file's `at:` names it, a folder's `parent` names it) and a final delete of it is the ordinary
 * delete. The id matches no item id (kindOfId answers undefined), so no route can open it as a
 * folder, move into it or upload into it.
 */
export const trashId = 'trash';
export const nameBytesMax = 255;

const idPattern = /^(root|[df][A-Za-z0-9_-]{16})$/;

export type ItemKind = 'file' | 'folder';

export function newId(kind: ItemKind): string {
  return (kind === 'folder' ? 'd' : 'f') + randomBytes(12).toString('base64url');
}

export function isValidId(id: string): boolean {
  return idPattern.test(id);
}

/** The kind an id names (root is a folder); undefined for a string that is no id at all. */
export function kindOfId(id: string): ItemKind | undefined {
  if (!isValidId(id)) return undefined;
  return id === rootId || id.startsWith('d') ? 'folder' : 'file';
}

export const filesRow = (user: string) => `${user}#files`;
export const folderColumn = (id: string) => `folder:${id}`;
/** Bucket `k` of a folder's entries; ids hold no "/", so one folder's prefix holds only its own buckets. */
export const bucketColumn = (id: string, k: number) => `folder:${id}/${k}`;
export const bucketPrefix = (id: string) => `folder:${id}/`;
export const fileAtColumn = (fileId: string) => `at:${fileId}`;
export const usageColumn = 'usage';
export const treeLockColumn = 'lock:tree';
export const namesRow = (user: string) => `${user}#names`;
/** The name index as drives before the packed one kept it (a column per item): dropped by the first build. */
export const oldSearchRow = (user: string) => `${user}#search`;

export function chunkRow(user: string, fileId: string, index: number, chunksPerRow: number): string {
  return chunkRowByNumber(user, fileId, Math.floor(index / chunksPerRow));
}

export function chunkRowByNumber(user: string, fileId: string, rowNumber: number): string {
  return `${user}#file#${fileId}#${rowNumber}`;
}

export function chunkColumn(index: number): string {
  return `c/${String(index).padStart(6, '0')}`;
}

/** Rows a file of `bytes` occupies (at least one, so an empty file's row is also looked at). */
export function chunkRowCount(bytes: number, chunkBytes: number, chunksPerRow: number): number {
  return Math.max(1, Math.ceil(Math.ceil(bytes / chunkBytes) / chunksPerRow));
}

/**
 * A valid name, NFC-normalized, or a 400 saying which rule it breaks. Names are shown as they
 * are typed; `/` would read as a path, NUL and control characters break headers and terminals,
 * "." and ".." mean something else everywhere, and 255 bytes is what common file systems hold.
 */
export function checkName(raw: unknown): string {
  if (typeof raw !== 'string' || raw.length === 0) throw badName('A name is required.');
  const name = raw.normalize('NFC');
  if (name.includes('/')) throw badName('Names cannot contain "/".');
  if (name.includes('\0')) throw badName('Names cannot contain the NUL character.');
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f]/.test(name)) throw badName('Names cannot contain control characters (such as a line break).');
  if (/^\.+$/.test(name)) throw badName('A name cannot be only dots.');
  if (name.trim() !== name) throw badName('Names cannot start or end with a space.');
  if (Buffer.byteLength(name, 'utf8') > nameBytesMax) throw badName(`Names are at most ${nameBytesMax} bytes long (UTF-8).`);
  return name;
}

function badName(message: string): HttpError {
  return new HttpError(400, 'invalid_argument', message);
}
