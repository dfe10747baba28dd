import assert from 'node:assert/strict';
import { test } from 'node:test';
import { PasswordHasher } from './password-hash.ts';

const hasher = new PasswordHasher({ costLog2: 10, concurrencyMax: 2, queueMax: 16 });

test('a hash verifies its own password and no other', async () => {
  const stored = await hasher.hash('correct horse');
  assert.match(stored, /^scrypt\$10\$8\$1\$[A-Za-z0-9+/=]+\$[A-Za-z0-9+/=]+$/);
  assert.equal(await hasher.verify('correct horse', stored), true);
  assert.equal(await hasher.verify('correct horsE', stored), false);
  assert.equal(await hasher.verify('', stored), false);
});

test('each hash has its own salt', async () => {
  const a = await hasher.hash('same password');
  const b = await hasher.hash('same password');
  assert.notEqual(a.split('$')[4], b.split('$')[4]);
  assert.notEqual(a, b);
});

test('the cost is read from the stored hash, so older costs keep verifying', async () => {
  const cheaper = new PasswordHasher({ costLog2: 8, concurrencyMax: 1, queueMax: 1 });
  const stored = await cheaper.hash('pw-12345678');
  assert.equal(await hasher.verify('pw-12345678', stored), true);
});

test('malformed stored hashes never verify', async () => {
  for (const stored of ['', 'plain', 'scrypt$x$8$1$aa$bb', 'bcrypt$10$8$1$aa$bb', 'scrypt$99$8$1$aa$bb']) {
    assert.equal(await hasher.verify('anything', stored), false, stored);
  }
});

test('verifyNobody is always false', async () => {
  assert.equal(await hasher.verifyNobody('whatever'), false);
});

test('unicode passwords are normalized (NFC) before hashing', async () => {
  const stored = await hasher.hash('caf\u00e9-password');
  assert.equal(await hasher.verify('cafe\u0301-password', stored), true);
});
