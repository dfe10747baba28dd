// A drive folder of ENTRIES (100,000 by default) items on a real cluster with two frontends: its
// bucket cells are written straight into the store in the documented layout
// (scripts/lib/drive-store.ts), then it is
// used through the HTTP API as the page uses it — listed page by page (every item exactly once,
// in the order of sorting the whole folder), one item renamed, deleted and added, each change
// rewriting one bucket cell and nothing else of the folder; two adds of one name sent at once to
// the two frontends, of which exactly one wins; and a folder written the way the drive wrote
// folders before buckets (one cell), listed as it is and converted by its first change; and the
// two copies a rename cut short leaves, listed once, the older dropped.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { ClusterClient } from '../../cluster/kvs/cluster-client.ts';
import { startSignedUp, type OneFrontend } from '../../scripts/bench/one-frontend.ts';
import {
  bucketColumn,
  bucketCount,
  bucketOfName,
  fileAtColumn,
  filesRow,
  folderColumn,
  listingOrder,
  newItemId,
  writeBuckets,
  type StoredEntry as Entry,
} from '../../scripts/lib/drive-store.ts';
import { waitFor } from '../../scripts/lib/processes.ts';

const entries = Number(process.env.ENTRIES ?? 100_000);
const user = 'bigfolder';
const pageLimit = 1000;

interface Listing {
  items: { id: string; kind: 'file' | 'folder'; name: string }[];
  total: number;
  next: string | null;
}

