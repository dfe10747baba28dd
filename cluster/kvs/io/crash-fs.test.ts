// The power-cut model the store's crash tests rely on: data is durable after fsync, names only
// after a directory fsync.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CrashFs } from './crash-fs.ts';

test('unsynced appends are lost; synced ones survive', async () => {
  const disk = new CrashFs();
  await disk.mkdir('/d');
  const h = await disk.openAppend('/d/log');
  await disk.syncDir('/d');
  await h.write(Buffer.from('one'));
  await h.sync();
  await h.write(Buffer.from('two'));
  assert.deepEqual(await disk.readFile('/d/log'), Buffer.from('onetwo'));
  assert.deepEqual(await disk.powerCut().readFile('/d/log'), Buffer.from('one'));
  // A torn append keeps some prefix of the unsynced bytes.
  const torn = await disk.powerCut({ random: () => 0.5 }).readFile('/d/log');
  assert.deepEqual(torn, Buffer.from('onetw'));
  await h.truncate(1);
  assert.deepEqual(await disk.powerCut().readFile('/d/log'), Buffer.from('one'), 'a truncate is durable only after fsync');
  await h.sync();
  assert.deepEqual(await disk.powerCut().readFile('/d/log'), Buffer.from('o'));
});

test('a new file needs a directory fsync for its name, not just its own fsync', async () => {
  const disk = new CrashFs();
  await disk.mkdir('/d');
  await disk.writeFileDurable('/d/a', Buffer.from('data'));
  assert.equal(await disk.powerCut().exists('/d/a'), false);
  await disk.syncDir('/d');
  assert.deepEqual(await disk.powerCut().readFile('/d/a'), Buffer.from('data'));
});

test('renames and unlinks are durable only after a directory fsync', async () => {
  const disk = new CrashFs();
  await disk.mkdir('/d');
  await disk.writeFileDurable('/d/old', Buffer.from('1'));
  await disk.writeFileDurable('/d/tmp', Buffer.from('2'));
  await disk.syncDir('/d');
  await disk.rename('/d/tmp', '/d/old');
  const before = disk.powerCut();
  assert.deepEqual(await before.readFile('/d/old'), Buffer.from('1'));
  assert.equal(await before.exists('/d/tmp'), true);
  await disk.syncDir('/d');
  const afterSync = disk.powerCut();
  assert.deepEqual(await afterSync.readFile('/d/old'), Buffer.from('2'));
  assert.deepEqual(await afterSync.readdir('/d'), ['old']);
  await disk.unlink('/d/old');
  assert.equal(await disk.powerCut().exists('/d/old'), true);
});

test('faults and bit flips', async () => {
  const disk = new CrashFs();
  await disk.mkdir('/d');
  const h = await disk.openAppend('/d/f');
  await h.write(Buffer.from([1, 2, 3]));
  disk.injectFault('sync');
  await assert.rejects(h.sync(), /EIO/);
  await h.sync();
  disk.flipByte('/d/f', 1, 0x0f);
  assert.deepEqual(await disk.readRange('/d/f', 1, 5), Buffer.from([2 ^ 0x0f, 3]));
  await h.close();
  await assert.rejects(h.write(Buffer.from([4])), /EBADF/);
});
