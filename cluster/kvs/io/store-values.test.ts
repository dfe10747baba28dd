// ListColumns pages with values on a real store: a row wider than a tablet, split and evicted to
// disk while it is paged, comes back whole with the values it was written with; the byte budget
// stops a page before the column that would go over, yet a single value larger than the budget
// still comes alone; prefix and after combine; writes and deletes between pages show as they would
// to a Get; and a reopened store serves the same pages from its files.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import fsp from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { silentLogger } from '../../common/log.ts';
import { columnWireBytes, type ColumnPageQuery, type ColumnValuePage } from '../core/column-page.ts';
import type { ColumnValue } from '../core/types.ts';
import { Store, type StoreOptions, type WriteOp } from './store.ts';

const KiB = 1024;
const MiB = 1024 * KiB;
const tmpRoot = await fsp.mkdtemp(path.join(os.tmpdir(), 'kvs-store-values-'));
after(() => fsp.rm(tmpRoot, { recursive: true, force: true }));
let dirCount = 0;

/** Small tablets and a small memory budget, so a row of a few hundred cells splits and is evicted. */
function options(dir = path.join(tmpRoot, `node${dirCount++}`)): StoreOptions {
  return { dir, log: silentLogger, memoryBytesMax: 64 * KiB, tabletBytesMax: 16 * KiB, checkpointEveryWrites: 100_000, autoCheckpoint: false };
}

async function write(store: Store, op: WriteOp): Promise<void> {
  const { entry } = await store.propose(0, op);
  if (entry) await store.waitDurable(entry.lsn);
}

const put = (store: Store, row: string, column: string, value: Buffer) => write(store, { kind: 'put', row, column, value });
const query = (q: Partial<ColumnPageQuery> = {}): ColumnPageQuery => ({ after: '', prefix: '', limit: 10_000, bytesMax: 1 * MiB, withValues: true, ...q });
const valuePage = async (store: Store, row: string, q: Partial<ColumnPageQuery>) => (await store.listColumnsPage(row, query(q))) as ColumnValuePage;
const names = (columns: ColumnValue[]) => columns.map((c) => c.name);

/** A value unique to its column and size, so a value under the wrong name shows. */
const valueOf = (name: string, bytes: number) => Buffer.alloc(bytes, `${name};`);

/** Pages to the end, checking each page against its budget; every column, in order. */
async function readAll(store: Store, row: string, q: Partial<ColumnPageQuery>): Promise<{ columns: ColumnValue[]; pages: number }> {
  const columns: ColumnValue[] = [];
  let pages = 0;
  for (let afterName = q.after ?? '', more = true; more; pages++) {
    const page = await valuePage(store, row, { ...q, after: afterName });
    const bytes = page.columns.reduce((n, c) => n + columnWireBytes(c.name, c.value.length), 0);
    assert.ok(page.columns.length === 1 || bytes <= (q.bytesMax ?? query().bytesMax), `page ${pages} holds ${bytes} bytes`);
    if (page.more) assert.ok(page.columns.length > 0, 'a page that says more holds a column');
    columns.push(...page.columns);
    more = page.more;
    afterName = columns.at(-1)?.name ?? afterName;
  }
  return { columns, pages };
}

/** A row of `count` columns of `bytes` each between two other rows; the columns' names. */
async function wideRow(store: Store, count: number, bytes: number): Promise<string[]> {
  await put(store, 'a', 'x', Buffer.from('before'));
  const columns = Array.from({ length: count }, (_, i) => `m/${String(i).padStart(4, '0')}`);
  for (const name of columns) await put(store, 'wide', name, valueOf(name, bytes));
  await put(store, 'wide2', 'x', Buffer.from('after'));
  return columns;
}

test('a wide row pages with its values across splits and evictions, each page within its byte budget', async () => {
  const store = await Store.open(options());
  const columns = await wideRow(store, 400, 300);
  const budget = 10 * columnWireBytes('m/0000', 300);
  const { columns: listed, pages } = await readAll(store, 'wide', { bytesMax: budget });
  assert.deepEqual(names(listed), columns, 'every column once, in order');
  for (const c of listed) assert.deepEqual(c.value, valueOf(c.name, 300), c.name);
  assert.equal(pages, 40, 'ten columns a page: the budget, not the limit, ends each one');
  assert.ok(store.figures().memoryBytes <= 64 * KiB + 16 * KiB, 'tablets were evicted while paging');

  const page = await valuePage(store, 'wide', { bytesMax: budget - 1 });
  assert.deepEqual(names(page.columns), columns.slice(0, 9), 'stops before the column that would go over');
  assert.equal(page.more, true);
  const limited = await valuePage(store, 'wide', { limit: 3 });
  assert.deepEqual(names(limited.columns), columns.slice(0, 3));
  assert.equal(limited.more, true);
  await store.close();
});

