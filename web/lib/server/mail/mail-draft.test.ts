// A draft as stored: the fields as typed, on one line each (a line break cannot start a header
// of its own), non-ASCII kept through RFC 2047 and base64, and read back as mailparser reads it.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { simpleParser } from 'mailparser';
import { composeDraft, draftSchema } from './mail-draft';

test('a draft keeps what was typed and nothing more', async () => {
  const input = draftSchema.parse({ to: 'bob, carol@x.test', bcc: 'dan\r\nX-Evil: 1', subject: 'Plans été\nBcc: eve@x.test', text: 'Line one\nLigne deux ✓' });
  const raw = composeDraft('alice', 'localhost', input, new Date('2026-12-06T09:00:00Z'));
  const mail = await simpleParser(raw);
  assert.equal(mail.headers.get('x-evil'), undefined);
  assert.equal(mail.subject, 'Plans été Bcc: eve@x.test');
  assert.equal(mail.text?.trim(), 'Line one\nLigne deux ✓');
  assert.equal(mail.from?.text, 'alice@localhost');
  assert.match(String(mail.messageId), /@localhost>$/);
  assert.equal(draftSchema.safeParse({ replaces: 'not-an-id' }).success, false);
});
