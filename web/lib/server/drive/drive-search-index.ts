// The drive's name index, pure: one column per item in `<user>#search`, named
// `<bucket>/<parent>/<id>/<name>` with an empty value. Everything a search needs is in the
// column names, which ListColumns answers without values: a search lists the row (in
// `searchBuckets` slices at once, by the bucket prefix, each a few pages) and matches names in
// memory, and the same listing gives every folder's parent and name, so a hit's path is built
// without reading a folder. A substring match cannot use the row's order, so the row is not
// sorted by name; it is split by the item id's last character, which is random, so the slices
// are even. Names cannot hold "/", ids neither: the name is everything after the third "/".
import type { Crumb } from '../../drive-api';
import type { SearchHit } from '../../drive-trash-api';
import type { Folder } from './drive-model';
import { rootId, trashId } from './drive-names';

export const searchBuckets = 8;
/** Present once the index of a drive is complete (drive-search.ts builds it on the first search). */
export const builtColumn = '~built';

export interface IndexRecord {
  parent: string;
  id: string;
  name: string;
}

export function bucketOf(id: string): string {
  return String(id.charCodeAt(id.length - 1) % searchBuckets);
}

/** The store refuses U+FFFD in a column name (it marks bad UTF-8), so the index shows such a character as "?". */
export function indexColumn(parent: string, id: string, name: string): string {
  return `${bucketOf(id)}/${parent}/${id}/${name.replaceAll('\uFFFD', '?')}`;
}

export function parseIndexColumn(column: string): IndexRecord | undefined {
  const a = column.indexOf('/');
  const b = column.indexOf('/', a + 1);
  const c = column.indexOf('/', b + 1);
  if (a < 0 || b < 0 || c < 0) return undefined;
  return { parent: column.slice(a + 1, b), id: column.slice(b + 1, c), name: column.slice(c + 1) };
}

export interface IndexDelta {
  put: string[];
  remove: string[];
}

/** The index columns to add and drop when folder `folderId` changed from `before` to `after`. */
export function indexDelta(folderId: string, before: Folder, after: Folder): IndexDelta {
  const delta: IndexDelta = { put: [], remove: [] };
  if (before.entries === after.entries) return delta;
  for (const [id, entry] of Object.entries(after.entries)) {
    const old = before.entries[id];
    if (old === entry) continue;
    if (old && old.name === entry.name) continue;
    if (old) delta.remove.push(indexColumn(folderId, id, old.name));
    delta.put.push(indexColumn(folderId, id, entry.name));
  }
  for (const [id, entry] of Object.entries(before.entries)) {
    if (!(id in after.entries)) delta.remove.push(indexColumn(folderId, id, entry.name));
  }
  return delta;
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
