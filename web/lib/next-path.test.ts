// The login's `next` parameter: pages of this site are kept, anything that could leave it is refused.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { loginPathFor, safeNextPath } from './next-path.ts';

test('next path: pages of this site, with their query, are kept', () => {
  assert.equal(safeNextPath('/drive'), '/drive');
  assert.equal(safeNextPath('/drive?folder=dAbcdefghijklmnop'), '/drive?folder=dAbcdefghijklmnop');
  assert.equal(safeNextPath('/mail/inbox/0001?x=1#top'), '/mail/inbox/0001?x=1#top');
  assert.equal(safeNextPath('/mail/a%2Fb'), '/mail/a%2Fb');
  assert.equal(safeNextPath('/drive/../menu'), '/menu'); // resolved, still here
});

test('next path: other sites, schemes and tricks browsers would follow are refused', () => {
  for (const raw of [
    '//evil.example',
    '//evil.example/drive',
    '/\\evil.example',
    '/\\/evil.example',
    '\\\\evil.example',
    'https://evil.example',
    'javascript:alert(1)',
    'drive',
    '/\t/evil.example',
    '/\n/evil.example',
    ' /drive',
    '/drive page',
    '',
    '/' + 'a'.repeat(2048),
    undefined,
    ['/drive'],
  ]) {
    assert.equal(safeNextPath(raw), undefined, JSON.stringify(raw));
  }
});

test('next path: the login pages, the API and the root are no destination', () => {
  for (const raw of ['/', '/login', '/login?next=/drive', '/signup', '/api/me', '/api/drive/files/x', '/_next/static/x.js']) {
    assert.equal(safeNextPath(raw), undefined, raw);
  }
  assert.equal(safeNextPath('/loginhelp'), '/loginhelp');
});

test('next path: the login address that comes back to a page', () => {
  assert.equal(loginPathFor('/drive?folder=dX'), '/?next=%2Fdrive%3Ffolder%3DdX');
  assert.equal(loginPathFor('//evil.example'), '/');
});
