import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { MessageSummary } from '../../../../cluster/model/mail/mailbox.ts';
import { newMessageId } from '../../../../cluster/model/mail/message-id.ts';
import { toApi } from './mail-list.ts';

test('a listing row leaves out what only storage and search use', () => {
  const id = newMessageId(1_700_000_000_000, '0123456789abcdef');
  const summary: MessageSummary = {
    id,
    folder: 'inbox',
    from: 'Ann <ann@localhost>',
    to: ['bob@localhost'],
    cc: [],
    subject: 'plan',
    date: new Date(0).toISOString(),
    receivedAt: new Date(0).toISOString(),
    size: 40_000,
    hasAttachments: true,
    unread: false,
    uid: 3,
    flags: ['\\Seen', '\\Flagged'],
    snippet: 'Hi Ann',
    searchText: 'Hi Ann, the venue is Zanzibar.',
    messageId: '<m@x>',
    chunks: 2,
    body: `ann#mail#${id}`,
  };
  // The search text can be 8 KiB a message: a page of rows must not carry it to the browser.
  const row = toApi(summary);
  assert.deepEqual(Object.keys(row).filter((k) => ['searchText', 'chunks', 'body', 'messageId'].includes(k)), []);
  assert.equal(row.snippet, 'Hi Ann');
  assert.equal(row.flagged, true);
});
