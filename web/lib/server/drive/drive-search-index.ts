// The drive's name index, pure: every file and folder as a record (id, parent, name) in
// `<user>#names`, packed by the item's id into nameBuckets cells `n/<k>`, each a JSON array of
// [id, parent, name] triples. A search reads every cell (ListColumns with values: a few replies
// of plain bytes, not a column per item) and matches names in memory, and the same records give
// every folder's parent and name, so a hit's path is built without reading a folder. A substring
// match cannot use any order, so the cells are split by the id's random last characters and stay
// even; a folder change rewrites the cells of the items it touched, by CPut (cells.ts), one
// small cell each. A record is keyed by its id: a put replaces the item's record, a removal
// takes it only while it is still the record removed (a move's two folder writes, in either
// order, leave the new one).
import type { Crumb } from '../../drive-api';
import type { SearchHit } from '../../drive-trash-api';
import type { CellCodec } from '../cells';
import type { Folder } from './drive-model';
import { rootId, trashId } from './drive-names';

export const nameBuckets = 512;
/** Present once the index of a drive is complete (drive-search.ts builds it on the first search). */
export const builtColumn = '~built';
export const namesPrefix = 'n/';

export interface IndexRecord {
  parent: string;
  id: string;
  name: string;
}

const base64url = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

/** The cell an item's record is in: its id's last two characters are random base64url (drive-names.ts, newId), 12 bits. */
export function nameBucketOf(id: string): number {
  const n = id.length;
  return (Math.max(0, base64url.indexOf(id[n - 1] ?? '')) * 64 + Math.max(0, base64url.indexOf(id[n - 2] ?? ''))) % nameBuckets;
}

export const nameCell = (k: number) => `${namesPrefix}${k}`;

/** A cell's records by id. Anything but a triple of strings is skipped: the cell is only ever written here. */
export const namesCodec: CellCodec<Map<string, IndexRecord>> = {
  decode(value) {
    const out = new Map<string, IndexRecord>();
    const parsed: unknown = JSON.parse(value.toString('utf8'));
    if (!Array.isArray(parsed)) return out;
    for (const t of parsed as unknown[]) {
      if (Array.isArray(t) && typeof t[0] === 'string' && typeof t[1] === 'string' && typeof t[2] === 'string') out.set(t[0], { id: t[0], parent: t[1], name: t[2] });
    }
    return out;
  },
  encode(records) {
    return Buffer.from(JSON.stringify([...records.values()].map((r) => [r.id, r.parent, r.name])), 'utf8');
  },
};

export interface IndexDelta {
  put: IndexRecord[];
  remove: IndexRecord[];
}

/** The same item at the same place under the same name. */
export const sameRecord = (a: IndexRecord | undefined, b: IndexRecord) => a !== undefined && a.parent === b.parent && a.name === b.name;

/** The records to write and drop when folder `folderId` changed from `before` to `after`. */
export function indexDelta(folderId: string, before: Folder, after: Folder): IndexDelta {
  const delta: IndexDelta = { put: [], remove: [] };
  if (before.entries === after.entries) return delta;
  for (const [id, entry] of Object.entries(after.entries)) {
    const old = before.entries[id];
    if (old === entry) continue;
    if (old && old.name === entry.name) continue;
    delta.put.push({ parent: folderId, id, name: entry.name });
  }
  for (const [id, entry] of Object.entries(before.entries)) {
    if (!(id in after.entries)) delta.remove.push({ parent: folderId, id, name: entry.name });
  }
  return delta;
}

/** The delta split by cell. */
export function deltaByCell(delta: IndexDelta): Map<number, IndexDelta> {
  const out = new Map<number, IndexDelta>();
  const of = (id: string) => {
    const k = nameBucketOf(id);
    let cell = out.get(k);
    if (!cell) out.set(k, (cell = { put: [], remove: [] }));
    return cell;
  };
  for (const r of delta.remove) of(r.id).remove.push(r);
  for (const r of delta.put) of(r.id).put.push(r);
  return out;
}

/** One cell with a delta applied (removals first, each only while its record is the one there); undefined when nothing changes. */
export function applyDelta(current: Map<string, IndexRecord> | undefined, delta: IndexDelta): Map<string, IndexRecord> | undefined {
  const next = new Map(current ?? []);
  let changed = false;
  for (const r of delta.remove) {
    if (sameRecord(next.get(r.id), r)) {
      next.delete(r.id);
      changed = true;
    }
  }
  for (const r of delta.put) {
    if (!sameRecord(next.get(r.id), r)) {
      next.set(r.id, r);
      changed = true;
    }
  }
  return changed ? next : undefined;
}

/** Case- and normalization-blind form of a name or a query. */
export function foldName(text: string): string {
  return text.normalize('NFC').toLowerCase();
}

/** Folder ids begin with "d" (drive-names.ts, newId); the index holds only ids the drive made. */
const kindOf = (id: string): 'file' | 'folder' => (id.startsWith('d') ? 'folder' : 'file');

export interface Matches {
  hits: SearchHit[];
  truncated: boolean;
}

/**
 * The items whose name holds `query` (folded), in live folders: an item in Trash, inside a
 * trashed folder, or under a folder the index no longer knows (a half-finished change) is left
 * out. Exact names first, then names that start with the query, then by name; at most `max`.
 * An item listed under two parents (a move under way) is reported once, under the parent whose
 * path is whole.
 */
export function findMatches(records: Iterable<IndexRecord>, query: string, max: number, rootName: string): Matches {
  const folded = foldName(query);
  const folders = new Map<string, IndexRecord>();
  const found: IndexRecord[] = [];
  for (const r of records) {
    if (kindOf(r.id) === 'folder') folders.set(r.id, r);
    if (foldName(r.name).includes(folded)) found.push(r);
  }
  const paths = new Map<string, Crumb[] | null>([[rootId, [{ id: rootId, name: rootName }]], [trashId, null]]);
  const pathOf = (folderId: string, depth = 0): Crumb[] | null => {
    const known = paths.get(folderId);
    if (known !== undefined) return known;
    const record = folders.get(folderId);
    // Depth bounds a loop a half-finished move could leave in the index.
    const above = record && depth < 1000 ? pathOf(record.parent, depth + 1) : null;
    const path = above ? [...above, { id: folderId, name: record!.name }] : null;
    paths.set(folderId, path);
    return path;
  };
  const byId = new Map<string, SearchHit>();
  for (const r of found) {
    if (byId.has(r.id)) continue;
    const path = pathOf(r.parent);
    if (path) byId.set(r.id, { id: r.id, kind: kindOf(r.id), name: r.name, path });
  }
  // Plain order of the folded names: a collator over a hundred thousand hits costs too much.
  const keyed = [...byId.values()].map((hit) => {
    const key = foldName(hit.name);
    return { hit, key, rank: key === folded ? 0 : key.startsWith(folded) ? 1 : 2 };
  });
  keyed.sort((a, b) => a.rank - b.rank || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  return { hits: keyed.slice(0, max).map((k) => k.hit), truncated: keyed.length > max };
}
