// Search by name across a user's drive: lists the name index (drive-search-index.ts), all its
// slices at once, and matches in memory; no folder is read. A drive whose index is not marked
// built (made before the index existed, or after an index write was lost) is indexed first:
// one walk of the tree from the root and Trash, reconciled with the row (missing columns
// written, stale ones dropped), then the mark. One build per user at a time on a frontend.
import type { SearchResults } from '../../drive-trash-api';
import { HttpError } from '../errors';
import type { DriveContext } from './drive-context';
import { rootId, searchRow, trashId } from './drive-names';
import { builtColumn, findMatches, indexColumn, parseIndexColumn, searchBuckets, type IndexRecord } from './drive-search-index';
import { runBounded } from './drive-search-writes';
import { readFolder } from './drive-folders';
import { rootName } from './drive-tree';

export const queryCharsMax = 255;

export async function searchDrive(d: DriveContext, rawQuery: string): Promise<SearchResults> {
  const query = rawQuery.normalize('NFC').trim();
  if (query === '') throw new HttpError(400, 'invalid_argument', 'Type part of a name to search for.');
  if (query.length > queryCharsMax) throw new HttpError(400, 'invalid_argument', `A search is at most ${queryCharsMax} characters.`);
  const row = searchRow(d.user);
  if (!(await d.cluster.get(row, builtColumn))) await buildIndexOnce(d);
  const records = await readIndex(d);
  const { hits, truncated } = findMatches(records, query, d.config.drive.searchHitsMax, rootName);
  return { query, hits, truncated };
}

/** Every record of the index: its slices listed at once, each page by page. */
export async function readIndex(d: DriveContext): Promise<IndexRecord[]> {
  const row = searchRow(d.user);
  const slices = await Promise.all(
    Array.from({ length: searchBuckets }, async (_, b) => {
      const records: IndexRecord[] = [];
      for (let after = '', more = true; more; ) {
        const page = await d.cluster.listColumnsPage(row, { prefix: `${b}/`, after });
        for (const c of page.columns) {
          const r = parseIndexColumn(c.name);
          if (r) records.push(r);
        }
        more = page.more && page.columns.length > 0;
        after = page.columns.at(-1)?.name ?? after;
      }
      return records;
    }),
  );
  return slices.flat();
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
 * The columns among `candidates` whose folder, read again now, does not list them: a change made
 * during the walk (an upload that committed after its folder was read) wrote its column, which
 * the walk did not see, and must keep it.
 */
async function stillStale(d: DriveContext, candidates: string[]): Promise<string[]> {
  const parents = [...new Set(candidates.map((c) => parseIndexColumn(c)!.parent))];
  const folders = new Map(await Promise.all(parents.map(async (id) => [id, await readFolder(d, id)] as const)));
  return candidates.filter((c) => {
    const r = parseIndexColumn(c)!;
    const entry = folders.get(r.parent)?.entries[r.id];
    return !entry || indexColumn(r.parent, r.id, entry.name) !== c;
  });
}

/** Makes the index match the tree, then marks it built. */
export async function buildIndex(d: DriveContext): Promise<{ written: number; dropped: number }> {
  const wanted = new Set<string>();
  const queue = [rootId, trashId];
  const seen = new Set<string>();
  while (queue.length > 0) {
    const batch = queue.splice(0, 16).filter((id) => !seen.has(id));
    batch.forEach((id) => seen.add(id));
    const folders = await Promise.all(batch.map((id) => readFolder(d, id)));
    batch.forEach((folderId, i) => {
      for (const [id, entry] of Object.entries(folders[i]?.entries ?? {})) {
        wanted.add(indexColumn(folderId, id, entry.name));
        if (entry.kind === 'folder') queue.push(id);
      }
    });
  }
  const present = new Set((await readIndex(d)).map((r) => indexColumn(r.parent, r.id, r.name)));
  const put = [...wanted].filter((c) => !present.has(c));
  const remove = await stillStale(
    d,
    [...present].filter((c) => !wanted.has(c)),
  );
  const row = searchRow(d.user);
  // Thrown here rather than logged (writeIndexDelta): the mark must not be set over a gap.
  await runBounded([...remove.map((c) => () => d.cluster.delete(row, c)), ...put.map((c) => () => d.cluster.put(row, c, ''))], 32);
  await d.cluster.put(row, builtColumn, new Date().toISOString());
  if (put.length + remove.length > 0) d.log.info(`drive: indexed the names of ${d.user} (${put.length} written, ${remove.length} dropped)`);
  return { written: put.length, dropped: remove.length };
}
