// Paging a row's columns in one tablet against a sorted model: order, after, prefix, limit, the
// byte cap, `more`, deleted columns and neighbouring rows, with and without values; and a listing
// paged to its end is the model's, whatever the page sizes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { ColumnPageBuilder, columnWireBytes, type ColumnPage, type ColumnPageQuery } from './column-page.ts';
import { Tablet } from './tablet.ts';
import type { ColumnInfo, ColumnValue } from './types.ts';

const v = (s: string) => Buffer.from(s);
const query = (q: Partial<ColumnPageQuery>): ColumnPageQuery => ({ after: '', prefix: '', limit: 1000, bytesMax: 1 << 20, ...q });

/** One page out of one tablet, as the tablet cache builds it for a row held in one tablet. */
function page(t: Tablet, row: string, q: ColumnPageQuery): ColumnPage {
  const builder = new ColumnPageBuilder(q);
  return builder.page(t.columnsFrom(row, q, (c, value) => builder.add(c, value)) === 'full');
}

const names = (p: ColumnPage) => p.columns.map((c) => c.name);

function sample(): Tablet {
  const t = new Tablet('t0');
  for (const [row, col] of [['m', 'b2'], ['m', 'a1'], ['m', 'b1'], ['m', 'c'], ['m', 'b'], ['l', 'a'], ['m\u0001', 'a'], ['ma', 'b1'], ['n', 'b1']] as const) {
    t.put(row, col, v(row + col));
  }
  return t;
}

test('a page lists the row in column order, after `after`, and says whether more remain', () => {
  const t = sample();
  assert.deepEqual(page(t, 'm', query({})), { columns: ['a1', 'b', 'b1', 'b2', 'c'].map((n) => ({ name: n, size: 1 + n.length })), more: false });
  assert.deepEqual(names(page(t, 'm', query({ after: 'b' }))), ['b1', 'b2', 'c'], 'after is exclusive');
  assert.deepEqual(names(page(t, 'm', query({ after: 'b0' }))), ['b1', 'b2', 'c'], 'after need not be a column');
  assert.deepEqual(page(t, 'm', query({ after: 'c' })), { columns: [], more: false });
  assert.deepEqual(page(t, 'm', query({ limit: 2 })), { columns: [{ name: 'a1', size: 3 }, { name: 'b', size: 2 }], more: true });
  assert.deepEqual(page(t, 'm', query({ after: 'b1', limit: 2 })), { columns: [{ name: 'b2', size: 3 }, { name: 'c', size: 2 }], more: false }, 'a full page with nothing after it');
});

test('a prefix keeps to its run of names, wherever after stands', () => {
  const t = sample();
  assert.deepEqual(names(page(t, 'm', query({ prefix: 'b' }))), ['b', 'b1', 'b2']);
  assert.deepEqual(names(page(t, 'm', query({ prefix: 'b', after: 'a' }))), ['b', 'b1', 'b2'], 'after before the prefix');
  assert.deepEqual(names(page(t, 'm', query({ prefix: 'b', after: 'b' }))), ['b1', 'b2']);
  assert.deepEqual(names(page(t, 'm', query({ prefix: 'b', after: 'b2' }))), []);
  assert.deepEqual(names(page(t, 'm', query({ prefix: 'b', after: 'zz' }))), [], 'after past the prefix');
  assert.deepEqual(page(t, 'm', query({ prefix: 'b', limit: 3 })).more, false, 'a page ending with the prefix has no more');
  assert.deepEqual(page(t, 'm', query({ prefix: 'b', limit: 2 })), { columns: [{ name: 'b', size: 2 }, { name: 'b1', size: 3 }], more: true });
  assert.deepEqual(names(page(t, 'm', query({ prefix: 'x' }))), []);
});

test('an empty or missing row, and deleted columns, list nothing', () => {
  const t = sample();
  assert.deepEqual(page(t, 'nope', query({})), { columns: [], more: false });
  assert.deepEqual(page(new Tablet('t1'), 'm', query({})), { columns: [], more: false });
  for (const c of ['a1', 'b', 'c']) t.delete('m', c);
  assert.deepEqual(names(page(t, 'm', query({}))), ['b1', 'b2']);
  t.delete('m', 'b1');
  t.delete('m', 'b2');
  assert.deepEqual(page(t, 'm', query({})), { columns: [], more: false });
});

test('the byte cap stops a page early but always lets one column through', () => {
  const t = new Tablet('t0');
  for (const n of ['aaaa', 'bbbb', 'cccc']) t.put('r', n, v('x'));
  const one = columnWireBytes('aaaa');
  assert.deepEqual(names(page(t, 'r', query({ bytesMax: 2 * one }))), ['aaaa', 'bbbb']);
  assert.equal(page(t, 'r', query({ bytesMax: 2 * one })).more, true);
  assert.deepEqual(page(t, 'r', query({ bytesMax: 1 })), { columns: [{ name: 'aaaa', size: 1 }], more: true });
});

