import assert from 'node:assert/strict';
import { test } from 'node:test';
import { SessionCheckCache, type AccountCheck } from './session-check.ts';

/** A store with one user's version and a clock, both moved by the test; counts reads. */
function setup(maxAgeMs = 1000) {
  const clock = { ms: 10_000 };
  const store = { version: 3, admin: false, reads: 0 };
  const cache = new SessionCheckCache<string>({ maxAgeMs, entriesMax: 2, nowMs: () => clock.ms });
  const read = async (): Promise<AccountCheck<string>> => {
    store.reads++;
    return { version: store.version, admin: store.admin, node: 'g0r0' };
  };
  return { clock, store, cache, read };
}

test('a check is read once, then served from memory until maxAgeMs after its read began', async () => {
  const { clock, store, cache, read } = setup();
  assert.equal((await cache.check('ann', 3, read)).version, 3);
  clock.ms += 999;
  assert.equal((await cache.check('ann', 3, read)).version, 3);
  assert.equal(store.reads, 1);
  clock.ms += 1;
  await cache.check('ann', 3, read);
  assert.equal(store.reads, 2);
});

test('a version raised elsewhere is seen by the first request after the bound', async () => {
  const { clock, store, cache, read } = setup();
  await cache.check('ann', 3, read);
  store.version = 4; // a logout on another frontend
  assert.equal((await cache.check('ann', 3, read)).version, 3, 'within the bound the old answer may serve');
  clock.ms += 1000;
  assert.equal((await cache.check('ann', 3, read)).version, 4, 'after it, the store decides');
});

test('a cookie newer than the remembered version is never refused on the old answer', async () => {
  const { store, cache, read } = setup();
  await cache.check('ann', 3, read);
  store.version = 5; // logged out and in again elsewhere: the cookie says 5
  assert.equal((await cache.check('ann', 5, read)).version, 5);
  assert.equal(store.reads, 2);
  // ... and the new answer serves the others, refusing an older cookie at once.
  assert.equal((await cache.check('ann', 3, read)).version, 5);
  assert.equal(store.reads, 2);
});

test('requests that miss together share one read', async () => {
  const { cache } = setup();
  let reads = 0;
  let release!: () => void;
  const gate = new Promise<void>((resolve) => (release = resolve));
  const slowRead = async (): Promise<AccountCheck<string>> => {
    reads++;
    await gate;
    return { version: 1, admin: true, node: 'g1r2' };
  };
  const pending = Array.from({ length: 64 }, () => cache.check('bob', 1, slowRead));
  release();
  const answers = await Promise.all(pending);
  assert.equal(reads, 1);
  assert.ok(answers.every((a) => a.admin && a.node === 'g1r2'));
});

test('a failed read is not remembered', async () => {
  const { store, cache, read } = setup();
  await assert.rejects(cache.check('ann', 3, () => Promise.reject(new Error('storage unavailable'))), /storage unavailable/);
  assert.equal(cache.size, 0);
  assert.equal((await cache.check('ann', 3, read)).version, 3);
  assert.equal(store.reads, 1);
});

test('forget drops the answer at once (this frontend raised the version); remember stores a login\'s read', async () => {
  const { clock, store, cache, read } = setup();
  await cache.check('ann', 3, read);
  store.version = 4;
  cache.forget('ann');
  assert.equal((await cache.check('ann', 3, read)).version, 4);
  cache.remember('ann', { version: 7, admin: true, node: 'g0r1' }, clock.ms);
  assert.deepEqual(await cache.check('ann', 7, read), { version: 7, admin: true, node: 'g0r1' });
  assert.equal(store.reads, 2);
});

test('remember dates an answer by when its read began, so the bound still holds', async () => {
  const { clock, store, cache, read } = setup();
  cache.remember('ann', { version: 3, admin: false, node: 'g0r0' }, clock.ms - 1000);
  await cache.check('ann', 3, read);
  assert.equal(store.reads, 1);
});

test('at most entriesMax users are remembered, the least recently read forgotten first', async () => {
  const { store, cache, read } = setup();
  await cache.check('ann', 3, read);
  await cache.check('bob', 3, read);
  await cache.check('cat', 3, read);
  assert.equal(cache.size, 2);
  assert.equal(store.reads, 3);
  await cache.check('bob', 3, read);
  await cache.check('cat', 3, read);
  assert.equal(store.reads, 3);
  await cache.check('ann', 3, read);
  assert.equal(store.reads, 4);
});
