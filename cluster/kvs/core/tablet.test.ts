// A tablet against a plain Map model: cells, byte count, key order, split and file round trip.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { PennError } from '../../common/errors.ts';
import type { ColumnInfo } from './types.ts';
import { Tablet, cellBytes, cellKey, cellOverheadBytes, firstKeyAfterRow } from './tablet.ts';
import { encodeCell, encodeTabletFooter, encodeTabletHeader, recordBytesMaxDefault, valueApartBytesMin } from './wal-record.ts';

const v = (s: string) => Buffer.from(s);
const max = recordBytesMaxDefault;

test('get, put, delete and the byte count', () => {
  const t = new Tablet('t0');
  assert.equal(t.put('r', 'c', v('abc')), undefined);
  assert.equal(t.bytes, 'r\0c'.length * 2 + 3 + cellOverheadBytes);
  assert.deepEqual(t.put('r', 'c', v('abcdef')), v('abc'));
  assert.equal(t.bytes, cellBytes('r\0c', v('abcdef')));
  assert.deepEqual(t.get('r', 'c'), v('abcdef'));
  assert.equal(t.get('r', 'd'), undefined);
  assert.deepEqual(t.delete('r', 'c'), v('abcdef'));
  assert.equal(t.delete('r', 'c'), undefined);
  assert.equal(t.bytes, 0);
  assert.equal(t.cellCount, 0);
});

test('a row\'s columns come sorted by name and stay within the row', () => {
  const t = new Tablet('t0');
  for (const [row, col] of [['a', 'z'], ['a', 'b'], ['ab', 'a'], ['a', ''], ['', 'q'], ['b', 'x']] as const) {
    t.put(row, col, v(row + col));
  }
  const listColumns = (row: string) => {
    const columns: ColumnInfo[] = [];
    t.columnsFrom(row, { after: '', prefix: '' }, (c) => columns.push(c) > 0);
    return columns;
  };
  assert.deepEqual(listColumns('a'), [
    { name: '', size: 1 },
    { name: 'b', size: 2 },
    { name: 'z', size: 2 },
  ]);
  assert.deepEqual(listColumns('ab'), [{ name: 'a', size: 3 }]);
  assert.deepEqual(listColumns('nope'), []);
});

test('rowsFrom walks rows in order from a key, a row at a time', () => {
  const t = new Tablet('t0');
  for (const row of ['b', 'a', 'ab', 'c']) {
    t.put(row, 'x', v('1'));
    t.put(row, 'y', v('22'));
  }
  const all = t.rowsFrom('', 10);
  assert.deepEqual(all.map((r) => r.row), ['a', 'ab', 'b', 'c']);
  assert.deepEqual(all[0]?.columns, [{ name: 'x', size: 1 }, { name: 'y', size: 2 }]);
  assert.deepEqual(t.rowsFrom(firstKeyAfterRow('a'), 2).map((r) => r.row), ['ab', 'b']);
  assert.deepEqual(t.rowsFrom(firstKeyAfterRow('c'), 2), []);
});

test('split at the median keeps every cell and the byte count', () => {
  const t = new Tablet('t0');
  for (let i = 0; i < 101; i++) t.put(`row${String(i).padStart(3, '0')}`, 'c', v('x'.repeat(i)));
  const { left, right, first } = t.split('t9');
  assert.equal(left.id, 't0');
  assert.equal(right.id, 't9');
  assert.equal(left.cellCount, 50);
  assert.equal(right.cellCount, 51);
  assert.equal(first, cellKey('row050', 'c'));
  assert.equal(right.firstKey(), first);
  assert.equal(left.bytes + right.bytes, t.bytes);
  assert.ok((left.lastKey() as string) < first);
});

test('serialize and parse round trip, including unicode and empty values', () => {
  const t = new Tablet('t3');
  t.put('ünï', 'cöl ☃', v(''));
  t.put('\u{1f431}', '', Buffer.alloc(5000, 1));
  t.put('a', 'b', v('c'));
  const back = Tablet.parse(t.serialize(), max);
  assert.equal(back.id, 't3');
  assert.equal(back.bytes, t.bytes);
  assert.deepEqual([...back.cells()], [...t.cells()]);
});

