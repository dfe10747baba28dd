import assert from 'node:assert/strict';
import { test } from 'node:test';
import { folderHref, mailViewOf, messageHref, searchHref } from './mail-route.ts';

test('a mail URL names the folder, the message and the search, and comes back the same', () => {
  const at = (href: string) => {
    const url = new URL(href, 'http://x');
    return mailViewOf(url.pathname, url.searchParams);
  };
  assert.deepEqual(at('/mail'), { folder: 'inbox', id: null, q: '', all: false });
  assert.deepEqual(at(folderHref('f2a')), { folder: 'f2a', id: null, q: '', all: false });
  assert.deepEqual(at(messageHref('sent', 'mie3k2x0a-000000f01a2b3c4d')), { folder: 'sent', id: 'mie3k2x0a-000000f01a2b3c4d', q: '', all: false });
  assert.deepEqual(at(searchHref('trash', ' lunch & co ', true)), { folder: 'trash', id: null, q: 'lunch & co', all: true });
  assert.deepEqual(at(searchHref('inbox', 'x', false)), { folder: 'inbox', id: null, q: 'x', all: false });
});
