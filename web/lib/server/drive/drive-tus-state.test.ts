// The pure parts of resumable uploads: which offset a request's acknowledged chunks add up to,
// how a state's offset may move, the state's codec and ids, when a resumable upload's record goes
// stale, and the folder swap of a replace.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { newFolder, type Entry } from './drive-model.ts';
import { swapped } from './drive-tus-commit.ts';
import { advanced, isUploadId, newUploadId, OffsetBook, tusColumn, tusStateCodec, type TusState } from './drive-tus-state.ts';
import { reserve, staleUploads } from './drive-usage.ts';

const KiB = 1024;

test('offset book: the offset is the end of the longest run of acknowledged chunks from the first', () => {
  const book = new OffsetBook(0, 4 * KiB);
  assert.equal(book.durableOffset, 0);
  book.chunkStored(1, 8 * KiB); // out of order: chunk 0 is still in flight
  book.chunkStored(2, 12 * KiB);
  assert.equal(book.durableOffset, 0);
  book.chunkStored(0, 4 * KiB);
  assert.equal(book.durableOffset, 12 * KiB);
  book.chunkStored(3, 13 * KiB); // a short last (or partial) chunk
  assert.equal(book.durableOffset, 13 * KiB);
});

test('offset book: a request that begins inside a chunk counts from its own start, never below it', () => {
  const book = new OffsetBook(5 * KiB, 4 * KiB);
  assert.equal(OffsetBook.indexOf(5 * KiB, 4 * KiB), 1);
  assert.equal(book.durableOffset, 5 * KiB);
  book.chunkStored(0, 4 * KiB); // before the request: ignored
  assert.equal(book.durableOffset, 5 * KiB);
  book.chunkStored(2, 12 * KiB);
  assert.equal(book.durableOffset, 5 * KiB);
  book.chunkStored(1, 8 * KiB);
  assert.equal(book.durableOffset, 12 * KiB);
});

const state: TusState = {
  owner: 'ann',
  fileId: 'fAAAAAAAAAAAAAAAA',
  folder: 'root',
  name: 'movie.mp4',
  type: 'video/mp4',
  length: 100,
  offset: 10,
  created: 1_700_000_000_000,
  chunkBytes: 1024,
  chunksPerRow: 16,
  fingerprint: 'penncloud:root:movie.mp4:100:1',
};

test('state offset: only rises, and never to the end (the commit acknowledges the last bytes)', () => {
  assert.equal(advanced(state, 50)?.offset, 50);
  assert.equal(advanced(state, 10), undefined, 'as far already: nothing to write');
  assert.equal(advanced(state, 5), undefined, 'a late request from behind does not lower it');
  assert.equal(advanced(state, 100)?.offset, 99);
  assert.equal(advanced(undefined, 50), undefined, 'a finished or cancelled upload is not brought back');
});

test('state codec: round trip, trailing whitespace (a CPut stamp) ignored, malformed refused', () => {
  const encoded = tusStateCodec.encode(state);
  assert.deepEqual(tusStateCodec.decode(encoded), state);
  assert.deepEqual(tusStateCodec.decode(Buffer.concat([encoded, Buffer.from(' \t\n\r ')])), state);
  assert.throws(() => tusStateCodec.decode(Buffer.from('{"owner":"ann"}')));
  assert.throws(() => tusStateCodec.decode(Buffer.from(JSON.stringify({ ...state, offset: -1 }))));
  assert.equal(tusColumn('tX'), 'tus:tX');
});

test('upload ids: 128 random bits, and nothing else passes for one', () => {
  const a = newUploadId();
  assert.ok(isUploadId(a));
  assert.notEqual(a, newUploadId());
  for (const bad of ['', 'root', `${a}x`, a.slice(0, -1), `t${'/'.repeat(22)}`, '../../x']) assert.ok(!isUploadId(bad), bad);
});

test('staleness: a resumable record waits resumableTtlMs, a streamed one staleMs', () => {
  const limits = { quotaBytes: 10_000, uploadsOpenMax: 8 };
  let usage = reserve(undefined, 'streamed', { fileId: 'f1', folder: 'root', touchedAt: 0 }, 10, limits);
  usage = reserve(usage, 'tus', { fileId: 'f2', folder: 'root', touchedAt: 0, resumable: true }, 100, limits);
  assert.equal(usage?.usedBytes, 110);
  assert.deepEqual(staleUploads(usage, 5_000, 1_000, 86_400_000).map(([id]) => id), ['streamed']);
  assert.deepEqual(staleUploads(usage, 86_400_001, 1_000, 86_400_000).map(([id]) => id), ['streamed', 'tus']);
});

test('replace: one folder value swaps the entries', () => {
  const entry = (name: string): Entry => ({ kind: 'file', name, created: 1, modified: 1, size: 3 });
  const folder = { ...newFolder(null, 0, 1), entries: { fOld: entry('a.txt'), fOther: entry('b.txt') } };
  const after = swapped(folder, 'fOld', 'fNew', entry('a.txt'), 100);
  assert.deepEqual(Object.keys(after!.entries).sort(), ['fNew', 'fOther']);
  assert.equal(swapped(after!, 'fOld', 'fNew', entry('a.txt'), 100), undefined, 'a retry writes nothing');
  assert.throws(() => swapped(folder, 'fGone', 'fNew', entry('b.txt'), 100), /already in this folder/);
});