test('a page with values carries each value and counts it against the byte budget', () => {
  const t = new Tablet('t0');
  for (const [n, size] of [['a', 10], ['b', 10], ['c', 10]] as const) t.put('r', n, Buffer.alloc(size, n));
  const withValues = (q: Partial<ColumnPageQuery>) => page(t, 'r', query({ withValues: true, ...q }));
  assert.deepEqual(withValues({}), {
    columns: ['a', 'b', 'c'].map((n) => ({ name: n, size: 10, value: Buffer.alloc(10, n) })),
    more: false,
  });
  const one = columnWireBytes('a', 10);
  assert.equal(one, columnWireBytes('a') + 10 + 7, 'a value adds its bytes, its tag and length');
  assert.deepEqual(names(withValues({ bytesMax: 2 * one })), ['a', 'b'], 'stops before the column that would go over');
  assert.equal(withValues({ bytesMax: 2 * one }).more, true);
  assert.deepEqual(names(withValues({ bytesMax: 2 * one - 1 })), ['a']);
  assert.deepEqual(names(page(t, 'r', query({ bytesMax: 2 * columnWireBytes('a') }))), ['a', 'b'], 'names alone do not count the values');
  assert.equal('value' in (page(t, 'r', query({})).columns[0] as object), false, 'a page of names carries no values');
});

test('a value larger than the whole budget still comes, alone, so paging moves on', () => {
  const t = new Tablet('t0');
  t.put('r', 'big', Buffer.alloc(5000, 'b'));
  t.put('r', 'small', v('s'));
  const first = page(t, 'r', query({ withValues: true, bytesMax: 100 }));
  assert.deepEqual(names(first), ['big']);
  assert.equal((first.columns[0] as ColumnValue).value.length, 5000);
  assert.equal(first.more, true);
  assert.deepEqual(page(t, 'r', query({ withValues: true, bytesMax: 100, after: 'big' })), {
    columns: [{ name: 'small', size: 1, value: v('s') }],
    more: false,
  });
});

test('columnsFrom says where it stopped: full, done with the row, or at the end of its keys', () => {
  const t = sample();
  const none = () => false;
  const all = () => true;
  assert.equal(t.columnsFrom('m', { after: '', prefix: '' }, none), 'full');
  assert.equal(t.columnsFrom('m', { after: '', prefix: '' }, all), 'done', 'the next row follows');
  assert.equal(t.columnsFrom('n', { after: '', prefix: '' }, all), 'tablet-end', 'the last row may go on in the next tablet');
  assert.equal(t.columnsFrom('n', { after: '', prefix: 'a' }, all), 'done', 'the prefix run ended');
});

test('paging to the end gives the row, in order, each page within its caps (model)', () => {
  const name = fc.string({ unit: fc.constantFrom('a', 'b', 'c', '\u00e9', '\u{1F431}'), minLength: 1, maxLength: 4 });
  fc.assert(
    fc.property(
      fc.array(fc.tuple(fc.constantFrom('q', 'r', 's'), name, fc.boolean())),
      fc.constantFrom('', 'a', 'b', 'ab', '\u{1F431}'),
      fc.integer({ min: 1, max: 5 }),
      fc.integer({ min: 1, max: 80 }),
      fc.boolean(),
      (cells, prefix, limit, bytesMax, withValues) => {
        const t = new Tablet('t0');
        const model = new Map<string, number>();
        for (const [row, column, keep] of cells) {
          t.put(row, column, v(column));
          if (row === 'r') model.set(column, Buffer.byteLength(column));
          if (!keep) {
            t.delete(row, column);
            if (row === 'r') model.delete(column);
          }
        }
        const expected = [...model.keys()].filter((n) => n.startsWith(prefix)).sort();
        const listed: ColumnInfo[] = [];
        let after = '';
        for (let pages = 0; ; pages++) {
          assert.ok(pages <= expected.length, 'every page gets further');
          const p = page(t, 'r', { after, prefix, limit, bytesMax, withValues });
          assert.ok(p.columns.length <= limit);
          const bytes = p.columns.reduce((n, c) => n + (withValues ? columnWireBytes(c.name, c.size) : columnWireBytes(c.name)), 0);
          assert.ok(p.columns.length === 1 || bytes <= bytesMax);
          listed.push(...p.columns);
          if (!p.more) break;
          after = p.columns[p.columns.length - 1]!.name;
        }
        assert.deepEqual(listed.map((c) => c.name), expected);
        for (const c of listed) {
          assert.equal(c.size, model.get(c.name));
          // Each value was written as its own column name.
          if (withValues) assert.equal((c as ColumnValue).value.toString(), c.name);
          else assert.equal('value' in c, false);
        }
      },
    ),
    { numRuns: 300 },
  );
});
