// The drive's pure rules: names, byte ranges, Content-Disposition, media types, the folder and
// usage transforms that every CPut retry re-runs, and the Pipeline that bounds writes in flight.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { HttpError } from '../errors.ts';
import { Pipeline } from './drive-chunks.ts';
import { formatBytes } from '../../format-bytes.ts';
import { contentDisposition } from '../download.ts';
import { parseRange } from './drive-http.ts';
import { mediaTypeOf } from './drive-media.ts';
import { checkFolder, decodeFolder, encodeFolder, folderView, newFolder, withEntry, withName, withoutEntry, type Entry } from './drive-model.ts';
import { checkName, chunkColumn, chunkRow, chunkRowCount, isValidId, kindOfId, newId } from './drive-names.ts';
import { completeDelete, finish, grow, markCommitting, recordDelete, release, reserve, staleDeletes, staleUploads, touch, usageCodec } from './drive-usage.ts';

function refusal(fn: () => unknown): { status: number; code: string; message: string } | undefined {
  try {
    fn();
  } catch (err) {
    assert.ok(err instanceof HttpError, `expected an HttpError, got ${String(err)}`);
    return { status: err.status, code: err.code, message: err.message };
  }
  return undefined;
}

test('names: the rules docs/API.md states, each with its own message', () => {
  assert.equal(checkName('report.pdf'), 'report.pdf');
  assert.equal(checkName('Cafe\u0301'), 'Café'); // NFC
  assert.equal(checkName('x'.repeat(255)), 'x'.repeat(255));
  assert.equal(checkName('.hidden'), '.hidden');
  assert.equal(checkName('a..b'), 'a..b');
  const cases: [unknown, RegExp][] = [
    ['a/b', /"\/"/],
    ['a\0b', /NUL/],
    ['.', /only dots/],
    ['..', /only dots/],
    ['....', /only dots/],
    ['x'.repeat(256), /255 bytes/],
    ['€'.repeat(86), /255 bytes/], // 258 bytes in 86 characters
    ['', /required/],
    [undefined, /required/],
    [7, /required/],
    ['tab\there', /control/],
    [' lead', /space/],
    ['trail ', /space/],
  ];
  for (const [name, message] of cases) {
    const r = refusal(() => checkName(name));
    assert.equal(r?.status, 400, String(name));
    assert.match(r!.message, message);
  }
});

test('ids: kinds by prefix, nothing else passes', () => {
  const folder = newId('folder');
  const file = newId('file');
  assert.equal(kindOfId(folder), 'folder');
  assert.equal(kindOfId(file), 'file');
  assert.equal(kindOfId('root'), 'folder');
  for (const bad of ['', 'd', 'x'.repeat(17), `${folder}x`, '../etc/passwd', 'f#a#b', 'fAAAAAAAAAAAAAAA/']) assert.equal(isValidId(bad), false, bad);
});

test('chunk layout: 16 chunks a row, rows counted from the size', () => {
  assert.equal(chunkRow('alice', 'fX', 0, 16), 'alice#file#fX#0');
  assert.equal(chunkRow('alice', 'fX', 15, 16), 'alice#file#fX#0');
  assert.equal(chunkRow('alice', 'fX', 16, 16), 'alice#file#fX#1');
  assert.equal(chunkColumn(7), 'c/000007');
  const MiB = 1 << 20;
  assert.equal(chunkRowCount(0, MiB, 16), 1);
  assert.equal(chunkRowCount(16 * MiB, MiB, 16), 1);
  assert.equal(chunkRowCount(16 * MiB + 1, MiB, 16), 2);
  assert.equal(chunkRowCount(1024 * MiB, MiB, 16), 64);
});

test('ranges: one range served, the rest of RFC 9110 §14 as written', () => {
  assert.deepEqual(parseRange(null, 100), { kind: 'whole' });
  assert.deepEqual(parseRange('bytes=0-9', 100), { kind: 'partial', start: 0, end: 9 });
  assert.deepEqual(parseRange('bytes=90-', 100), { kind: 'partial', start: 90, end: 99 });
  assert.deepEqual(parseRange('bytes=90-500', 100), { kind: 'partial', start: 90, end: 99 });
  assert.deepEqual(parseRange('bytes=-10', 100), { kind: 'partial', start: 90, end: 99 });
  assert.deepEqual(parseRange('bytes=-500', 100), { kind: 'partial', start: 0, end: 99 });
  assert.deepEqual(parseRange('bytes=100-', 100), { kind: 'unsatisfiable' });
  assert.deepEqual(parseRange('bytes=-0', 100), { kind: 'unsatisfiable' });
  assert.deepEqual(parseRange('bytes=0-', 0), { kind: 'unsatisfiable' });
  for (const ignored of ['bytes=0-1,5-6', 'items=0-1', 'bytes=5-2', 'bytes=-', 'garbage']) assert.deepEqual(parseRange(ignored, 100), { kind: 'whole' }, ignored);
});