test('one value larger than the budget comes alone, then paging goes on', async () => {
  const store = await Store.open({ ...options(), memoryBytesMax: 8 * MiB, tabletBytesMax: 4 * MiB });
  await put(store, 'r', 'a', valueOf('a', 10));
  await put(store, 'r', 'b-big', valueOf('b-big', 2 * MiB));
  await put(store, 'r', 'c', valueOf('c', 10));
  const budget = 64 * KiB;
  const first = await valuePage(store, 'r', { bytesMax: budget });
  assert.deepEqual(names(first.columns), ['a'], 'the big value would go over: the page stops before it');
  assert.equal(first.more, true);
  const big = await valuePage(store, 'r', { bytesMax: budget, after: 'a' });
  assert.deepEqual(names(big.columns), ['b-big'], 'alone, whatever its size');
  assert.deepEqual(big.columns[0]!.value, valueOf('b-big', 2 * MiB));
  assert.equal(big.more, true);
  const rest = await valuePage(store, 'r', { bytesMax: budget, after: 'b-big' });
  assert.deepEqual(rest, { columns: [{ name: 'c', size: 10, value: valueOf('c', 10) }], more: false });
  await store.close();
});

test('prefix and after combine, with values, as they do for names', async () => {
  const store = await Store.open(options());
  const all = ['a/1', 'b/1', 'b/2', 'b/3', 'b0', 'c/1'];
  for (const name of all) await put(store, 'p', name, valueOf(name, 5));
  const of = async (q: Partial<ColumnPageQuery>) => names((await readAll(store, 'p', { bytesMax: 1, ...q })).columns);
  assert.deepEqual(await of({}), all, 'one column a page with a budget of one byte');
  assert.deepEqual(await of({ prefix: 'b/' }), ['b/1', 'b/2', 'b/3']);
  assert.deepEqual(await of({ prefix: 'b/', after: 'a' }), ['b/1', 'b/2', 'b/3'], 'after before the prefix');
  assert.deepEqual(await of({ prefix: 'b/', after: 'b/1' }), ['b/2', 'b/3']);
  assert.deepEqual(await of({ prefix: 'b/', after: 'b/3' }), []);
  assert.deepEqual(await of({ prefix: 'b/', after: 'c' }), [], 'after past the prefix');
  assert.deepEqual(await of({ after: 'b/2' }), ['b/3', 'b0', 'c/1']);
  assert.deepEqual(await of({ prefix: 'z' }), []);
  const page = await valuePage(store, 'p', { prefix: 'b/', after: 'b/1', limit: 1 });
  assert.deepEqual(page, { columns: [{ name: 'b/2', size: 5, value: valueOf('b/2', 5) }], more: true });
  assert.deepEqual(await valuePage(store, 'nobody', {}), { columns: [], more: false });
  await store.close();
});

test('writes and deletes between pages show as a Get would see them', async () => {
  const store = await Store.open(options());
  const columns = await wideRow(store, 60, 200);
  const seen: ColumnValue[] = [];
  let afterName = '';
  for (let round = 0, more = true; more; round++) {
    const page = await valuePage(store, 'wide', { after: afterName, limit: 10 });
    seen.push(...page.columns);
    more = page.more;
    afterName = seen.at(-1)?.name ?? '';
    if (round !== 0) continue;
    // After the first page: drop a column behind the cursor and two ahead, change one ahead,
    // add one ahead and one behind.
    for (const gone of ['m/0003', 'm/0020', 'm/0059']) await write(store, { kind: 'delete', row: 'wide', column: gone });
    await put(store, 'wide', 'm/0030', Buffer.from('changed'));
    await put(store, 'wide', 'm/0040a', Buffer.from('added'));
    await put(store, 'wide', 'm/0001a', Buffer.from('behind'));
  }
  const expected = columns.filter((c) => !['m/0020', 'm/0059'].includes(c));
  expected.splice(expected.indexOf('m/0040') + 1, 0, 'm/0040a');
  assert.deepEqual(names(seen), expected, 'a column deleted ahead is not seen; one added ahead is; one behind the cursor is not');
  const byName = new Map(seen.map((c) => [c.name, c.value.toString()]));
  assert.equal(byName.get('m/0030'), 'changed');
  assert.equal(byName.get('m/0003'), valueOf('m/0003', 200).toString(), 'listed before it was deleted');

  const now = await readAll(store, 'wide', {});
  assert.equal(now.columns.find((c) => c.name === 'm/0003'), undefined);
  assert.equal(now.columns.find((c) => c.name === 'm/0001a')?.value.toString(), 'behind');
  for (const c of now.columns) assert.deepEqual(c.value, await store.get('wide', c.name), c.name);
  await store.close();
});

test('a reopened store serves the same values from its checkpoint and log', async () => {
  const dir = path.join(tmpRoot, `node${dirCount++}`);
  const store = await Store.open(options(dir));
  const columns = await wideRow(store, 150, 300);
  await store.checkpoint();
  for (const name of columns.slice(100)) await put(store, 'wide', name, Buffer.from(`late ${name}`));
  const before = await readAll(store, 'wide', { bytesMax: 8 * KiB });
  await store.abandon();
  const reopened = await Store.open(options(dir));
  const after = await readAll(reopened, 'wide', { bytesMax: 8 * KiB });
  assert.deepEqual(after.columns, before.columns);
  assert.equal(after.columns[120]?.value.toString(), 'late m/0120', 'replayed from the log');
  await reopened.close();
});