describe(`a drive folder of ${entries} items`, () => {
  let f: OneFrontend;
  let store: ClusterClient;
  let big: string;
  let buckets: number;
  /** The bucket column of `name` in folder `folderId` (of `buckets` buckets). */
  const bucketOf = (folderId: string, name: string) => bucketColumn(folderId, bucketOfName(name, buckets));
  /** Files with pointers, for the changes made through the API. */
  const pointed: { id: string; name: string }[] = [];

  const call = async <T>(method: string, path: string, body?: unknown, frontend = 1): Promise<{ status: number; json: T }> => {
    const origin = f.cloud.frontendUrl(frontend);
    const response = await fetch(`${origin}${path}`, {
      method,
      headers: { Cookie: f.cookie, Origin: origin, 'Content-Type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: response.status, json: (await response.json()) as T };
  };

  /** The folder's bucket cells as stored, by column. */
  const bucketPrefix = (folderId: string) => `${folderColumn(folderId)}/`;
  const bucketCells = async (folderId: string) => {
    const page = await store.readColumns(filesRow(user), { prefix: bucketPrefix(folderId), bytesMax: 1 << 30 });
    return new Map(page.columns.map((c) => [c.name, c.value.toString('utf8')]));
  };

  const changedCells = (before: Map<string, string>, after: Map<string, string>) =>
    [...new Set([...before.keys(), ...after.keys()])].filter((c) => before.get(c) !== after.get(c)).sort();

  before(async () => {
    f = await startSignedUp({ groups: 1, replicas: 3, frontends: 2, web: { scryptCostLog2: 10 } }, user, 'big folder password');
    store = f.cloud.cluster.client;
    const made = await call<{ item: { id: string } }>('POST', '/api/drive/folders', { parent: 'root', name: 'Big' });
    assert.equal(made.status, 201);
    big = made.json.item.id;
    buckets = await bucketCount(store, user, big);
    assert.equal(buckets, 256);
    const started = performance.now();
    const now = Date.now();
    const all: Record<string, Entry> = {};
    for (let i = 0; i < entries; i++) {
      const kind = i % 100 === 0 ? 'folder' : 'file';
      const name = `${kind === 'folder' ? 'Folder' : 'photo'} ${(i * 7919) % entries}${kind === 'file' ? '.jpg' : ''}`;
      const entry: Entry = kind === 'file' ? { kind, name, created: now, modified: now, size: 0, type: 'image/jpeg' } : { kind, name, created: now, modified: now };
      all[newItemId(kind)] = entry;
    }
    const written = await writeBuckets(store, user, big, all);
    // Files the test changes through the API need their pointers; the rest are only listed.
    for (const [id, entry] of Object.entries(all).slice(0, 50)) {
      if (entry.kind !== 'file') continue;
      await store.put(filesRow(user), fileAtColumn(id), big);
      pointed.push({ id, name: entry.name });
    }
    console.log(`wrote ${entries} entries in ${written} buckets in ${((performance.now() - started) / 1000).toFixed(1)} s`);
  });
  after(async () => {
    await f?.cloud.close();
  });

  test('listed page by page: every item once, in the order of sorting the whole folder', async () => {
    const seen: Listing['items'] = [];
    let cursor: string | null = null;
    let pages = 0;
    const started = performance.now();
    do {
      const query: string = `limit=${pageLimit}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`;
      const { status, json } = await call<Listing>('GET', `/api/drive/folders/${big}?${query}`);
      assert.equal(status, 200);
      assert.equal(json.total, entries);
      assert.ok(json.items.length <= pageLimit);
      seen.push(...json.items);
      cursor = json.next;
      pages++;
    } while (cursor);
    console.log(`listed ${seen.length} items in ${pages} pages in ${((performance.now() - started) / 1000).toFixed(1)} s`);
    assert.equal(seen.length, entries);
    assert.equal(new Set(seen.map((i) => i.id)).size, entries, 'no item twice');
    const sorted = [...seen].sort(listingOrder);
    assert.deepEqual(
      seen.map((i) => i.id),
      sorted.map((i) => i.id),
      'pages in order',
    );
    assert.equal(seen[0]!.kind, 'folder');
    assert.equal(seen.filter((i) => i.kind === 'folder').length, entries / 100);
  });

  test('a rename, a delete and an add each rewrite one bucket cell of the folder', async () => {
    const file = pointed[0]!;
    const headBefore = (await store.get(filesRow(user), folderColumn(big)))!.toString('utf8');

    // A new name in the same bucket: one CPut of that bucket.
    let sameBucket = '';
    for (let n = 0; !sameBucket; n++) {
      const candidate = `renamed ${n}.jpg`;
      if (bucketOf(big, candidate) === bucketOf(big, file.name)) sameBucket = candidate;
    }
    let cells = await bucketCells(big);
    const renamed = await call<{ item: { name: string } }>('PATCH', `/api/drive/items/${file.id}`, { name: sameBucket });
    assert.equal(renamed.status, 200);
    let now = await bucketCells(big);
    assert.deepEqual(changedCells(cells, now), [bucketOf(big, file.name)]);

    // Into another bucket: listed under the new name, the old copy dropped — two cells.
    let otherBucket = '';
    for (let n = 0; !otherBucket; n++) {
      const candidate = `moved name ${n}.jpg`;
      if (bucketOf(big, candidate) !== bucketOf(big, sameBucket)) otherBucket = candidate;
    }
    cells = now;
    assert.equal((await call('PATCH', `/api/drive/items/${file.id}`, { name: otherBucket })).status, 200);
    now = await bucketCells(big);
    assert.deepEqual(
      changedCells(cells, now),
      [bucketOf(big, sameBucket), bucketOf(big, otherBucket)].sort(),
    );
    const page = await call<Listing>('GET', `/api/drive/folders/${big}?limit=1`);
    assert.equal(page.json.total, entries, 'still one item');

    // Deleted for good: one cell.
    cells = now;
    assert.equal((await call('DELETE', `/api/drive/items/${file.id}`)).status, 200);
    now = await bucketCells(big);
    assert.deepEqual(changedCells(cells, now), [bucketOf(big, otherBucket)]);

    // A new folder: one cell.
    cells = now;
    const made = await call<{ item: { id: string } }>('POST', '/api/drive/folders', { parent: big, name: 'A new one' });
    assert.equal(made.status, 201);
    now = await bucketCells(big);
    assert.deepEqual(changedCells(cells, now), [bucketOf(big, 'A new one')]);
    assert.equal((await store.get(filesRow(user), folderColumn(big)))!.toString('utf8'), headBefore, 'the head is untouched');
    assert.equal((await call<Listing>('GET', `/api/drive/folders/${big}?limit=1`)).json.total, entries);
  });

  test('two adds of one name at once, one on each frontend: exactly one wins', async () => {
    for (let round = 0; round < 5; round++) {
      const name = `contested ${round}`;
      const answers = await Promise.all([1, 2].map((frontend) => call<{ code?: string }>('POST', '/api/drive/folders', { parent: big, name }, frontend)));
      assert.deepEqual(answers.map((a) => a.status).sort(), [201, 409], `round ${round}`);
      assert.equal(answers.find((a) => a.status === 409)!.json.code, 'already_exists');
    }
    const held = await call<{ held: { name: string }[] }>('POST', `/api/drive/folders/${big}/names`, { names: ['contested 0', 'contested 4', 'nobody'] });
    assert.deepEqual(held.json.held.map((h) => h.name).sort(), ['contested 0', 'contested 4']);
  });

  test('a rename cut short (one item in two buckets) is listed once, and the older copy dropped', async () => {
    const made = await call<{ item: { id: string } }>('POST', '/api/drive/folders', { parent: 'root', name: 'Half renamed' });
    const folder = made.json.item.id;
    const id = newItemId('file');
    const now = Date.now();
    const before: Entry = { kind: 'file', name: 'before.txt', created: now - 1000, modified: now - 1000, size: 0, type: 'text/plain' };
    let newName = '';
    for (let n = 0; !newName; n++) if (bucketOf(folder, `after ${n}.txt`) !== bucketOf(folder, before.name)) newName = `after ${n}.txt`;
    const oldColumn = bucketOf(folder, before.name);
    await store.put(filesRow(user), fileAtColumn(id), folder);
    await store.put(filesRow(user), oldColumn, JSON.stringify({ entries: { [id]: before } }));
    await store.put(filesRow(user), bucketOf(folder, newName), JSON.stringify({ entries: { [id]: { ...before, name: newName, modified: now } } }));
    const listed = await call<Listing>('GET', `/api/drive/folders/${folder}`);
    assert.deepEqual(
      listed.json.items.map((i) => [i.id, i.name]),
      [[id, newName]],
    );
    assert.equal(listed.json.total, 1);
    await waitFor(async () => !(await bucketCells(folder)).get(oldColumn)?.includes(id), { timeoutMs: 10_000, what: 'the older copy dropped' });
    // The name is free again, and the item is whole under its new name.
    assert.equal((await call('POST', '/api/drive/folders', { parent: folder, name: 'before.txt' })).status, 201);
    assert.equal((await call('PATCH', `/api/drive/items/${id}`, { name: 'final.txt' })).status, 200);
  });

  test('a folder from before buckets is listed as it is and converted by its first change', async () => {
    const old = newItemId('folder');
    const now = Date.now();
    const kept: Record<string, Entry> = {};
    for (let i = 0; i < 300; i++) kept[newItemId('file')] = { kind: 'file', name: `old ${i}.txt`, created: now, modified: now, size: 0, type: 'text/plain' };
    const [renamedId] = Object.keys(kept);
    await store.put(filesRow(user), fileAtColumn(renamedId!), old);
    // As the drive wrote a folder then: one cell, all entries inside, then its entry in its parent.
    await store.put(filesRow(user), folderColumn(old), JSON.stringify({ parent: 'root', created: now, entries: kept }));
    const listedInRoot = await store.get(filesRow(user), bucketOf('root', 'Old folder'));
    const rootBucket = listedInRoot ? (JSON.parse(listedInRoot.toString('utf8')) as { entries: Record<string, Entry> }) : { entries: {} };
    rootBucket.entries[old] = { kind: 'folder', name: 'Old folder', created: now, modified: now };
    await store.put(filesRow(user), bucketOf('root', 'Old folder'), JSON.stringify(rootBucket));

    const listed = await call<Listing & { path: { name: string }[] }>('GET', `/api/drive/folders/${old}?limit=100`);
    assert.equal(listed.status, 200);
    assert.equal(listed.json.total, 300);
    assert.deepEqual(listed.json.path.map((c) => c.name), ['My Drive', 'Old folder']);
    assert.equal(listed.json.items[0]!.name, 'old 0.txt');
    assert.equal((await bucketCells(old)).size, 0, 'reading converts nothing');

    assert.equal((await call('PATCH', `/api/drive/items/${renamedId}`, { name: 'renamed old.txt' })).status, 200);
    const head = JSON.parse((await store.get(filesRow(user), folderColumn(old)))!.toString('utf8')) as { entries?: object; buckets?: number };
    assert.equal(head.entries, undefined, 'the head holds no entries any more');
    assert.equal(head.buckets, 256);
    const names: string[] = [];
    for (let cursor: string | null = null, first = true; first || cursor; first = false) {
      const page: Listing = (await call<Listing>('GET', `/api/drive/folders/${old}?limit=64${cursor ? `&cursor=${cursor}` : ''}`)).json;
      names.push(...page.items.map((i) => i.name));
      cursor = page.next;
    }
    assert.equal(names.length, 300);
    assert.ok(names.includes('renamed old.txt') && !names.includes('old 0.txt'));
    const stored = [...(await bucketCells(old)).values()].map((v) => Object.keys((JSON.parse(v) as { entries: object }).entries).length);
    assert.equal(
      stored.reduce((a, b) => a + b, 0),
      300,
      'every entry in a bucket',
    );
  });
});