test('Content-Disposition: an ASCII fallback and the UTF-8 name (RFC 6266, RFC 8187)', () => {
  assert.equal(contentDisposition('a.txt'), `attachment; filename="a.txt"; filename*=UTF-8''a.txt`);
  assert.equal(contentDisposition('naïve "q" (1)\\.txt'), `attachment; filename="na_ve _q_ (1)_.txt"; filename*=UTF-8''na%C3%AFve%20%22q%22%20%281%29%5C.txt`);
  assert.equal(contentDisposition('📁'), `attachment; filename="__"; filename*=UTF-8''%F0%9F%93%81`);
});

test('media types: the one sent, else a guess from the extension', () => {
  assert.equal(mediaTypeOf('text/plain; charset=utf-8', 'x'), 'text/plain');
  assert.equal(mediaTypeOf(null, 'photo.JPG'), 'image/jpeg');
  assert.equal(mediaTypeOf('application/x-www-form-urlencoded', 'a.pdf'), 'application/pdf');
  assert.equal(mediaTypeOf('application/octet-stream', 'noext'), 'application/octet-stream');
  assert.equal(mediaTypeOf('not a type\r\nX-Evil: 1', 'a.bin'), 'application/octet-stream');
});

test('folders: entries added once, names unique, changes idempotent on retry', () => {
  const entry: Entry = { kind: 'file', name: 'a.txt', created: 1, modified: 1, size: 3 };
  const f0 = folderView(newFolder(null, 0, 1), {});
  const f1 = withEntry(f0, 'f1', entry, 10)!;
  assert.equal(withEntry(f1, 'f1', entry, 10), undefined, 'a retried add of the same id changes nothing');
  assert.equal(refusal(() => withEntry(f1, 'f2', entry, 10))?.status, 409);
  assert.equal(refusal(() => withEntry({ ...f1, deleting: true }, 'f3', { ...entry, name: 'b' }, 10))?.status, 409);
  assert.match(refusal(() => withEntry(f1, 'f3', { ...entry, name: 'b' }, 1))!.message, /at most 1/);
  const renamed = withName(f1, 'f1', 'b.txt', 5)!;
  assert.equal(renamed.entries.f1!.name, 'b.txt');
  assert.equal(withName(renamed, 'f1', 'b.txt', 6), undefined);
  assert.equal(refusal(() => withName(f1, 'missing', 'x', 1))?.status, 404);
  assert.deepEqual(withoutEntry(f1, 'f1')!.entries, {});
  assert.deepEqual(checkFolder(decodeFolder(encodeFolder(renamed))), renamed);
  assert.throws(() => decodeFolder(Buffer.from('{"entries": null}')), /malformed/);
  assert.equal(withoutEntry(f0, 'f1'), undefined);
});

