// Sharing's pure rules: tokens, share ids, expiry, and the walk that decides whether an item is
// inside a live share.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  checkExpiry,
  isExpired,
  isShareToken,
  newShareToken,
  parseIncomingShareId,
  parseOwnedShareId,
  pathWithin,
  walkStepsMax,
  type Step,
} from './drive-share-rules.ts';

test('tokens: 192 random bits in 32 URL-safe characters, never the same twice', () => {
  const tokens = new Set(Array.from({ length: 1000 }, newShareToken));
  assert.equal(tokens.size, 1000);
  for (const token of tokens) {
    assert.ok(isShareToken(token), token);
    assert.equal(Buffer.from(token, 'base64url').length, 24);
  }
  for (const bad of ['', 'short', 'a'.repeat(31), 'a'.repeat(33), `${'a'.repeat(31)}/`, `${'a'.repeat(31)}#`, `${'a'.repeat(31)}.`]) {
    assert.equal(isShareToken(bad), false, bad);
  }
});

test('share ids: an owner names a link by token and a user share by recipient and item', () => {
  const token = newShareToken();
  const file = 'f' + 'A'.repeat(16);
  assert.deepEqual(parseOwnedShareId(`link:${token}`), { kind: 'link', token });
  assert.deepEqual(parseOwnedShareId(`user:bob:${file}`), { kind: 'user', recipient: 'bob', itemId: file });
  for (const bad of ['link:short', `user:Bob:${file}`, `user:bob:root2`, `user:bob`, `other:${token}`, `link:${token}:x`]) {
    assert.equal(parseOwnedShareId(bad), undefined, bad);
  }
  assert.deepEqual(parseIncomingShareId(`alice:${file}`), { owner: 'alice', itemId: file });
  for (const bad of [`alice`, `al:${file}`, `alice:${file}:x`, `alice:nope`]) assert.equal(parseIncomingShareId(bad), undefined, bad);
});

test('expiry: none, in the future within the limit, or a message', () => {
  const now = Date.parse('2026-12-06T09:00:00Z');
  const day = 86_400_000;
  assert.equal(checkExpiry(undefined, now, 365 * day), null);
  assert.equal(checkExpiry(null, now, 365 * day), null);
  assert.equal(checkExpiry('2026-12-06T09:00:05Z', now, 365 * day), now + 5000);
  assert.match(String(checkExpiry('2026-12-06T09:00:00Z', now, 365 * day)), /future/);
  assert.match(String(checkExpiry('2025-01-01T00:00:00Z', now, 365 * day)), /future/);
  assert.match(String(checkExpiry('2028-01-01T00:00:00Z', now, 365 * day)), /365 days/);
  assert.match(String(checkExpiry('tomorrow', now, 365 * day)), /ISO 8601/);
  // Expired from its very millisecond on.
  assert.equal(isExpired(null, now), false);
  assert.equal(isExpired(now + 1, now), false);
  assert.equal(isExpired(now, now), true);
});

/**
 * A drive as steps up: root ─ docs ─ deep ─ file, root ─ other ─ secret; Trash holds `old`
 * with `inOld` inside it.
 */
const steps: Record<string, Step> = {
  docs: { parent: 'root', name: 'Docs' },
  deep: { parent: 'docs', name: 'Deep' },
  file: { parent: 'deep', name: 'a.txt' },
  other: { parent: 'root', name: 'Other' },
  secret: { parent: 'other', name: 'secret.txt' },
  trash: { parent: null, name: '' },
  old: { parent: 'trash', name: 'Old' },
  inOld: { parent: 'old', name: 'b.txt' },
};
const read = (drive: Record<string, Step>) => async (id: string) => drive[id];

test('containment: the shared item and everything under it, with the path from it down', async () => {
  assert.deepEqual(await pathWithin('docs', 'file', 'root', read(steps)), [
    { id: 'docs', name: 'Docs' },
    { id: 'deep', name: 'Deep' },
    { id: 'file', name: 'a.txt' },
  ]);
  assert.deepEqual(await pathWithin('docs', 'docs', 'root', read(steps)), [{ id: 'docs', name: 'Docs' }]);
  assert.deepEqual(await pathWithin('file', 'file', 'root', read(steps)), [{ id: 'file', name: 'a.txt' }]);
});

test('containment: nothing outside the shared item, above it, or beside it', async () => {
  assert.equal(await pathWithin('docs', 'secret', 'root', read(steps)), undefined);
  assert.equal(await pathWithin('docs', 'other', 'root', read(steps)), undefined);
  assert.equal(await pathWithin('deep', 'docs', 'root', read(steps)), undefined);
  assert.equal(await pathWithin('docs', 'root', 'root', read(steps)), undefined);
  assert.equal(await pathWithin('file', 'deep', 'root', read(steps)), undefined);
  assert.equal(await pathWithin('docs', 'unknown', 'root', read(steps)), undefined);
});

test('containment: a share in Trash, or under a deleted folder, gives nothing', async () => {
  assert.equal(await pathWithin('old', 'inOld', 'root', read(steps)), undefined);
  assert.equal(await pathWithin('old', 'old', 'root', read(steps)), undefined);
  const withoutDocs = { ...steps };
  delete withoutDocs.docs;
  assert.equal(await pathWithin('deep', 'file', 'root', read(withoutDocs)), undefined);
});

test('containment: a share follows a move, and a move out of it ends access at once', async () => {
  const moved = { ...steps, docs: { parent: 'other', name: 'Docs' } };
  assert.ok(await pathWithin('docs', 'file', 'root', read(moved)));
  const out = { ...steps, file: { parent: 'other', name: 'a.txt' } };
  assert.equal(await pathWithin('docs', 'file', 'root', read(out)), undefined);
});

test('containment: a loop in a damaged tree, or a tree too deep, ends the walk', async () => {
  const loop = { ...steps, docs: { parent: 'deep', name: 'Docs' } };
  assert.equal(await pathWithin('docs', 'file', 'root', read(loop)), undefined);
  const deep: Record<string, Step> = {};
  for (let i = 1; i <= walkStepsMax + 1; i++) deep[`d${i}`] = { parent: i === 1 ? 'root' : `d${i - 1}`, name: `${i}` };
  assert.equal(await pathWithin('d1', `d${walkStepsMax + 1}`, 'root', read(deep)), undefined);
  assert.ok(await pathWithin('d1', `d${walkStepsMax - 1}`, 'root', read(deep)));
});
