// The folder store: a folder's head cell and its bucket cells (drive-buckets.ts) — reading them
// whole, finding one entry, and changing one bucket by CPut (../cells.ts). Every change brings
// the name index (drive-search-index.ts) up to date after it is stored.
//
// A folder written before buckets existed keeps all its entries in its head. It is read as it
// is, and converted by the first change to it, in three steps any frontend may repeat or finish:
// (1) the head gets its bucket count, which freezes its entries (from then on no change writes
// them: every change converts first); (2) each bucket is written from the frozen entries,
// expect-absent — what is there was written by another converter from the same entries, or
// changed since by a writer that finished the conversion; (3) the head drops its entries, and
// the buckets become the truth. Until (3) readers use the head's entries. Bucket cells are never
// deleted while the folder lives, so a slow converter cannot bring back an emptied one.
//
// An add of a new item checks the head again after its bucket is stored: a recursive delete
// (drive-tree.ts) marks the head `deleting`, then empties the buckets until it finds them all
// empty, so an add that read the head before the mark and wrote after the last look would leave
// an item nobody deletes; such an add takes itself back out and is refused.
import { readCell, updateCell } from '../cells';
import { HttpError } from '../errors';
import { bucketCountFor, bucketFor, bucketOfColumn, encodeBucket, mergeBuckets, splitIntoBuckets, type Bucket, type StaleCopy } from './drive-buckets';
import { bucketCodec, folderCodec, type DriveContext } from './drive-context';
import { folderGone, folderView, newFolder, withoutEntry, type Entry, type Folder, type FolderHead } from './drive-model';
import { bucketColumn, bucketPrefix, filesRow, folderColumn, namesRow, rootId, trashId } from './drive-names';
import { indexDelta, nameBucketOf, nameCell, namesCodec } from './drive-search-index';
import { runBounded, writeIndexDelta } from './drive-search-writes';
import { forget } from './drive-snapshots';

const busy = 'Too many changes at once to this folder; try again.';
/** Reads or writes of bucket cells in flight at once for one folder (a conversion, a delete). */
const bucketsInFlightMax = 16;
/** A bound on one entry's encoded size (a 255-byte name, a hash, times), to bound a whole read. */
const entryBytesMax = 1024;

export function getFolder(d: DriveContext, id: string): Promise<FolderHead | undefined> {
  return readCell(d.cluster, filesRow(d.user), folderColumn(id), folderCodec);
}

/** The bucket count of a folder made now. */
export function newBucketCount(d: DriveContext): number {
  return bucketCountFor(d.config.drive);
}

/** The most entries one change may leave in a bucket, and the folder's room as a refusal names it. */
export function roomOf(d: DriveContext): [bucketMax: number, shownMax: number] {
  return [d.config.drive.folderBucketEntriesMax, d.config.drive.folderEntriesMax];
}

/** The head of a folder about to change: root and Trash made on first use, an old head converted. */
export async function headForChange(d: DriveContext, id: string): Promise<FolderHead> {
  let head = await getFolder(d, id);
  if (!head && (id === rootId || id === trashId)) {
    const made = id === trashId ? { ...newFolder(null, Date.now(), newBucketCount(d)), trash: true } : newFolder(null, Date.now(), newBucketCount(d));
    await d.cluster.cput(filesRow(d.user), folderColumn(id), null, folderCodec.encode(made));
    head = await getFolder(d, id);
  }
  if (!head) throw folderGone();
  return head.entries ? convert(d, id) : head;
}

/** Moves an old one-value folder's entries into buckets (the three steps above). */
async function convert(d: DriveContext, id: string): Promise<FolderHead> {
  const row = filesRow(d.user);
  const count = newBucketCount(d);
  const frozen = await updateCell(d.cluster, row, folderColumn(id), folderCodec, (h) => {
    if (!h) throw folderGone();
    return h.entries && h.buckets === undefined ? { ...h, buckets: count } : undefined;
  }, busy);
  if (!frozen) throw folderGone();
  if (!frozen.entries) return frozen;
  const groups = [...splitIntoBuckets(frozen, frozen.entries)];
  await runBounded(
    groups.map(([k, entries]) => () => d.cluster.cput(row, bucketColumn(id, k), null, encodeBucket({ entries }))),
    bucketsInFlightMax,
  );
  const done = await updateCell(d.cluster, row, folderColumn(id), folderCodec, (h) => {
    if (!h) throw folderGone();
    if (!h.entries) return undefined;
    const rest = { ...h };
    delete rest.entries;
    return rest;
  }, busy);
  if (!done) throw folderGone();
  forget(d.user, id);
  d.log.info(`drive: moved the ${Object.keys(frozen.entries).length} entries of folder ${id} of ${d.user} into ${groups.length} buckets`);
  return done;
}

