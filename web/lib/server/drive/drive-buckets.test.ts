// Buckets of a folder, pure: which bucket a name or id picks, the count a new folder gets,
// grouping an old folder's entries, and merging buckets that a rename cut short left with two
// copies of one item.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { bucketCountFor, bucketFor, bucketOfColumn, bucketOfName, decodeBucket, encodeBucket, hashText, mergeBuckets, splitIntoBuckets } from './drive-buckets.ts';
import { newFolder, type Entry } from './drive-model.ts';
import { bucketColumn, bucketPrefix } from './drive-names.ts';

const file = (name: string, modified = 1): Entry => ({ kind: 'file', name, created: 1, modified });

test('a name picks one bucket, whatever its case or Unicode form; Trash picks by id', () => {
  const head = newFolder(null, 0, 256);
  assert.equal(bucketFor(head, 'fA', 'Report.PDF'), bucketFor(head, 'fB', 'report.pdf'));
  assert.equal(bucketFor(head, 'fA', 'Cafe\u0301'), bucketFor(head, 'fB', 'Café'));
  assert.equal(bucketOfName('a.txt', 256), hashText('a.txt') % 256);
  // The hash is FNV-1a, fixed: a folder's buckets must mean the same on every frontend, forever.
  assert.equal(hashText(''), 0x811c9dc5);
  assert.equal(hashText('a'), 0xe40c292c);
  const trash = { ...newFolder(null, 0, 256), trash: true };
  const byId = new Set(['same.txt', 'same.txt', 'same.txt'].map((name, i) => bucketFor(trash, `f${i}AAAAAAAAAAAAAAA`, name)));
  assert.ok(byId.size > 1, 'names that repeat in Trash spread over buckets');
});

test('names spread evenly: 100,000 names in 256 buckets, none near the bucket limit', () => {
  const settings = { folderEntriesMax: 200_000, folderBucketEntriesMax: 1024 };
  const count = bucketCountFor(settings);
  assert.equal(count, 256);
  const sizes = new Array<number>(count).fill(0);
  for (let i = 0; i < 200_000; i++) sizes[bucketOfName(`photo-${i}.jpg`, count)]!++;
  assert.ok(Math.max(...sizes) < settings.folderBucketEntriesMax, `largest bucket ${Math.max(...sizes)}`);
  assert.equal(bucketCountFor({ folderEntriesMax: 10, folderBucketEntriesMax: 1024 }), 1);
  assert.equal(bucketCountFor({ folderEntriesMax: 1000, folderBucketEntriesMax: 100 }), 16);
});

test('bucket columns: one folder prefix holds only its own buckets', () => {
  assert.equal(bucketOfColumn(bucketPrefix('root'), bucketColumn('root', 17)), 17);
  assert.equal(bucketOfColumn(bucketPrefix('root'), 'folder:root'), undefined);
  assert.equal(bucketOfColumn(bucketPrefix('root'), bucketColumn('root', 0) + 'x'), undefined);
  assert.equal(bucketColumn('root', 3).startsWith(bucketPrefix('roo')), false);
  assert.deepEqual(decodeBucket(encodeBucket({ entries: { f1: file('a') } })), { entries: { f1: file('a') } });
  assert.throws(() => decodeBucket(Buffer.from('{"entries":null}')), /malformed/);
});

test('an old folder splits into the buckets its names pick, every entry once', () => {
  const head = newFolder(null, 0, 8);
  const entries = Object.fromEntries(Array.from({ length: 50 }, (_, i) => [`f${i}`, file(`n${i}`)]));
  const groups = splitIntoBuckets(head, entries);
  let seen = 0;
  for (const [k, held] of groups) {
    for (const [id, entry] of Object.entries(held)) {
      assert.equal(bucketFor(head, id, entry.name), k);
      seen++;
    }
  }
  assert.equal(seen, 50);
});

test('merge: a rename cut short shows the newer copy once and names the older as stale', () => {
  const merged = mergeBuckets([
    { bucket: 1, entries: { fA: file('old name', 1), fB: file('b') } },
    { bucket: 5, entries: { fA: file('new name', 2) } },
  ]);
  const entries = Object.fromEntries(merged.pairs);
  assert.deepEqual(Object.keys(entries).sort(), ['fA', 'fB']);
  assert.equal(entries.fA!.name, 'new name');
  assert.deepEqual(merged.stale, [{ bucket: 1, id: 'fA', entry: file('old name', 1) }]);
  // Read in the other order, the same answer.
  const reversed = mergeBuckets([
    { bucket: 5, entries: { fA: file('new name', 2) } },
    { bucket: 1, entries: { fA: file('old name', 1) } },
  ]);
  assert.deepEqual(reversed.pairs, [['fA', file('new name', 2)]]);
  assert.equal(reversed.stale[0]!.bucket, 1);
});
