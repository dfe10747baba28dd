// The mailbox state's pure rules: folder names, making, renaming and deleting folders, UIDs and
// arrival times given out, UIDVALIDITY never given twice.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { addFolder, allocate, applyCounts, checkFolderName, decodeState, encodeState, folderByName, FolderError, initialState, remembersWrite, removeFolder, renameFolder, stampWrite, writesRemembered } from './mailbox-state.ts';

const limits = { foldersMax: 3, nameCharsMax: 20 };
const code = (fn: () => unknown) => {
  try {
    fn();
  } catch (err) {
    return err instanceof FolderError ? err.code : 'other';
  }
  return 'ok';
};

describe('mailbox state', () => {
  test('a fresh mailbox has the five system folders and survives its codec', () => {
    const s = initialState(1_700_000_000_000);
    assert.deepEqual(s.folders.map((f) => f.name), ['Inbox', 'Drafts', 'Sent', 'Junk', 'Trash']);
    assert.deepEqual(decodeState(encodeState(s)), s);
    assert.equal(decodeState(Buffer.from('{"bytes":1}')), undefined);
    assert.equal(folderByName(s, 'INBOX')?.id, 'inbox');
  });

  test('folder names: levels split by "/", bounded, without wildcards or control characters', () => {
    for (const good of ['Work', 'Projects/2026', 'Été à Paris', 'a b/c d']) assert.equal(code(() => checkFolderName(good, limits)), 'ok', good);
    for (const bad of ['', '/x', 'x/', 'a//b', ' x', 'x ', 'a/*', '50%', 'tab\there', 'q"', 'a/../b', 'x'.repeat(21)]) assert.equal(code(() => checkFolderName(bad, limits)), 'cannot', bad);
  });

  test('making, renaming (children follow) and deleting folders, with clear refusals', () => {
    let s = initialState(1_000_000);
    s = addFolder(s, 'Work', limits, 2_000_000).state;
    s = addFolder(s, 'Work/2026', limits, 2_000_000).state;
    assert.equal(code(() => addFolder(s, 'work', limits, 0)), 'exists');
    assert.equal(code(() => addFolder(s, 'Trash', limits, 0)), 'exists');
    s = addFolder(s, 'Misc', limits, 2_000_000).state;
    assert.equal(code(() => addFolder(s, 'More', limits, 0)), 'limit');
    s = renameFolder(s, 'Work', 'Jobs', limits);
    assert.deepEqual(s.folders.slice(5).map((f) => f.name), ['Jobs', 'Jobs/2026', 'Misc']);
    assert.equal(code(() => renameFolder(s, 'Inbox', 'Old', limits)), 'cannot');
    assert.equal(code(() => renameFolder(s, 'Jobs', 'Jobs/Sub', limits)), 'cannot');
    assert.equal(code(() => renameFolder(s, 'Jobs', 'Misc', limits)), 'exists');
    assert.equal(code(() => renameFolder(s, 'Nope', 'X', limits)), 'nonexistent');
    assert.equal(code(() => removeFolder(s, 'Jobs')), 'cannot', 'it has a folder under it');
    assert.equal(code(() => removeFolder(s, 'Sent')), 'cannot');
    const full = applyCounts(s, [{ folder: folderByName(s, 'Misc')!.id, total: 1, unread: 0, bytes: 10 }]);
    assert.equal(code(() => removeFolder(full, 'Misc')), 'cannot', 'it holds a message');
    s = removeFolder(removeFolder(s, 'Jobs/2026'), 'Jobs');
    assert.deepEqual(s.folders.slice(5).map((f) => f.name), ['Misc']);
  });

  test('a folder made again gets a new id and a UIDVALIDITY never given before, even within one second', () => {
    let s = initialState(5_000_000);
    const validities = [s.folders[0]!.uidValidity];
    const ids = new Set<string>();
    for (let i = 0; i < 5; i++) {
      const made = addFolder(s, 'Again', limits, 5_000_000);
      ids.add(made.folder.id);
      validities.push(made.folder.uidValidity);
      s = removeFolder(made.state, 'Again');
    }
    assert.equal(ids.size, 5);
    assert.ok(validities.every((v, i) => i === 0 || v > validities[i - 1]!), validities.join());
  });

  test('UIDs and arrival times grow together, whatever the clock says', () => {
    let s = initialState(0);
    const uids: number[] = [];
    const times: number[] = [];
    for (const at of [1000, 900, 900, 5000, 10]) {
      const given = allocate(s, 'inbox', 2, at)!;
      s = given.state;
      uids.push(...given.uids);
      times.push(...given.ms);
    }
    assert.deepEqual(uids, [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    assert.ok(times.every((t, i) => i === 0 || t > times[i - 1]!), times.join());
    assert.equal(allocate(s, 'f9', 1, 0), undefined);
    assert.equal(s.folders[0]?.uidNext, 11);
  });

  test('a state remembers the nonces of its last writes, its own included, and no more', () => {
    const nonce = (i: number) => i.toString(16).padStart(12, '0');
    let s = stampWrite(initialState(0), undefined, nonce(0));
    for (let i = 1; i < writesRemembered; i++) s = decodeState(encodeState(stampWrite(s, s, nonce(i))))!;
    assert.ok(remembersWrite(s, nonce(0)) && remembersWrite(s, nonce(writesRemembered - 1)));
    assert.equal(remembersWrite(s, nonce(writesRemembered)), false);
    s = stampWrite(s, s, nonce(writesRemembered));
    assert.equal(remembersWrite(s, nonce(0)), false, 'the oldest is forgotten');
    assert.ok(remembersWrite(s, nonce(1)));
    // Only whole nonces count: one straddling two remembered ones is not among them.
    assert.equal(remembersWrite(s, nonce(1).slice(6) + nonce(2).slice(0, 6)), false);
  });
});
