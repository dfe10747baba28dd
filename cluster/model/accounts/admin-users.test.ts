import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseConfig } from '../../common/config.ts';
import { isPennError } from '../../common/errors.ts';
import { adminGrantColumn, grantAdmin, isAdmin, mergeAdmins, parseGrant, revokeAdmin, type CellStore } from './admin-users.ts';

/** The three cell operations over a Map, with CPut's expect-absent semantics. */
function memoryStore(): CellStore & { cells: Map<string, Buffer> } {
  const cells = new Map<string, Buffer>();
  const key = (row: string, column: string) => `${row}\u0000${column}`;
  return {
    cells,
    async get(row, column) {
      return cells.get(key(row, column));
    },
    async cput(row, column, expected, value) {
      const current = cells.get(key(row, column));
      const matches = expected === null ? current === undefined : current?.equals(Buffer.from(expected)) === true;
      if (matches) cells.set(key(row, column), Buffer.from(value));
      return matches;
    },
    async delete(row, column) {
      return cells.delete(key(row, column));
    },
  };
}

const config = parseConfig({ web: { admins: ['root'] } });
const now = new Date('2026-11-25T12:00:00Z');

test('admins are the configured users and the granted ones', async () => {
  const store = memoryStore();
  await store.cput('alice#account', 'password', null, 'hash');
  assert.equal(await isAdmin(config, store, 'root'), true, 'from the config, with no account row at all');
  assert.equal(await isAdmin(config, store, 'alice'), false);
  assert.equal(await grantAdmin(store, 'alice', 'ops@host', now), 'granted');
  assert.equal(await isAdmin(config, store, 'alice'), true);
  assert.deepEqual(parseGrant(store.cells.get(`alice#account\u0000${adminGrantColumn}`)!), { grantedAt: '2026-11-25T12:00:00.000Z', by: 'ops@host' });
  assert.equal(await grantAdmin(store, 'alice', 'ops@host', now), 'already');
  assert.equal(await revokeAdmin(store, 'alice'), true);
  assert.equal(await isAdmin(config, store, 'alice'), false);
  assert.equal(await revokeAdmin(store, 'alice'), false);
});

test('only an existing, valid username can be granted', async () => {
  const store = memoryStore();
  await assert.rejects(grantAdmin(store, 'nobody', 'ops', now), (err) => isPennError(err, 'not_found'));
  await assert.rejects(grantAdmin(store, 'Bad Name', 'ops', now), (err) => isPennError(err, 'invalid_argument'));
  await assert.rejects(revokeAdmin(store, 'x#account'), (err) => isPennError(err, 'invalid_argument'));
  assert.equal(store.cells.size, 0);
});

test('the listing merges the config and the grants', () => {
  const grants = new Map([
    ['root', { grantedAt: 'a', by: 'b' }],
    ['bob', { grantedAt: 'c', by: 'd' }],
  ]);
  assert.deepEqual(
    mergeAdmins(config, grants).map((a) => [a.username, a.source]),
    [
      ['bob', 'grant'],
      ['root', 'both'],
    ],
  );
  assert.deepEqual(parseGrant(Buffer.from('not json')), { grantedAt: '', by: '' });
});
