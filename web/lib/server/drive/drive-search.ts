// Search by name across a user's drive: reads the name index (drive-search-index.ts), every
// cell in a few ListColumns replies, and matches in memory; no folder is read. A drive whose
// index is not marked built (made before the index existed, or after an index write was lost)
// is indexed first: one walk of the tree from the root and Trash, reconciled with the index
// (missing records written, stale ones dropped), then the mark. One build per user at a time on
// a frontend.
import type { SearchResults } from '../../drive-trash-api';
import { HttpError } from '../errors';
import type { DriveContext } from './drive-context';
import { namesRow, oldSearchRow, rootId, trashId } from './drive-names';
import { builtColumn, findMatches, namesCodec, namesPrefix, sameRecord, type IndexDelta, type IndexRecord } from './drive-search-index';
import { runBounded, writeCells } from './drive-search-writes';
import { readFolder } from './drive-folders';
import { rootName } from './drive-tree';

export const queryCharsMax = 255;

export async function searchDrive(d: DriveContext, rawQuery: string): Promise<SearchResults> {
  const query = rawQuery.normalize('NFC').trim();
  if (query === '') throw new HttpError(400, 'invalid_argument', 'Type part of a name to search for.');
  if (query.length > queryCharsMax) throw new HttpError(400, 'invalid_argument', `A search is at most ${queryCharsMax} characters.`);
  if (!(await d.cluster.get(namesRow(d.user), builtColumn))) await buildIndexOnce(d);
  const records = await readIndex(d);
  const { hits, truncated } = findMatches(records.values(), query, d.config.drive.searchHitsMax, rootName);
  return { query, hits, truncated };
}

/** Every record of the index, by id: its cells page by page. */
export async function readIndex(d: DriveContext): Promise<Map<string, IndexRecord>> {
  const row = namesRow(d.user);
  const records = new Map<string, IndexRecord>();
  for (let after = '', more = true; more; ) {
    const page = await d.cluster.readColumns(row, { prefix: namesPrefix, after });
    for (const c of page.columns) for (const [id, r] of namesCodec.decode(c.value)) records.set(id, r);
    more = page.more && page.columns.length > 0;
    after = page.columns.at(-1)?.name ?? after;
  }
  return records;
}

const building = new Map<string, Promise<void>>();

function buildIndexOnce(d: DriveContext): Promise<void> {
  const running = building.get(d.user);
  if (running) return running;
  const build = buildIndex(d)
    .then(() => undefined)
    .finally(() => building.delete(d.user));
  building.set(d.user, build);
  return build;
}

/**
 * The records among `candidates` whose folder, read again now, does not list them so: a change
 * made during the walk (an upload that committed after its folder was read) wrote its record,
 * which the walk did not see, and must keep it.
 */
async function stillStale(d: DriveContext, candidates: IndexRecord[]): Promise<IndexRecord[]> {
  const parents = [...new Set(candidates.map((r) => r.parent))];
  const folders = new Map(await Promise.all(parents.map(async (id) => [id, await readFolder(d, id)] as const)));
  return candidates.filter((r) => folders.get(r.parent)?.entries[r.id]?.name !== r.name);
}

/** Makes the index match the tree, then marks it built. */
export async function buildIndex(d: DriveContext): Promise<{ written: number; dropped: number }> {
  const wanted = new Map<string, IndexRecord>();
  const queue = [rootId, trashId];
  const seen = new Set<string>();
  while (queue.length > 0) {
    const batch = queue.splice(0, 16).filter((id) => !seen.has(id));
    batch.forEach((id) => seen.add(id));
    const folders = await Promise.all(batch.map((id) => readFolder(d, id)));
    batch.forEach((folderId, i) => {
      for (const [id, entry] of Object.entries(folders[i]?.entries ?? {})) {
        if (!wanted.has(id)) wanted.set(id, { parent: folderId, id, name: entry.name });
        if (entry.kind === 'folder') queue.push(id);
      }
    });
  }
  const present = await readIndex(d);
  const delta: IndexDelta = {
    put: [...wanted.values()].filter((r) => !sameRecord(present.get(r.id), r)),
    // A record the walk did not find (or found elsewhere: then the put replaces it).
    remove: await stillStale(
      d,
      [...present.values()].filter((r) => !wanted.has(r.id)),
    ),
  };
  // Thrown here rather than logged (writeIndexDelta): the mark must not be set over a gap.
  await writeCells(d, delta);
  await d.cluster.put(namesRow(d.user), builtColumn, new Date().toISOString());
  if (delta.put.length + delta.remove.length > 0) d.log.info(`drive: indexed the names of ${d.user} (${delta.put.length} written, ${delta.remove.length} dropped)`);
  await dropOldIndex(d).catch((err: unknown) => d.log.warn(`drive: dropping the old name index of ${d.user} failed: ${(err as Error).message}`));
  return { written: delta.put.length, dropped: delta.remove.length };
}

/** The index as it was kept before the packed one (a column per item), deleted column by column. */
async function dropOldIndex(d: DriveContext): Promise<void> {
  const row = oldSearchRow(d.user);
  for (;;) {
    const page = await d.cluster.listColumnsPage(row, { limit: 1000 });
    if (page.columns.length === 0) return;
    await runBounded(
      page.columns.map((c) => () => d.cluster.delete(row, c.name)),
      32,
    );
  }
}
