// Paging a folder, pure: pages in the listing's order, each item exactly once, a cursor that
// names a place rather than a position, and cursors from elsewhere refused.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { HttpError } from '../errors.ts';
import { compareItems, sortedViews, folderView, newFolder, type Entry } from './drive-model.ts';
import { candidatesOf, decodeCursor, encodeCursor, pageOfSorted, pickPage, type Place } from './drive-paging.ts';
import { forget, recall, remember } from './drive-snapshots.ts';

const entry = (kind: Entry['kind'], name: string): Entry => ({ kind, name, created: 1, modified: 1 });

function walk(entries: Record<string, Entry>, limit: number): string[] {
  const ids: string[] = [];
  let after: Place | undefined;
  for (let pages = 0; ; pages++) {
    assert.ok(pages <= Object.keys(entries).length + 1, 'paging ends');
    const page = pickPage(Object.entries(entries), after, limit);
    assert.equal(page.total, Object.keys(entries).length);
    ids.push(...page.entries.map(([id]) => id));
    if (!page.next) return ids;
    // Through the wire form, as a browser sends it back.
    after = decodeCursor(encodeCursor(page.next));
  }
}

test('pages walk the folder in the order of the whole listing, each item once', () => {
  const names = ['b.txt', 'A.txt', 'a.txt', 'file10', 'file9', 'File2', 'Éclair', 'eclair', 'zeta', '10 things', '(draft)', 'ß'];
  const entries: Record<string, Entry> = {};
  names.forEach((n, i) => (entries[`f${String(i).padStart(16, '0')}`] = entry('file', n)));
  ['Zed', 'alpha', 'Alpha'].forEach((n, i) => (entries[`d${String(i).padStart(16, '0')}`] = entry('folder', n)));
  const whole = sortedViews(folderView(newFolder(null, 0, 1), entries)).map((v) => v.id);
  assert.equal(whole.length, 15);
  for (const limit of [1, 2, 3, 7, 15, 100]) assert.deepEqual(walk(entries, limit), whole, `pages of ${limit}`);
  // Folders first; numbers by value; names equal but for case in a fixed order.
  const shown = whole.map((id) => entries[id]!.name);
  assert.deepEqual(shown.slice(0, 3), ['Alpha', 'alpha', 'Zed']);
  assert.ok(shown.indexOf('file9') < shown.indexOf('file10'));
});

test('a page after a cursor is unmoved by items added or removed before it', () => {
  const entries: Record<string, Entry> = {};
  for (let i = 0; i < 30; i++) entries[`f${String(i).padStart(16, '0')}`] = entry('file', `n${String(i).padStart(2, '0')}`);
  const first = pickPage(Object.entries(entries), undefined, 10);
  const second = pickPage(Object.entries(entries), first.next, 10).entries.map(([id]) => id);
  delete entries[first.entries[0]![0]];
  entries.fNewAAAAAAAAAAAAA = entry('file', 'a-new-first');
  assert.deepEqual(pickPage(Object.entries(entries), first.next, 10).entries.map(([id]) => id), second);
  assert.equal(pickPage(Object.entries(entries), undefined, 0).entries.length, 0);
});

test('a large folder: the first page and a full walk agree with sorting it all', () => {
  const entries: Record<string, Entry> = {};
  for (let i = 0; i < 5000; i++) entries[`f${String(i).padStart(16, '0')}`] = entry(i % 50 === 0 ? 'folder' : 'file', `item ${(i * 7919) % 5000}`);
  const whole = Object.entries(entries)
    .map(([id, e]) => ({ id, kind: e.kind, name: e.name }))
    .sort(compareItems)
    .map((c) => c.id);
  assert.deepEqual(pickPage(Object.entries(entries), undefined, 100).entries.map(([id]) => id), whole.slice(0, 100));
  assert.deepEqual(walk(entries, 333), whole);
});

test('cursors: only what a listing gave is taken back', () => {
  const place: Place = { kind: 'folder', name: 'a "quoted" / name', id: 'dAAAAAAAAAAAAAAAA' };
  assert.deepEqual(decodeCursor(encodeCursor(place)), place);
  for (const bad of ['', 'not base64!', Buffer.from('[1,2,3]').toString('base64url'), Buffer.from('{}').toString('base64url'), 'x'.repeat(2000)]) {
    assert.throws(() => decodeCursor(bad), (err: unknown) => err instanceof HttpError && err.status === 400);
  }
});

test('pages from a sorted snapshot are the pages picked from the folder', () => {
  const entries: Record<string, Entry> = {};
  for (let i = 0; i < 700; i++) entries[`f${String(i).padStart(16, '0')}`] = entry(i % 9 === 0 ? 'folder' : 'file', `n ${(i * 31) % 700}`);
  const sorted = candidatesOf(Object.entries(entries)).sort(compareItems);
  for (let after: Place | undefined, n = 0; n < 20; n++) {
    const picked = pickPage(Object.entries(entries), after, 64);
    const fromSorted = pageOfSorted(sorted, after, 64);
    assert.deepEqual(fromSorted, picked);
    if (!picked.next) break;
    after = picked.next;
  }
});

test('snapshots: only of large folders, for a while, the newest few, dropped on a change', () => {
  const settings = { folderSnapshotMs: 1000, folderSnapshotEntriesMin: 3, folderSnapshotsMax: 2 };
  const three = { fA: entry('file', 'c'), fB: entry('file', 'a'), fC: entry('folder', 'z') };
  remember(settings, 'u', 'small', Object.entries({ fA: entry('file', 'a') }), 0);
  assert.equal(recall(settings, 'u', 'small', 0), undefined);
  remember(settings, 'u', 'd1', Object.entries(three), 0);
  assert.deepEqual(recall(settings, 'u', 'd1', 500)?.map((c) => c.id), ['fC', 'fB', 'fA']);
  assert.equal(recall(settings, 'other', 'd1', 500), undefined);
  assert.equal(recall(settings, 'u', 'd1', 1001), undefined, 'aged out');
  remember(settings, 'u', 'd1', Object.entries(three), 0);
  remember(settings, 'u', 'd2', Object.entries(three), 0);
  remember(settings, 'u', 'd3', Object.entries(three), 0);
  assert.equal(recall(settings, 'u', 'd1', 0), undefined, 'the oldest goes past the count');
  forget('u', 'd2');
  assert.equal(recall(settings, 'u', 'd2', 0), undefined);
  assert.ok(recall(settings, 'u', 'd3', 0));
});
