// Trash's pure rules: the free name a restored item takes, what the sweep deletes, and the
// Trash changes every CPut retry re-runs.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { HttpError } from '../errors.ts';
import { newFolder, withEntry, withName, type Entry, type Folder } from './drive-model.ts';
import { expiredInTrash, freeName, restoredEntry, trashPage, withTrashed } from './drive-trash-rules.ts';

const file = (name: string, extra: Partial<Entry> = {}): Entry => ({ kind: 'file', name, created: 1, modified: 1, size: 10, ...extra });
const folderOf = (...names: string[]): Folder => ({ ...newFolder(null, 0, 1), entries: Object.fromEntries(names.map((n, i) => [`f${i}`, file(n)])) });
const dayMs = 24 * 60 * 60 * 1000;

test('free name: the name itself when free, else "name (n).ext", counting up', () => {
  assert.equal(freeName(folderOf('a.txt'), 'b.txt', 'fX', 'file'), 'b.txt');
  assert.equal(freeName(folderOf('report.pdf'), 'report.pdf', 'fX', 'file'), 'report (1).pdf');
  assert.equal(freeName(folderOf('report.pdf', 'report (1).pdf'), 'report.pdf', 'fX', 'file'), 'report (2).pdf');
  assert.equal(freeName(folderOf('archive.tar.gz'), 'archive.tar.gz', 'fX', 'file'), 'archive.tar (1).gz');
  assert.equal(freeName(folderOf('.profile'), '.profile', 'fX', 'file'), '.profile (1)');
  assert.equal(freeName(folderOf('README'), 'README', 'fX', 'file'), 'README (1)');
  // A folder's name has no extension.
  assert.equal(freeName(folderOf('v1.2'), 'v1.2', 'dX', 'folder'), 'v1.2 (1)');
});

test('free name: a retry finds the item under the name it took, and keeps it', () => {
  const folder = folderOf('report.pdf');
  folder.entries['fSelf'] = file('report (1).pdf');
  assert.equal(freeName(folder, 'report.pdf', 'fSelf', 'file'), 'report (1).pdf');
  assert.equal(freeName(folderOf('x'), 'x', 'f0', 'file'), 'x');
});

test('free name: a long name is cut to leave room for the number, within 255 bytes', () => {
  const long = 'é'.repeat(125) + '.txt'; // 254 bytes
  const taken = folderOf(long);
  const name = freeName(taken, long, 'fX', 'file');
  assert.ok(name.endsWith(' (1).txt'), name);
  assert.ok(Buffer.byteLength(name, 'utf8') <= 255, `${Buffer.byteLength(name, 'utf8')} bytes`);
});

test('trash: an item keeps its entry, gains where it came from; names may repeat; a retry writes nothing', () => {
  const trash: Folder = { ...newFolder(null, 0, 1), trash: true, entries: {} };
  const trashed = { from: 'root', fromPath: 'My Drive', at: 5 };
  const once = withTrashed(trash, 'f1', file('a.txt'), trashed, 10)!;
  assert.deepEqual(once.entries['f1'], { ...file('a.txt'), trashed });
  assert.equal(withTrashed(once, 'f1', file('a.txt'), trashed, 10), undefined);
  const twice = withTrashed(once, 'f2', file('a.txt'), trashed, 10)!;
  assert.equal(Object.keys(twice.entries).length, 2);
});

test('trash: full Trash, and anything but trashing, is refused with a message', () => {
  const trash: Folder = { ...newFolder(null, 0, 1), trash: true, entries: { f1: file('a', { trashed: { from: 'root', fromPath: 'My Drive', at: 1 } }) } };
  const refused = (fn: () => unknown) => {
    try {
      fn();
    } catch (err) {
      assert.ok(err instanceof HttpError);
      return err.message;
    }
    return undefined;
  };
  assert.match(refused(() => withTrashed(trash, 'f2', file('b'), { from: 'root', fromPath: '', at: 1 }, 1)) ?? '', /at most 1 items/);
  assert.match(refused(() => withEntry(trash, 'f2', file('b'), 100)) ?? '', /Trash/);
  assert.match(refused(() => withName(trash, 'f1', 'c', 2)) ?? '', /restore it first/);
});