/** Every entry of the folder, each id once; undefined when the folder does not exist. */
export async function readFolder(d: DriveContext, id: string, known?: FolderHead): Promise<Folder | undefined> {
  const head = known ?? (await getFolder(d, id));
  if (!head) return undefined;
  if (head.entries) return folderView(head, head.entries);
  return folderView(head, Object.fromEntries(await readPairs(d, id, head)));
}

/** Every entry of a folder whose head is `head`, each id once, as [id, entry] in no order: what a listing reads. */
export async function readPairs(d: DriveContext, id: string, head: FolderHead): Promise<[string, Entry][]> {
  if (head.entries) return Object.entries(head.entries);
  const prefix = bucketPrefix(id);
  const bytesMax = (head.buckets ?? 1) * d.config.drive.folderBucketEntriesMax * entryBytesMax;
  const page = await d.cluster.readColumns(filesRow(d.user), { prefix, bytesMax });
  if (page.more) throw new HttpError(500, 'internal', `folder ${id} holds more than its buckets may`);
  const buckets: { bucket: number; entries: Record<string, Entry> }[] = [];
  for (const c of page.columns) {
    const k = bucketOfColumn(prefix, c.name);
    if (k !== undefined) buckets.push({ bucket: k, entries: bucketCodec.decode(c.value).entries });
  }
  const merged = mergeBuckets(buckets);
  if (merged.stale.length > 0) dropStale(d, id, merged.stale);
  return merged.pairs;
}

/** Drops the older copies a rename cut short left, behind the answer. */
function dropStale(d: DriveContext, id: string, stale: StaleCopy[]): void {
  for (const copy of stale) {
    const name = copy.entry.name;
    updateFolder(d, id, { id: copy.id, name }, (f) => {
      const held = f.entries[copy.id];
      return held && held.name === name && held.modified === copy.entry.modified ? withoutEntry(f, copy.id) : undefined;
    }).catch((err: unknown) => d.log.warn(`drive: dropping a stale copy of ${copy.id} in folder ${id} of ${d.user} failed: ${(err as Error).message}`));
  }
}

async function readBucket(d: DriveContext, folderId: string, k: number): Promise<Bucket | undefined> {
  return readCell(d.cluster, filesRow(d.user), bucketColumn(folderId, k), bucketCodec);
}

export interface Found {
  head: FolderHead;
  entry: Entry;
}

/**
 * The folder's entry for `id`, or undefined (no such folder or entry). Its bucket depends on its
 * name: `nameHint` when the caller knows it, else the names the search index holds for it (one
 * small listing), else — an index that missed a change, a drive indexed before it existed —
 * the whole folder is read.
 */
export async function findEntry(d: DriveContext, folderId: string, id: string, nameHint?: string): Promise<Found | undefined> {
  const head = await getFolder(d, folderId);
  if (!head) return undefined;
  if (head.entries) {
    const entry = head.entries[id];
    return entry ? { head, entry } : undefined;
  }
  const tried = new Set<number>();
  const inBucket = async (k: number): Promise<Entry | undefined> => {
    if (tried.has(k)) return undefined;
    tried.add(k);
    return (await readBucket(d, folderId, k))?.entries[id];
  };
  if (head.trash) {
    const entry = await inBucket(bucketFor(head, id, ''));
    return entry ? { head, entry } : undefined;
  }
  const hints = nameHint !== undefined ? [nameHint] : [];
  if (nameHint === undefined) {
    const record = (await readCell(d.cluster, namesRow(d.user), nameCell(nameBucketOf(id)), namesCodec))?.get(id);
    if (record?.parent === folderId) hints.push(record.name);
  }
  // A rename cut short may hold two copies; only the whole read tells which is newer.
  const found = (await Promise.all(hints.map((name) => inBucket(bucketFor(head, id, name))))).filter((e) => e !== undefined);
  if (found.length === 1) return { head, entry: found[0]! };
  const entry = (await readPairs(d, folderId, head)).find(([e]) => e === id)?.[1];
  return entry ? { head, entry } : undefined;
}

/** Which item of the folder holds `name` now, if any: one bucket read. */
export async function holderOf(d: DriveContext, folderId: string, name: string): Promise<{ id: string; entry: Entry } | undefined> {
  return (await holdersOf(d, folderId, [name])).get(name);
}

