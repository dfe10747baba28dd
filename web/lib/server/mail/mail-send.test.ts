import assert from 'node:assert/strict';
import { test } from 'node:test';
import { HttpError } from '../errors.ts';
import { parseRecipients, sendSchema } from './mail-send.ts';

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

test('the send form: JSON or multipart fields give the same input', () => {
  const fromJson = sendSchema.parse({ to: 'bob', subject: 's', text: 't', references: ['<a@x>', '<b@x>'] });
  const fromForm = sendSchema.parse({ to: 'bob', subject: 's', text: 't', references: '<a@x> <b@x>', attachments: [] });
  assert.deepEqual(fromForm, fromJson);
  assert.deepEqual(fromJson.attachments, []);
  assert.equal(fromJson.bcc, '');
  const file = { filename: 'a.txt', contentType: 'text/plain', content: Buffer.from('a') };
  assert.equal(sendSchema.safeParse({ to: 'bob', attachments: Array(21).fill(file) }).error?.issues[0]?.message, 'At most 20 attachments per message.');
  assert.equal(sendSchema.safeParse({ to: 'bob', attachments: [{ ...file, content: 'not bytes' }] }).success, false);
});
