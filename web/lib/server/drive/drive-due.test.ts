// When a drive's waiting work falls due (drive-due.ts): the background sweep looks at a drive
// again at exactly the moment its earliest Trash item, stale upload or stale delete can be
// finished, and drops its mark when nothing waits.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseConfig } from '../../../../cluster/common/config.ts';
import { dueAt, dueRowOf, dueRows, nextDue } from './drive-due.ts';
import { expiredInTrash } from './drive-trash-rules.ts';
import { staleDeletes, staleUploads, type Usage } from './drive-usage.ts';
import type { Entry, Folder } from './drive-model.ts';

const drive = { ...parseConfig({}).drive, trashRetentionMs: 30_000, uploadStaleMs: 2_000, resumableUploadTtlMs: 60_000 };

function trashWith(times: number[]): Folder {
  const entries: Record<string, Entry> = {};
  times.forEach((at, i) => (entries[`f${i}`] = { kind: 'file', name: `n${i}`, created: 0, modified: 0, size: 1, trashed: { from: 'root', fromPath: '', at } }));
  return { parent: null, entries } as unknown as Folder;
}

const usage = (uploads: Usage['uploads'], deletes: Usage['deletes'] = {}): Usage => ({ usedBytes: 0, uploads, deletes, doneDeletes: [] });

test('nothing waiting: no due time', () => {
  assert.equal(nextDue(undefined, undefined, drive), undefined);
  assert.equal(nextDue(usage({}), trashWith([]), drive), undefined);
});

test('the earliest of the Trash items, uploads and deletes; each due exactly when its own sweep would take it', () => {
  const trash = trashWith([5_000, 1_000]);
  const uploads = { u1: { fileId: 'f', folder: 'root', reservedBytes: 1, touchedAt: 20_000 }, u2: { fileId: 'g', folder: 'root', reservedBytes: 1, touchedAt: 100, resumable: true } };
  const deletes = { d1: { folder: 'root', bytes: 1, touchedAt: 28_000 } };
  const all = usage(uploads, deletes);
  const due = nextDue(all, trash, drive)!;
  // Trash item at 1,000 + 30,000; the plain upload at 20,000 + 2,000 + 1; the resumable one at 60,101; the delete at 30,001.
  assert.equal(due, 22_001);
  assert.deepEqual(staleUploads(all, due - 1, drive.uploadStaleMs, drive.resumableUploadTtlMs), []);
  assert.deepEqual(staleUploads(all, due, drive.uploadStaleMs, drive.resumableUploadTtlMs).map(([id]) => id), ['u1']);
  const onlyTrash = nextDue(usage({}), trash, drive)!;
  assert.equal(onlyTrash, 31_000);
  assert.deepEqual(expiredInTrash(trash, onlyTrash - 1, drive.trashRetentionMs, 10), []);
  assert.deepEqual(expiredInTrash(trash, onlyTrash, drive.trashRetentionMs, 10), ['f1']);
  const onlyDelete = nextDue(usage({}, deletes), undefined, drive)!;
  assert.deepEqual(staleDeletes(usage({}, deletes), onlyDelete - 1, drive.uploadStaleMs), []);
  assert.equal(staleDeletes(usage({}, deletes), onlyDelete, drive.uploadStaleMs).length, 1);
});

test('a large Trash is no trouble', () => {
  const times = Array.from({ length: 200_000 }, (_, i) => 1_000_000 - i);
  assert.equal(nextDue(undefined, trashWith(times), drive), 1_000_000 - 199_999 + 30_000);
});

test('marks: a value never written reads as "look now"; users spread over every row', () => {
  assert.equal(dueAt('0'), 0);
  assert.equal(dueAt('1796568000000'), 1796568000000);
  assert.equal(dueAt('soon'), 0);
  assert.equal(dueAt('-5'), 0);
  const rows = new Set(Array.from({ length: 500 }, (_, i) => dueRowOf(`user${i}`)));
  assert.equal(rows.size, dueRows);
});
