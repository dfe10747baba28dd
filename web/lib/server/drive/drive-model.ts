// The drive's metadata values and the pure changes made to them. A folder is a head cell (its
// parent, its flags, how many buckets it has) and its entries (name, kind, size, times), spread
// over bucket cells by a hash of the name (drive-buckets.ts): a change reads and CPuts one
// bucket (../cells.ts retries it), and the change functions here see the folder as its head
// with the entries of that one bucket — where a name must be unique, every entry that could
// hold it. A head written before buckets existed holds all the entries itself (`entries`, no
// `buckets`); drive-folders.ts reads it as it is and converts it on the first change.
// A change that finds the folder already as it wants it (a retry of a CPut that had applied)
// answers `undefined`: nothing to write.
import { z } from 'zod';
import type { DriveItem } from '../../drive-api';
import { HttpError } from '../errors';

const entrySchema = z.object({
  kind: z.enum(['file', 'folder']),
  name: z.string(),
  created: z.number(),
  modified: z.number(),
  /** Files only: bytes, media type, the chunk layout they were stored with, SHA-256 of the content. */
  size: z.number().optional(),
  type: z.string().optional(),
  chunkBytes: z.number().optional(),
  chunksPerRow: z.number().optional(),
  sha256: z.string().optional(),
  /** Entries of Trash only: the folder the item was in, that folder's path then, and when it was trashed. */
  trashed: z.object({ from: z.string(), fromPath: z.string(), at: z.number() }).optional(),
});
export type Entry = z.infer<typeof entrySchema>;

/** A file's entry as both uploads (one request, or resumable) name it when they finish. */
export function newFileEntry(file: { name: string; size: number; type: string; chunkBytes: number; chunksPerRow: number; sha256?: string }, now: number): Entry {
  return { kind: 'file', created: now, modified: now, ...file };
}

const folderSchema = z.object({
  /** null for the root. */
  parent: z.string().nullable(),
  created: z.number(),
  /** Set when a recursive delete begins: nothing more is added, and the delete can be resumed. */
  deleting: z.boolean().optional(),
  /** Set on Trash (drive-names.ts, trashId): names need not differ there, and nothing is added but by trashing. */
  trash: z.boolean().optional(),
  /** How many bucket cells the entries are spread over (drive-buckets.ts); fixed for the folder's life. */
  buckets: z.number().int().min(1).optional(),
  /** A folder from before buckets: all its entries, here. With `buckets` too: a conversion under way, these still the truth. */
  entries: z.record(z.string(), entrySchema).optional(),
});
/** A folder's head cell, `folder:<id>`, as stored. */
export type FolderHead = z.infer<typeof folderSchema>;
/** A folder as a change or a listing sees it: its head with the entries of one bucket, or of all. */
export type Folder = FolderHead & { entries: Record<string, Entry> };

/**
 * A folder's head cell. Only the frame is checked here, not every entry: an old head of
 * thousands of entries is read on every change to it, and checking each entry (zod) doubled the
 * garbage of a busy folder. The cells are written only by this module's encodeFolder, after
 * folderSchema-shaped changes; `checkFolder` validates a whole head where that matters (tests).
 */
export function decodeFolder(value: Buffer): FolderHead {
  const head = JSON.parse(value.toString('utf8')) as FolderHead;
  const framed =
    typeof head === 'object' &&
    head !== null &&
    'parent' in head &&
    (head.entries === undefined ? typeof head.buckets === 'number' : typeof head.entries === 'object' && head.entries !== null);
  if (!framed) throw new Error('a folder cell is malformed');
  return head;
}

export function checkFolder(value: unknown): FolderHead {
  return folderSchema.parse(value);
}

export function encodeFolder(head: FolderHead): Buffer {
  return Buffer.from(JSON.stringify(head), 'utf8');
}

/** A new folder's head: its entries go to `buckets` bucket cells. */
export function newFolder(parent: string | null, nowMs: number, buckets: number): FolderHead {
  return { parent, created: nowMs, buckets };
}

