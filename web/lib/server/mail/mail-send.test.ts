import assert from 'node:assert/strict';
import { test } from 'node:test';
import { HttpError } from '../errors.ts';
import { parseRecipients } from './mail-send.ts';

test('recipients: separators, bare usernames as local users, angle brackets', () => {
  assert.deepEqual(parseRecipients(' bob, carol@example.com;<dave@x.org>  Erin ', 'localhost', 'To'), [
    'bob@localhost',
    'carol@example.com',
    'dave@x.org',
    'erin@localhost',
  ]);
  assert.deepEqual(parseRecipients('', 'localhost', 'Cc'), []);
});

test('a bad address is named in the error', () => {
  for (const bad of ['bob@@x', '@x.org', 'bob@', 'a', 'bob@x..org']) {
    assert.throws(
      () => parseRecipients(`carol, ${bad}`, 'localhost', 'To'),
      (err) => err instanceof HttpError && err.status === 400 && err.message.includes('in To is not an email address'),
      bad,
    );
  }
});
