import assert from 'node:assert/strict';
import { test } from 'node:test';
import { sessionCookie } from './session-cookie.ts';

test('over HTTPS the session cookie is __Host-, Secure, HttpOnly, SameSite=Lax, for the whole host', () => {
  assert.deepEqual(sessionCookie('https'), {
    name: '__Host-penncloud_session',
    options: { httpOnly: true, sameSite: 'lax', secure: true, path: '/' },
  });
});

test('over plain HTTP it has no prefix and no Secure (a browser would never send it back), still HttpOnly and SameSite', () => {
  assert.deepEqual(sessionCookie('http'), {
    name: 'penncloud_session',
    options: { httpOnly: true, sameSite: 'lax', secure: false, path: '/' },
  });
});

test('the __Host- name never goes without what the prefix demands: Secure, Path=/ and no Domain', () => {
  for (const scheme of ['http', 'https'] as const) {
    const { name, options } = sessionCookie(scheme);
    if (name.startsWith('__Host-')) {
      assert.equal(options.secure, true);
      assert.equal(options.path, '/');
      assert.equal('domain' in options, false);
    }
  }
});
