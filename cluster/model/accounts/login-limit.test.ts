import assert from 'node:assert/strict';
import { test } from 'node:test';
import { decodeAttempts, releaseAttempt, reserveAttempt, waitMs, type CounterStore } from './attempt-counter.ts';
import { reserveLogin, type LoginLimits } from './login-limit.ts';
import { rememberMailClient, trustedMailClient } from './mail-clients.ts';
import { SignupLimit } from './signup-limit.ts';

/**
 * get and cput over a Map, each answering after a random few ticks so concurrent callers
 * interleave between their read and their CPut, as on a real store.
 */
function memoryStore(): CounterStore & { cells: Map<string, Buffer>; cputs: number } {
  const cells = new Map<string, Buffer>();
  const key = (row: string, column: string) => `${row}\u0000${column}`;
  const later = () => new Promise((r) => setTimeout(r, Math.random() * 3));
  const store = {
    cells,
    cputs: 0,
    async get(row: string, column: string) {
      await later();
      return cells.get(key(row, column));
    },
    async cput(row: string, column: string, expected: Buffer | string | null, value: Buffer | string) {
      await later();
      store.cputs++;
      const current = cells.get(key(row, column));
      const matches = expected === null ? current === undefined : current?.equals(Buffer.from(expected)) === true;
      if (matches) cells.set(key(row, column), Buffer.from(value));
      return matches;
    },
  };
  return store;
}

const cell = { row: 'alice#login', column: 'failures', limit: 3, windowMs: 1000 };

test('of many reservations racing on one counter, exactly `limit` are counted', async () => {
  const store = memoryStore();
  const waits = await Promise.all(Array.from({ length: 40 }, (_, i) => reserveAttempt(store, cell, `id${i}`, 100)));
  assert.equal(waits.filter((w) => w === 0).length, 3);
  assert.ok(waits.filter((w) => w > 0).every((w) => w === 1000));
  assert.equal(decodeAttempts(store.cells.get('alice#login\u0000failures')).length, 3);
});

test('a release refunds its own attempt only, and both are safe to repeat', async () => {
  const store = memoryStore();
  for (const id of ['a', 'b', 'c']) assert.equal(await reserveAttempt(store, cell, id, 0), 0);
  assert.equal(await reserveAttempt(store, cell, 'a', 0), 0, 'already counted: counted once');
  assert.equal(await reserveAttempt(store, cell, 'd', 10), 990);
  await releaseAttempt(store, cell, 'b', 20);
  await releaseAttempt(store, cell, 'b', 20);
  assert.deepEqual(decodeAttempts(store.cells.get('alice#login\u0000failures')).map(([, id]) => id), ['a', 'c']);
  assert.equal(await reserveAttempt(store, cell, 'd', 30), 0);
  // The window slides: at 1000 the first attempts have aged out.
  assert.equal(await reserveAttempt(store, cell, 'e', 1000), 0);
});

test('old failure lists and damaged values decode; the wait is until the oldest counted attempt leaves', () => {
  assert.deepEqual(decodeAttempts(Buffer.from('[5, 7]')), [[5, ''], [7, '']]);
  assert.deepEqual(decodeAttempts(Buffer.from('not json')), []);
  assert.deepEqual(decodeAttempts(Buffer.from('{"a": [[1, "x"], "junk", [2]]}')), [[1, 'x']]);
  assert.equal(waitMs([[0, 'a'], [100, 'b'], [200, 'c']], 2, 1000, 300), 800);
  assert.equal(waitMs([[0, 'a']], 2, 1000, 300), 0);
});

const limits: LoginLimits = { windowMs: 60_000, perUserMax: 5, perTrustedMax: 5, perAddressMax: 20 };

test('parallel guesses from everywhere: at most perUserMax are let through, and a refused one counts nothing', async () => {
  const store = memoryStore();
  const results = await Promise.all(
    Array.from({ length: 60 }, (_, i) => reserveLogin(store, limits, 'alice', { address: `10.0.0.${i % 7}` }, 1000)),
  );
  assert.equal(results.filter((r) => r.allowed).length, 5);
  const perAddress = [...store.cells.entries()].filter(([k]) => k.startsWith('#login#'));
  const counted = perAddress.reduce((n, [, v]) => n + decodeAttempts(v).length, 0);
  assert.equal(counted, 5, 'only the admitted attempts count against their addresses');
});