test('restored entry: the mark is gone, the name is the one chosen', () => {
  const entry = file('a.txt', { trashed: { from: 'dX', fromPath: 'My Drive / X', at: 9 } });
  assert.deepEqual(restoredEntry(entry, 'a (1).txt'), file('a (1).txt'));
  assert.ok(entry.trashed, 'the original is not changed');
});

test('sweep: only items past the retention, oldest first, at most the limit', () => {
  const now = 100 * dayMs;
  const at = (days: number) => ({ from: 'root', fromPath: 'My Drive', at: now - days * dayMs });
  const trash: Folder = {
    ...newFolder(null, 0, 1),
    trash: true,
    entries: {
      fNew: file('new', { trashed: at(1) }),
      fEdge: file('edge', { trashed: at(30) }),
      fOld: file('old', { trashed: at(45) }),
      fOlder: file('older', { trashed: at(60) }),
      fJust: file('just under', { trashed: { ...at(30), at: now - 30 * dayMs + 1 } }),
    },
  };
  assert.deepEqual(expiredInTrash(trash, now, 30 * dayMs, 10), ['fOlder', 'fOld', 'fEdge']);
  assert.deepEqual(expiredInTrash(trash, now, 30 * dayMs, 2), ['fOlder', 'fOld']);
  assert.deepEqual(expiredInTrash(undefined, now, 30 * dayMs, 10), []);
});

test('trash views: newest first, with where from and when the sweep takes them', () => {
  const trash: Folder = {
    ...newFolder(null, 0, 1),
    trash: true,
    entries: {
      f1: file('one', { trashed: { from: 'dA', fromPath: 'My Drive / A', at: Date.UTC(2026, 0, 1) } }),
      f2: file('two', { trashed: { from: 'root', fromPath: 'My Drive', at: Date.UTC(2026, 0, 2) } }),
    },
  };
  const page = trashPage(trash, 30 * dayMs, undefined, 10);
  assert.deepEqual([page.total, page.next], [2, null]);
  assert.deepEqual(
    page.items.map((v) => [v.id, v.from.path, v.trashedAt, v.purgeAt]),
    [
      ['f2', 'My Drive', '2026-01-02T00:00:00.000Z', '2026-02-01T00:00:00.000Z'],
      ['f1', 'My Drive / A', '2026-01-01T00:00:00.000Z', '2026-01-31T00:00:00.000Z'],
    ],
  );
});

test('trash pages: every item once, newest first (then by name), whatever is trashed or restored between pages', () => {
  const entries: Record<string, Entry> = {};
  for (let i = 0; i < 23; i++) entries[`f${String(i).padStart(2, '0')}`] = file(`n${i % 5}`, { trashed: { from: 'root', fromPath: 'My Drive', at: 1000 + Math.floor(i / 3) } });
  let trash: Folder = { ...newFolder(null, 0, 1), trash: true, entries };
  const whole = trashPage(trash, dayMs, undefined, 1000).items.map((i) => i.id);
  assert.equal(whole.length, 23);
  const seen: string[] = [];
  let cursor: string | undefined;
  for (let pages = 0; ; pages++) {
    const page = trashPage(trash, dayMs, cursor, 5);
    assert.equal(page.total, Object.keys(trash.entries).length);
    seen.push(...page.items.map((i) => i.id));
    if (pages === 1) {
      // Between pages: one item already shown is restored, one new is trashed (newest: it is on page one, not shown again).
      const rest = { ...trash.entries };
      delete rest[seen[0]!];
      trash = { ...trash, entries: { ...rest, fNew: file('new', { trashed: { from: 'root', fromPath: 'My Drive', at: 9999 } }) } };
    }
    if (!page.next) break;
    cursor = page.next;
  }
  assert.deepEqual(seen, whole);
  assert.throws(() => trashPage(trash, dayMs, 'not-a-cursor!', 5), (err: unknown) => err instanceof HttpError && err.status === 400);
  assert.throws(() => trashPage(trash, dayMs, Buffer.from('[1,2]').toString('base64url'), 5), (err: unknown) => err instanceof HttpError && err.status === 400);
});
