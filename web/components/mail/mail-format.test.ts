import assert from 'node:assert/strict';
import { test } from 'node:test';
import { typedRecipients } from './mail-format.ts';

test('a draft keeps its recipients as typed, bare usernames too', () => {
  const parsed = [{ name: 'Carol', address: 'carol@example.com' }];
  assert.equal(typedRecipients(['bob <>', 'Carol <carol@example.com>', 'dave@localhost'], parsed), 'bob, Carol <carol@example.com>, dave@localhost');
  assert.equal(typedRecipients(undefined, parsed), 'carol@example.com', 'without its listing row: the addresses the message names');
  assert.equal(typedRecipients([], []), '');
});
