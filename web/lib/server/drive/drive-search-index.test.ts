// The name index, pure: its columns, the change a folder write makes to it, and matching with paths.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { newFolder, type Entry, type Folder } from './drive-model.ts';
import { findMatches, indexColumn, indexDelta, parseIndexColumn, type IndexRecord } from './drive-search-index.ts';

const entry = (kind: Entry['kind'], name: string): Entry => ({ kind, name, created: 1, modified: 1 });
const withEntries = (entries: Record<string, Entry>): Folder => ({ ...newFolder(null, 0, 1), entries });

test('index column: parent, id and name come back, whatever the name holds', () => {
  for (const name of ['a.txt', 'Ünïcödé report (1).pdf', 'has spaces and dots...x', '#hash:colon']) {
    const column = indexColumn('dParentAAAAAAAAAAA', 'fChildBBBBBBBBBBBB', name);
    assert.deepEqual(parseIndexColumn(column), { parent: 'dParentAAAAAAAAAAA', id: 'fChildBBBBBBBBBBBB', name });
    assert.match(column, /^[0-7]\//);
  }
  assert.equal(parseIndexColumn('~built'), undefined);
  assert.equal(indexColumn('root', 'fX', 'bad\uFFFDname').endsWith('bad?name'), true);
});

test('index delta: an add, a rename and a removal each change only their own columns', () => {
  const a = entry('file', 'a.txt');
  const before = withEntries({ fA: a, fB: entry('file', 'b.txt'), fC: entry('file', 'c.txt') });
  const after = withEntries({ fA: a, fB: { ...entry('file', 'B2.txt'), modified: 2 }, fD: entry('folder', 'new') });
  const delta = indexDelta('dP', before, after);
  assert.deepEqual(delta.put.sort(), [indexColumn('dP', 'fB', 'B2.txt'), indexColumn('dP', 'fD', 'new')].sort());
  assert.deepEqual(delta.remove.sort(), [indexColumn('dP', 'fB', 'b.txt'), indexColumn('dP', 'fC', 'c.txt')].sort());
  // A change that keeps names (a size, a date) writes nothing.
  const touched = withEntries({ ...after.entries, fA: { ...a, modified: 9 } });
  assert.deepEqual(indexDelta('dP', after, touched), { put: [], remove: [] });
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