/** The head without entries, with `entries` as the entries seen: what a change works on. */
export function folderView(head: FolderHead, entries: Record<string, Entry>): Folder {
  return { ...head, entries };
}

export function findByName(folder: Folder, name: string): string | undefined {
  for (const [id, entry] of Object.entries(folder.entries)) if (entry.name === name) return id;
  return undefined;
}

function taken(name: string): HttpError {
  return new HttpError(409, 'already_exists', `Something named "${name}" is already in this folder.`);
}

export function folderGone(): HttpError {
  return new HttpError(404, 'not_found', 'That folder does not exist (it may have been deleted).');
}

export function itemGone(): HttpError {
  return new HttpError(404, 'not_found', 'That file or folder does not exist (it may have been moved or deleted).');
}

/**
 * Adds an entry under a fresh id; refuses a taken name, a folder being deleted, a full folder
 * (`entriesMax` entries in what `folder` holds: one bucket; `shownMax` is what the refusal names).
 */
export function withEntry(folder: Folder, id: string, entry: Entry, entriesMax: number, shownMax = entriesMax): Folder | undefined {
  const existing = folder.entries[id];
  if (existing && existing.name === entry.name) return undefined;
  if (folder.deleting) throw new HttpError(409, 'failed_precondition', 'This folder is being deleted.');
  if (folder.trash) throw new HttpError(409, 'failed_precondition', 'Nothing can be put in Trash but by deleting it.');
  const other = findByName(folder, entry.name);
  if (other !== undefined && other !== id) throw taken(entry.name);
  if (Object.keys(folder.entries).length >= entriesMax) {
    throw new HttpError(409, 'failed_precondition', `A folder holds at most ${shownMax} files and folders; make a new folder.`);
  }
  return { ...folder, entries: { ...folder.entries, [id]: entry } };
}

export function withoutEntry(folder: Folder, id: string): Folder | undefined {
  if (!folder.entries[id]) return undefined;
  const entries = { ...folder.entries };
  delete entries[id];
  return { ...folder, entries };
}

export function withName(folder: Folder, id: string, name: string, nowMs: number): Folder | undefined {
  const entry = folder.entries[id];
  if (!entry) throw itemGone();
  if (folder.trash) throw new HttpError(409, 'failed_precondition', 'An item in Trash cannot be renamed; restore it first.');
  if (entry.name === name) return undefined;
  if (folder.deleting) throw new HttpError(409, 'failed_precondition', 'This folder is being deleted.');
  if (findByName(folder, name) !== undefined) throw taken(name);
  return { ...folder, entries: { ...folder.entries, [id]: { ...entry, name, modified: nowMs } } };
}

export function viewOf(id: string, entry: Entry): DriveItem {
  const view: DriveItem = {
    id,
    kind: entry.kind,
    name: entry.name,
    created: new Date(entry.created).toISOString(),
    modified: new Date(entry.modified).toISOString(),
  };
  if (entry.kind === 'file') {
    view.size = entry.size ?? 0;
    view.type = entry.type ?? 'application/octet-stream';
  }
  return view;
}

const collator = new Intl.Collator('en', { numeric: true, sensitivity: 'base' });

/**
 * The listing's order: folders first, then by name the way people sort (numbers by value, case
 * folded); names the collator finds equal ("a.txt", "A.txt") by their code points, then by id,
 * so the order is total and a page cursor names one place in it.
 */
export function compareItems(a: { kind: Entry['kind']; name: string; id: string }, b: { kind: Entry['kind']; name: string; id: string }): number {
  if (a.kind !== b.kind) return a.kind === 'folder' ? -1 : 1;
  return collator.compare(a.name, b.name) || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
}

/** All of a folder's items in the listing's order. */
export function sortedViews(folder: Folder): DriveItem[] {
  return Object.entries(folder.entries)
    .map(([id, e]) => viewOf(id, e))
    .sort(compareItems);
}
