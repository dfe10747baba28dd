// Names and keys of the drive (docs/ARCHITECTURE.md, "Storage layouts"): what a user may call a
// file or folder, the ids the drive hands out, and the rows and columns they live in. Pure.
//
//   <user>#files               folder:<id>   a folder: its parent and its entries (drive-model.ts)
//                              at:<fileId>   the folder a file is in (the authority on where it lives)
//                              usage         bytes used and the uploads in progress (drive-usage.ts)
//                              lock:tree     held while a folder moves, so two moves cannot make a cycle
//   <lane>:<user>#file#<fileId>#<n>
//                              c/<index>     chunk <index> of the file (a file stored with lanes)
//   <user>#file#<fileId>#<n>   c/<index>     chunk <index> of a file stored before lanes (n = index / chunksPerRow)
//
// Lanes: the store puts a row in a group by its first character, so every row named
// `<user>#…` lives in one group. A file's chunks are dealt round-robin over lanes, one
// character per group (`0`, `j`, `s` with the default boundaries), so consecutive chunks, and
// the writes and reads in flight, land on every group at once. The lane characters a file was
// stored with are recorded in its entry (and its upload record), so its rows are found the same
// way whatever the group boundaries become. Usernames start with a letter and never contain
// `:`, so a lane row can be no user's own row.
import { randomBytes } from 'node:crypto';
import { groupOfRow, type Config } from '../../../../cluster/common/config.ts';
import { HttpError } from '../errors';

export const rootId = 'root';
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
export const fileAtColumn = (fileId: string) => `at:${fileId}`;
export const usageColumn = 'usage';
export const treeLockColumn = 'lock:tree';

/** Where a file's chunks live: chunk size, chunks per row, and the lanes (absent: a file stored before lanes). */
export interface ChunkLayout {
  chunkBytes: number;
  chunksPerRow: number;
  /** One row-prefix character per lane, in the order chunks are dealt to them. */
  lanes?: string;
}

type RowLayout = Pick<ChunkLayout, 'chunksPerRow' | 'lanes'> & Partial<ChunkLayout>;

/**
 * The row of chunk `index`. Without lanes: row index / chunksPerRow. With k lanes: chunk i goes
 * to lane i mod k, and rows are numbered so that row n is in lane n mod k and holds that lane's
 * chunks of block n / k (a block is chunksPerRow·k consecutive chunks): still at most
 * chunksPerRow chunks a row, and rows 0…count-1 cover the file.
 */
export function chunkRow(user: string, fileId: string, index: number, layout: RowLayout): string {
  const k = layout.lanes?.length ?? 0;
  if (k === 0) return chunkRowByNumber(user, fileId, Math.floor(index / layout.chunksPerRow), layout);
  const block = Math.floor(index / (layout.chunksPerRow * k));
  return chunkRowByNumber(user, fileId, block * k + (index % k), layout);
}

export function chunkRowByNumber(user: string, fileId: string, rowNumber: number, layout: RowLayout): string {
  const lanes = layout.lanes ?? '';
  const row = `${user}#file#${fileId}#${rowNumber}`;
  return lanes.length === 0 ? row : `${lanes[rowNumber % lanes.length]}:${row}`;
}

export function chunkColumn(index: number): string {
  return `c/${String(index).padStart(6, '0')}`;
}

/** Rows a file of `chunks` chunks occupies (at least one, so an empty file's row is also looked at). */
export function chunkRowCountOfChunks(chunks: number, layout: RowLayout): number {
  const k = layout.lanes?.length ?? 0;
  if (k === 0) return Math.max(1, Math.ceil(chunks / layout.chunksPerRow));
  const perBlock = layout.chunksPerRow * k;
  const blocks = Math.floor(chunks / perBlock);
  return Math.max(1, blocks * k + Math.min(k, chunks - blocks * perBlock));
}

/** Rows a file of `bytes` occupies. */
export function chunkRowCount(bytes: number, layout: ChunkLayout): number {
  return chunkRowCountOfChunks(Math.ceil(bytes / layout.chunkBytes), layout);
}

/** Characters that are not a username's first (a digit, or a letter) in a row prefix, tried in order. */
const laneAlphabet = '0123456789abcdefghijklmnopqrstuvwxyz';

/**
 * One lane character per group of the store (the first character of the alphabet that the
 * group's boundaries give it), starting at lane `first` mod their count: a file starts on any
 * group, so small files spread too.
 */
export function groupLanes(config: Readonly<Config>, first: number): string {
  const byGroup = new Map<number, string>();
  for (const c of laneAlphabet) {
    const group = groupOfRow(config, c);
    if (!byGroup.has(group)) byGroup.set(group, c);
  }
  const lanes = [...byGroup.entries()].sort((a, b) => a[0] - b[0]).map(([, c]) => c);
  const start = ((first % lanes.length) + lanes.length) % lanes.length;
  return [...lanes.slice(start), ...lanes.slice(0, start)].join('');
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