test('usage: reserve, grow, commit and release keep usedBytes exact and refuse past the quota', () => {
  const limits = { quotaBytes: 100, uploadsOpenMax: 2 };
  const u1 = reserve(undefined, 'u1', { fileId: 'fa', folder: 'root', touchedAt: 0 }, 60, limits)!;
  assert.equal(u1.usedBytes, 60);
  assert.equal(reserve(u1, 'u1', { fileId: 'fa', folder: 'root', touchedAt: 0 }, 60, limits), undefined, 'retry');
  const quota = refusal(() => reserve(u1, 'u2', { fileId: 'fb', folder: 'root', touchedAt: 0 }, 41, limits));
  assert.deepEqual(quota && [quota.status, quota.code, quota.message], [413, 'quota_exceeded', 'Not enough room: this needs 41 bytes, and 40 bytes of your 100 bytes are free.']);
  const u2 = reserve(u1, 'u2', { fileId: 'fb', folder: 'root', touchedAt: 0 }, 0, limits)!;
  assert.equal(refusal(() => reserve(u2, 'u3', { fileId: 'fc', folder: 'root', touchedAt: 0 }, 0, limits))?.status, 429);
  const grown = grow(u2, 'u2', 30, limits, 9)!;
  assert.equal(grown.usedBytes, 90);
  assert.equal(grown.uploads.u2!.touchedAt, 9);
  assert.equal(refusal(() => grow(grown, 'u2', 41, limits, 9))?.code, 'quota_exceeded');
  const committing = markCommitting(grown, 'u1', 50, 10)!;
  assert.equal(committing.usedBytes, 80);
  assert.equal(markCommitting(committing, 'u1', 50, 11), undefined, 'retry');
  const finished = finish(committing, 'u1')!;
  assert.equal(finished.usedBytes, 80);
  const released = release(finished, 'u2')!;
  assert.equal(released.usedBytes, 50);
  assert.deepEqual(released.uploads, {});
  assert.equal(release(released, 'u2'), undefined);
  assert.equal(refusal(() => touch(released, 'u2', 1))?.code, 'aborted');
  assert.deepEqual(
    staleUploads(u2, 1000, 500).map(([id]) => id),
    ['u1', 'u2'],
  );
  assert.deepEqual(staleUploads(touch(u2, 'u1', 900), 1000, 500).map(([id]) => id), ['u2']);
});

test('usage: a file delete gives its bytes back exactly once, however often it runs', () => {
  const limits = { quotaBytes: 100, uploadsOpenMax: 2 };
  const stored = finish(markCommitting(reserve(undefined, 'u1', { fileId: 'fa', folder: 'root', touchedAt: 0 }, 60, limits), 'u1', 60, 1), 'u1')!;
  const recorded = recordDelete(stored, 'fa', 'root', 60, 5)!;
  assert.equal(recorded.usedBytes, 60, 'counted until the delete is done');
  assert.deepEqual(recorded.deletes, { fa: { folder: 'root', bytes: 60, touchedAt: 5 } });
  assert.equal(recordDelete(recorded, 'fa', 'root', 60, 6), undefined, 'a second deleter records nothing');
  const done = completeDelete(recorded, 'fa')!;
  assert.equal(done.usedBytes, 0);
  assert.deepEqual(done.deletes, {});
  assert.equal(completeDelete(done, 'fa'), undefined, 'a second completion gives nothing back');
  assert.equal(recordDelete(done, 'fa', 'root', 60, 7), undefined, 'a slow deleter cannot record a finished delete');
  assert.deepEqual(staleDeletes(recorded, 1000, 500).map(([id]) => id), ['fa']);
  assert.deepEqual(staleDeletes(recorded, 400, 500), []);
  // A committing upload's record naming the file is over with the delete.
  const committing = markCommitting(reserve(undefined, 'u2', { fileId: 'fb', folder: 'root', touchedAt: 0 }, 10, limits), 'u2', 10, 1)!;
  assert.deepEqual(completeDelete(recordDelete(committing, 'fb', 'root', 10, 2), 'fb')!.uploads, {});
  // A usage cell written before deletes were recorded reads as having none.
  assert.deepEqual(usageCodec.decode(Buffer.from('{"usedBytes":5,"uploads":{}}')), { usedBytes: 5, uploads: {}, deletes: {}, doneDeletes: [] });
});

test('Pipeline: at most `limit` jobs in flight; the first failure surfaces', async () => {
  const pipeline = new Pipeline(2);
  let running = 0;
  let most = 0;
  const job = () => async () => {
    running++;
    most = Math.max(most, running);
    await new Promise((r) => setTimeout(r, 5));
    running--;
  };
  for (let i = 0; i < 6; i++) await pipeline.submit(job());
  await pipeline.drain();
  assert.equal(most, 2);
  const failing = new Pipeline(2);
  await failing.submit(async () => {
    throw new Error('store down');
  });
  await assert.rejects(failing.drain(), /store down/);
});

test('sizes for people', () => {
  assert.equal(formatBytes(0), '0 bytes');
  assert.equal(formatBytes(1), '1 byte');
  assert.equal(formatBytes(1536), '1.5 KiB');
  assert.equal(formatBytes(10 * 1024 ** 3), '10.0 GiB');
  assert.equal(formatBytes(300 * 1024 ** 2), '300 MiB');
});