test('the file in pieces is the same file: small cells gathered, a large value its own buffer, not a copy', () => {
  const t = new Tablet('t4');
  const large = Buffer.alloc(valueApartBytesMin + 5, 7);
  for (let i = 0; i < 40; i++) t.put('r', `a${String(i).padStart(2, '0')}`, Buffer.alloc(300, i));
  t.put('r', 'm-large', large);
  for (let i = 0; i < 40; i++) t.put('r', `z${String(i).padStart(2, '0')}`, Buffer.alloc(300, i));
  const pieces = t.pieces(4096);
  const whole = Buffer.concat([encodeTabletHeader('t4'), ...[...t.cells()].map(({ key, value }) => encodeCell('r', key.slice(2), value)), encodeTabletFooter(t.cellCount, t.bytes)]);
  assert.deepEqual(Buffer.concat(pieces), whole, 'the bytes on disk are unchanged');
  assert.ok(pieces.includes(large), 'the large value is written from its own buffer');
  assert.ok(pieces.length > 4, `small cells come in several pieces (${pieces.length})`);
  for (const p of pieces) if (p !== large) assert.ok(p.length < 4096 + 400, `a piece of ${p.length} bytes`);
  assert.deepEqual([...Tablet.parse(Buffer.concat(pieces), max).cells()], [...t.cells()]);
});

test('a damaged tablet file throws PennError internal', () => {
  const t = new Tablet('t1');
  t.put('a', 'b', v('c'));
  t.put('a', 'd', v('e'));
  const buf = t.serialize();
  const isInternal = (err: unknown) => err instanceof PennError && err.code === 'internal';
  assert.throws(() => Tablet.parse(buf.subarray(0, buf.length - 3), max), isInternal);
  const flipped = Buffer.from(buf);
  flipped[20] = (flipped[20] as number) ^ 1;
  assert.throws(() => Tablet.parse(flipped, max), isInternal);
  const noFooter = buf.subarray(0, buf.length - encodeTabletFooter(2, t.bytes).length);
  assert.throws(() => Tablet.parse(noFooter, max), /no footer/);
  const wrongCount = Buffer.concat([noFooter, encodeTabletFooter(3, t.bytes)]);
  assert.throws(() => Tablet.parse(wrongCount, max), /footer counts 3/);
  const unordered = Buffer.concat([
    encodeTabletHeader('t1'),
    encodeCell('b', 'x', v('1')),
    encodeCell('a', 'x', v('1')),
    encodeTabletFooter(2, 0),
  ]);
  assert.throws(() => Tablet.parse(unordered, max), /out of order/);
});

test('property: a tablet matches a Map model through puts, deletes, split and parse', () => {
  const name = fc.string({ unit: 'binary', maxLength: 6 }).filter((s) => !s.includes('\0'));
  const op = fc.record({ del: fc.boolean(), row: name, column: name, value: fc.uint8Array({ maxLength: 16 }) });
  fc.assert(
    fc.property(fc.array(op, { maxLength: 60 }), (ops) => {
      const t = new Tablet('t0');
      const model = new Map<string, Buffer>();
      for (const o of ops) {
        const key = cellKey(o.row, o.column);
        if (o.del) {
          assert.deepEqual(t.delete(o.row, o.column), model.get(key));
          model.delete(key);
        } else {
          assert.deepEqual(t.put(o.row, o.column, Buffer.from(o.value)), model.get(key));
          model.set(key, Buffer.from(o.value));
        }
      }
      const sorted = [...model.keys()].sort();
      assert.deepEqual([...t.cells()].map((c) => c.key), sorted);
      assert.equal(t.bytes, sorted.reduce((n, k) => n + cellBytes(k, model.get(k) as Buffer), 0));
      const back = Tablet.parse(t.serialize(), max);
      assert.deepEqual([...back.cells()], [...t.cells()]);
      if (t.cellCount >= 2) {
        const { left, right } = t.split('t1');
        assert.deepEqual([...left.cells(), ...right.cells()], [...t.cells()]);
      }
    }),
    { numRuns: 120 },
  );
});
