// Listing a folder's ids from the index row's column names, never the whole row at once: ids
// start with their arrival time, so the newest page before a cursor is a window of time that
// ends at it, widened while it holds too few ids and narrowed while it holds too many; each
// step lists a bounded number of names (cluster/smtp/README.md, "Storage layout").
import type { ClusterClient } from '../../kvs/cluster-client.ts';
import { folderEnd, indexColumn, indexRow, parseIndexColumn, timeKey, type Folder, type PageRequest } from './mailbox.ts';
import { messageIdTime } from './message-id.ts';

/** Column names asked for per ListColumns call (the store caps a reply lower if it must). */
const namesPerCallMax = 5000;
/** The first window of arrival time a listing looks at; it widens or narrows from there. */
const firstWindowMs = 3_600_000;
/** Narrowing and widening steps before a listing falls back to one pass over the folder. */
const windowStepsMax = 48;

export class IndexListing {
  constructor(private readonly cluster: ClusterClient) {}

  /** Calls `visit` with a folder's ids, oldest first, a page of names at a time. */
  async forEachIdPage(user: string, folder: Folder, visit: (ids: string[]) => Promise<void>, pageSize = namesPerCallMax): Promise<void> {
    let after = '';
    for (;;) {
      const page = await this.cluster.listColumnsPage(indexRow(user), { after, prefix: `${folder}/`, limit: pageSize });
      const ids = idsOf(page.columns, folder);
      if (ids.length) await visit(ids);
      const last = page.columns[page.columns.length - 1];
      if (!page.more || !last) return;
      after = last.name;
    }
  }

  /** A folder's ids, oldest first, a page of at most pageSize at a time, read only as far as the caller pulls. */
  async *idPages(user: string, folder: Folder, pageSize = namesPerCallMax): AsyncGenerator<string[]> {
    let after = '';
    for (;;) {
      const page = await this.cluster.listColumnsPage(indexRow(user), { after, prefix: `${folder}/`, limit: pageSize });
      const ids = idsOf(page.columns, folder);
      if (ids.length) yield ids;
      const last = page.columns[page.columns.length - 1];
      if (!page.more || !last) return;
      after = last.name;
    }
  }

  /** Every id of a folder, oldest first (tests and tools: a mailbox's ids may not fit a reply). */
  async ids(user: string, folder: Folder): Promise<string[]> {
    const all: string[] = [];
    await this.forEachIdPage(user, folder, async (ids) => {
      all.push(...ids);
    });
    return all;
  }

  /** The ids after loKey and before hi (column names), oldest first; overflow when more than cap are there. */
  private async idsBetween(user: string, folder: Folder, loKey: string, hi: string, cap: number): Promise<{ ids: string[]; overflow: boolean }> {
    const ids: string[] = [];
    let after = loKey;
    for (;;) {
      const page = await this.cluster.listColumnsPage(indexRow(user), { after, prefix: `${folder}/`, limit: Math.min(namesPerCallMax, cap + 1 - ids.length) });
      for (const c of page.columns) {
        if (c.name >= hi) return { ids, overflow: false };
        const parsed = parseIndexColumn(c.name);
        if (parsed) ids.push(parsed.id);
      }
      if (ids.length > cap) return { ids, overflow: true };
      const last = page.columns[page.columns.length - 1];
      if (!page.more || !last) return { ids, overflow: false };
      after = last.name;
    }
  }

  /**
   * The newest `limit` ids older than `before` (all when absent), newest first, and whether
   * older ones remain. Ids start with their arrival time, so a window of time ending at the
   * cursor holds them: the window widens while it holds too few and narrows while it holds
   * too many (more than a few pages' worth), so each step lists a bounded number of names.
   */
  async newestIds(user: string, folder: Folder, request: PageRequest): Promise<{ ids: string[]; more: boolean }> {
    const limit = Math.max(1, Math.floor(request.limit));
    const hi = request.before !== undefined ? indexColumn(folder, request.before) : folderEnd(folder);
    const hiMs = request.before !== undefined ? messageIdTime(request.before) + 1 : Date.now() + 60_000;
    const cap = Math.max(4 * limit, 256);
    let span = firstWindowMs;
    let tooFew = 0;
    let tooMany = Infinity;
    for (let step = 0; step < windowStepsMax && tooMany - tooFew >= 2; step++) {
      const loMs = hiMs - span;
      const { ids, overflow } = await this.idsBetween(user, folder, loMs <= 0 ? '' : timeKey(folder, loMs), hi, cap);
      if (!overflow && (ids.length >= limit || loMs <= 0)) {
        const page = ids.slice(-limit).reverse();
        const oldest = page[page.length - 1];
        const more = ids.length > limit || (loMs > 0 && oldest !== undefined && (await this.hasOlder(user, folder, oldest)));
        return { ids: page, more };
      }
      if (overflow) tooMany = span;
      else tooFew = span;
      span = tooMany === Infinity ? span * 8 : Math.floor((tooFew + tooMany) / 2);
    }
    // More than `cap` messages within a millisecond or two (written in bulk): one pass over the
    // folder keeping only the newest `limit + 1`.
    const ring: string[] = [];
    await this.forEachIdPage(user, folder, async (ids) => {
      for (const id of ids) {
        if (indexColumn(folder, id) >= hi) return;
        ring.push(id);
        if (ring.length > limit + 1) ring.shift();
      }
    });
    const more = ring.length > limit;
    return { ids: ring.slice(-limit).reverse(), more };
  }

  private async hasOlder(user: string, folder: Folder, id: string): Promise<boolean> {
    const first = await this.cluster.listColumnsPage(indexRow(user), { prefix: `${folder}/`, limit: 1 });
    const name = first.columns[0]?.name;
    return name !== undefined && name < indexColumn(folder, id);
  }
}

function idsOf(columns: readonly { name: string }[], folder: Folder): string[] {
  const ids: string[] = [];
  for (const c of columns) {
    const parsed = parseIndexColumn(c.name);
    if (parsed?.folder === folder) ids.push(parsed.id);
  }
  return ids;
}