/** The items of the folder holding any of `names` now, by name: each bucket they pick read once (404: no such folder). */
export async function holdersOf(d: DriveContext, folderId: string, names: string[]): Promise<Map<string, { id: string; entry: Entry }>> {
  const head = (await getFolder(d, folderId)) ?? (folderId === rootId ? newFolder(null, 0, 1) : undefined);
  if (!head) throw folderGone();
  const wanted = new Set(names);
  const held = new Map<string, { id: string; entry: Entry }>();
  const look = (entries: Record<string, Entry>) => {
    for (const [id, entry] of Object.entries(entries)) if (wanted.has(entry.name)) held.set(entry.name, { id, entry });
  };
  if (head.entries) {
    look(head.entries);
    return held;
  }
  const buckets = [...new Set(names.map((name) => bucketFor(head, '', name)))];
  await runBounded(
    buckets.map((k) => async () => look((await readBucket(d, folderId, k))?.entries ?? {})),
    bucketsInFlightMax,
  );
  return held;
}

export interface Key {
  id: string;
  /** The name the change is about: its bucket (in Trash, the id picks it). */
  name: string;
}

/**
 * Changes the bucket that holds `key` (404 when the folder is gone), then brings the name index
 * up to date; answers the bucket as stored, seen as the folder. `adds`: the change may list an
 * item new to this folder, which is taken back out (and refused) if the folder began to be
 * deleted meanwhile.
 */
export async function updateFolder(
  d: DriveContext,
  id: string,
  key: Key,
  change: (f: Folder) => Folder | undefined,
  { adds = false } = {},
): Promise<Folder> {
  const head = await headForChange(d, id);
  const column = bucketColumn(id, bucketFor(head, key.id, key.name));
  // The change may run several times (updateCell retries and batches). The last run that
  // changed something gives this caller's part: a later run that finds nothing to do found its
  // own earlier write (a reply lost) or the same change by another writer, and the index
  // writes are the same either way (a put or delete of one column, done twice, is done once).
  let seen: { before: Folder; after: Folder } | undefined;
  const stored = await updateCell(
    d.cluster,
    filesRow(d.user),
    column,
    bucketCodec,
    (bucket) => {
      const before = folderView(head, bucket?.entries ?? {});
      const after = change(before);
      if (after) seen = { before, after };
      return after ? { entries: after.entries } : undefined;
    },
    busy,
  );
  forget(d.user, id);
  if (seen) {
    const added = Object.keys(seen.after.entries).filter((e) => !(e in seen!.before.entries));
    if (adds && added.length > 0 && !head.trash) await refuseIfDeleting(d, id, column, seen.before, seen.after);
    await writeIndexDelta(d, indexDelta(id, seen.before, seen.after));
  }
  return folderView(head, stored?.entries ?? {});
}

/** After an add: when the folder is now being deleted (or gone), the change is undone — what it added out, what it took out (a swap) back — and refused. */
async function refuseIfDeleting(d: DriveContext, id: string, column: string, before: Folder, after: Folder): Promise<void> {
  const now = await getFolder(d, id);
  if (now && !now.deleting) return;
  const row = filesRow(d.user);
  await updateCell(d.cluster, row, column, bucketCodec, (bucket) => {
    const entries = { ...bucket?.entries };
    let changed = false;
    for (const [e, entry] of Object.entries(after.entries)) {
      if (e in before.entries || entries[e]?.name !== entry.name) continue;
      delete entries[e];
      changed = true;
    }
    for (const [e, entry] of Object.entries(before.entries)) {
      if (e in after.entries || e in entries) continue;
      entries[e] = entry;
      changed = true;
    }
    return changed ? { entries } : undefined;
  });
  // With the head gone, nothing else will delete the bucket this add made.
  if (!now) await d.cluster.delete(row, column);
  if (!now) throw folderGone();
  throw new HttpError(409, 'failed_precondition', 'This folder is being deleted.');
}

/** Removes an entry; answers it when this call removed it, undefined when it was already gone. */
export async function removeEntry(d: DriveContext, folderId: string, id: string, known?: Entry): Promise<Entry | undefined> {
  const entry = known ?? (await findEntry(d, folderId, id))?.entry;
  if (!entry) return undefined;
  let removed: Entry | undefined;
  try {
    await updateFolder(d, folderId, { id, name: entry.name }, (f) => {
      removed = f.entries[id];
      return withoutEntry(f, id);
    });
  } catch (err) {
    if (err instanceof HttpError && err.status === 404) return undefined;
    throw err;
  }
  return removed;
}

/** Deletes a folder's bucket cells, then its head: the last step of a recursive delete. */
export async function deleteFolderCells(d: DriveContext, id: string): Promise<void> {
  const row = filesRow(d.user);
  const prefix = bucketPrefix(id);
  for (let after = '', more = true; more; ) {
    const page = await d.cluster.listColumnsPage(row, { prefix, after });
    await runBounded(page.columns.map((c) => () => d.cluster.delete(row, c.name)), bucketsInFlightMax);
    more = page.more && page.columns.length > 0;
    after = page.columns.at(-1)?.name ?? after;
  }
  await d.cluster.delete(row, folderColumn(id));
  forget(d.user, id);
}
