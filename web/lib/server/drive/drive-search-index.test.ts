// The name index, pure: its cells, the change a folder write makes to them, and matching with paths.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { newFolder, type Entry, type Folder } from './drive-model.ts';
import { newId } from './drive-names.ts';
import { applyDelta, deltaByCell, findMatches, indexDelta, nameBucketOf, nameBuckets, namesCodec, type IndexRecord } from './drive-search-index.ts';

const entry = (kind: Entry['kind'], name: string): Entry => ({ kind, name, created: 1, modified: 1 });
const withEntries = (entries: Record<string, Entry>): Folder => ({ ...newFolder(null, 0, 1), entries });

test('index cells: records come back whatever the name holds; a stamped value still reads; ids spread over every cell', () => {
  const names = ['a.txt', 'Ünïcödé report (1).pdf', 'has spaces and dots...x', '#hash:colon', 'quote " and \\ backslash', 'bad\uFFFDname'];
  const cell = new Map(names.map((name, i) => [`fChild${i}BBBBBBBBBBB`, { parent: 'dParentAAAAAAAAAAA', id: `fChild${i}BBBBBBBBBBB`, name }]));
  const encoded = namesCodec.encode(cell);
  assert.deepEqual(namesCodec.decode(encoded), cell);
  // updateCell (cells.ts) ends every value it writes with a stamp of JSON whitespace.
  assert.deepEqual(namesCodec.decode(Buffer.concat([encoded, Buffer.from(' \t\n\r \n')])), cell);
  assert.deepEqual(namesCodec.decode(Buffer.from('[["fOnly1234567890ab","root","x"],"junk",[1,2,3]]')).size, 1);
  const cells = new Set(Array.from({ length: 20_000 }, () => nameBucketOf(newId('file'))));
  assert.equal(cells.size, nameBuckets);
});

test('index delta: an add, a rename and a removal each change only their own records', () => {
  const a = entry('file', 'a.txt');
  const before = withEntries({ fA: a, fB: entry('file', 'b.txt'), fC: entry('file', 'c.txt') });
  const after = withEntries({ fA: a, fB: { ...entry('file', 'B2.txt'), modified: 2 }, fD: entry('folder', 'new') });
  const delta = indexDelta('dP', before, after);
  const byId = (list: IndexRecord[]) => [...list].sort((x, y) => x.id.localeCompare(y.id));
  assert.deepEqual(byId(delta.put), [{ parent: 'dP', id: 'fB', name: 'B2.txt' }, { parent: 'dP', id: 'fD', name: 'new' }]);
  assert.deepEqual(byId(delta.remove), [{ parent: 'dP', id: 'fC', name: 'c.txt' }]);
  // A change that keeps names (a size, a date) writes nothing.
  const touched = withEntries({ ...after.entries, fA: { ...a, modified: 9 } });
  assert.deepEqual(indexDelta('dP', after, touched), { put: [], remove: [] });
});

test("index cells: a move's two folder writes leave the new record in either order; a delta already applied changes nothing", () => {
  const old = { parent: 'dFrom', id: 'fMoved', name: 'm.txt' };
  const moved = { parent: 'dTo', id: 'fMoved', name: 'm.txt' };
  const start = new Map([[old.id, old]]);
  const addFirst = applyDelta(applyDelta(start, { put: [moved], remove: [] }), { put: [], remove: [old] });
  assert.equal(addFirst, undefined); // the removal finds the new record, not the old: nothing to write
  const added = applyDelta(start, { put: [moved], remove: [] })!;
  assert.deepEqual([...added.values()], [moved]);
  assert.equal(applyDelta(added, { put: [], remove: [old] }), undefined);
  const dropFirst = applyDelta(applyDelta(start, { put: [], remove: [old] }), { put: [moved], remove: [] })!;
  assert.deepEqual([...dropFirst.values()], [moved]);
  assert.equal(applyDelta(dropFirst, { put: [moved], remove: [] }), undefined);
  // Split by cell: each record goes to the cell of its id.
  const split = deltaByCell({ put: [moved], remove: [old] });
  assert.deepEqual([...split.keys()], [nameBucketOf('fMoved')]);
});

function records(...rows: [string, string, string][]): IndexRecord[] {
  return rows.map(([parent, id, name]) => ({ parent, id, name }));
}

test('matches: case-blind substrings anywhere in the tree, with the path of the holding folder', () => {
  const index = records(
    ['root', 'dWork', 'Work'],
    ['dWork', 'dPlans', 'Plans 2026'],
    ['dPlans', 'fBudget', 'Budget-FINAL.xlsx'],
    ['root', 'fNotes', 'notes.txt'],
    ['dWork', 'fOther', 'final answer.md'],
  );
  const found = findMatches(index, 'final', 10, 'My Drive');
  assert.equal(found.truncated, false);
  assert.deepEqual(
    found.hits.map((h) => [h.name, h.path.map((c) => c.name).join(' / ')]),
    [
      ['final answer.md', 'My Drive / Work'],
      ['Budget-FINAL.xlsx', 'My Drive / Work / Plans 2026'],
    ],
  );
  assert.deepEqual(found.hits[1]!.path.map((c) => c.id), ['root', 'dWork', 'dPlans']);
  assert.equal(findMatches(index, 'plans', 10, 'My Drive').hits[0]!.kind, 'folder');
  assert.deepEqual(findMatches(index, 'ÜNÏ', 10, 'My Drive').hits, []);
});

test('matches: Trash, what a trashed folder holds and orphans are left out; a moved item counts once', () => {
  const index = records(
    ['trash', 'fGone', 'report.pdf'],
    ['trash', 'dOld', 'Old'],
    ['dOld', 'fInside', 'report old.pdf'],
    ['dMissing', 'fOrphan', 'report lost.pdf'],
    ['root', 'fHere', 'report.pdf'],
    ['root', 'fMoving', 'report moving.pdf'],
    ['dA', 'fMoving', 'report moving.pdf'],
    ['root', 'dA', 'A'],
  );
  const found = findMatches(index, 'REPORT', 10, 'My Drive');
  assert.deepEqual(found.hits.map((h) => h.id).sort(), ['fHere', 'fMoving']);
});

test('matches: exact names first, then names that start with the query; at most the limit, and says so', () => {
  const index = records(['root', 'f1', 'xx cat'], ['root', 'f2', 'cat'], ['root', 'f3', 'catalog'], ['root', 'f4', 'a cat']);
  assert.deepEqual(findMatches(index, 'Cat', 10, 'My Drive').hits.map((h) => h.name), ['cat', 'catalog', 'a cat', 'xx cat']);
  const two = findMatches(index, 'cat', 2, 'My Drive');
  assert.deepEqual([two.hits.length, two.truncated], [2, true]);
});

test('matches: a loop a half-finished move left in the index ends', () => {
  const index = records(['dB', 'dA', 'loop a'], ['dA', 'dB', 'loop b']);
  assert.deepEqual(findMatches(index, 'loop', 10, 'My Drive').hits, []);
});
