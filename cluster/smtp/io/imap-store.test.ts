import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { messageIdOf } from './imap-store.ts';

describe('IMAP store: the Message-ID an APPEND to Sent is matched by', () => {
  test('is the field value without its angle brackets, in any case of the field name, folded or not', () => {
    assert.equal(messageIdOf(Buffer.from('Subject: x\r\nMessage-ID: <a.1@example.org>\r\n\r\nbody')), 'a.1@example.org');
    assert.equal(messageIdOf(Buffer.from('message-id:\r\n  <folded@example.org>\r\nSubject: x\r\n\r\n')), 'folded@example.org');
    assert.equal(messageIdOf(Buffer.from('Message-Id: bare@example.org\n\nbody')), 'bare@example.org');
  });

  test('is none when the header section has no such field (one in the body does not count)', () => {
    assert.equal(messageIdOf(Buffer.from('Subject: x\r\n\r\nMessage-ID: <in-body@example.org>\r\n')), undefined);
    assert.equal(messageIdOf(Buffer.from('Message-ID: <>\r\n\r\n')), undefined);
  });
});