test('a right password refunds: the user can go on logging in; only failures use the allowance', async () => {
  const store = memoryStore();
  for (let i = 0; i < 20; i++) {
    const r = await reserveLogin(store, limits, 'alice', { address: '10.0.0.1' }, 1000 + i);
    assert.ok(r.allowed);
    await r.reserved.refund();
  }
  assert.equal(decodeAttempts(store.cells.get('alice#login\u0000failures')).length, 0);
});

test("a trusted client keeps its own allowance when the user's untrusted one is used up", async () => {
  const store = memoryStore();
  for (let i = 0; i < 5; i++) assert.ok((await reserveLogin(store, limits, 'alice', { address: '203.0.113.9' }, 1000)).allowed);
  const untrusted = await reserveLogin(store, limits, 'alice', { address: '198.51.100.1' }, 1000);
  assert.equal(untrusted.allowed, false);
  const device = await reserveLogin(store, limits, 'alice', { address: '198.51.100.1', trusted: 'dev1' }, 1000);
  assert.ok(device.allowed);
  // A trusted attempt does not touch the address's count either.
  assert.equal(store.cells.has('#login#198.51.100.1\u0000failures'), false);
  // And a device's own failures lock out only that device.
  for (let i = 0; i < 4; i++) assert.ok((await reserveLogin(store, limits, 'alice', { address: 'x', trusted: 'dev1' }, 1000)).allowed);
  assert.equal((await reserveLogin(store, limits, 'alice', { address: 'x', trusted: 'dev1' }, 1000)).allowed, false);
  assert.ok((await reserveLogin(store, limits, 'alice', { address: 'x', trusted: 'dev2' }, 1000)).allowed);
});

test('a malformed name counts against its address only', async () => {
  const store = memoryStore();
  assert.ok((await reserveLogin(store, limits, 'x#account', { address: '10.1.1.1' }, 0)).allowed);
  assert.deepEqual([...store.cells.keys()], ['#login#10.1.1.1\u0000failures']);
});

test('mail clients: an address is trusted after a success there, until its ttl', async () => {
  const store = memoryStore();
  const trust = { ttlMs: 10_000, max: 2 };
  assert.equal(await trustedMailClient(store, trust, 'bob', '10.0.0.1', 0), undefined);
  await rememberMailClient(store, trust, 'bob', '10.0.0.1', 0);
  assert.equal(await trustedMailClient(store, trust, 'bob', '10.0.0.1', 5000), 'mail@10.0.0.1');
  assert.equal(await trustedMailClient(store, trust, 'bob', '10.0.0.2', 5000), undefined);
  assert.equal(await trustedMailClient(store, trust, 'bob', '10.0.0.1', 10_000), undefined);
  await rememberMailClient(store, trust, 'bob', '10.0.0.2', 1);
  await rememberMailClient(store, trust, 'bob', '10.0.0.3', 2);
  assert.equal(await trustedMailClient(store, trust, 'bob', '10.0.0.1', 3), undefined, 'at most `max` addresses, the least recent dropped');
});

test('sign-ups: limited per address in the store and per frontend in memory', async () => {
  const store = memoryStore();
  const clock = () => 1_000_000;
  const limit = new SignupLimit({ windowMs: 60_000, perAddressMax: 2, perFrontendMax: 3 }, clock);
  assert.equal(await limit.reserve(store, '10.0.0.1'), 0);
  assert.equal(await limit.reserve(store, '10.0.0.1'), 0);
  assert.ok((await limit.reserve(store, '10.0.0.1')) > 0);
  assert.equal(await limit.reserve(store, '10.0.0.2'), 0);
  const wait = await limit.reserve(store, '10.0.0.3');
  assert.equal(wait, 60_000);
  // Refused by the frontend: the address's count is given back.
  assert.equal(decodeAttempts(store.cells.get('#signup#10.0.0.3\u0000signups')).length, 0);
  // A second frontend has its own count, the addresses' counts are shared.
  const other = new SignupLimit({ windowMs: 60_000, perAddressMax: 2, perFrontendMax: 3 }, clock);
  assert.ok((await other.reserve(store, '10.0.0.1')) > 0);
  assert.equal(await other.reserve(store, '10.0.0.3'), 0);
});
