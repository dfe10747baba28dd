import assert from 'node:assert/strict';
import { test } from 'node:test';
import { refusalOf } from './request-target.ts';

test('requests Next would fail on are refused with 405 or 400; ordinary ones pass', () => {
  assert.equal(refusalOf('GET', '/api/me', {}), undefined);
  assert.equal(refusalOf('DELETE', '/api/drive/files/abc%20def?x=%E0', {}), undefined);
  assert.equal(refusalOf('TRACE', '/api/health', {})?.status, 405);
  assert.equal(refusalOf('TRACE', '/api/health', {})?.headers.Allow, 'GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS');
  assert.equal(refusalOf('PROPFIND', '/', {})?.status, 405);
  assert.equal(refusalOf('OPTIONS', '*', {})?.code, 'bad_request');
  assert.equal(refusalOf('GET', 'http://evil.example/api/me', {})?.status, 400);
  assert.equal(refusalOf('GET', '//evil.example/api/me', {})?.status, 400);
  for (const bad of ['/api/drive/files/%E0', '/api/drive/files/%ZZ', '/api/drive/files/%', '/a/%C0%AF']) {
    assert.equal(refusalOf('GET', bad, {})?.status, 400, bad);
  }
  assert.deepEqual(refusalOf('GET', '/api/me/.', { upgrade: 'websocket' })?.headers, { Connection: 'close' });
  assert.equal(refusalOf('POST', '/_next/x', { 'next-action': 'abcdef0123456789' })?.status, 400);
  assert.equal(refusalOf('POST', '/etc/passwd', { rsc: '1' })?.status, 400);
  assert.equal(refusalOf('GET', '/mail', { rsc: '1' }), undefined);
  assert.deepEqual(refusalOf('PUT', '/menu?', {})?.headers, { Allow: 'GET, HEAD' });
  assert.equal(refusalOf('POST', '/mail/inbox', {})?.status, 405);
  assert.equal(refusalOf('HEAD', '/drive', {}), undefined);
  assert.equal(refusalOf('POST', '/api', {})?.status, 405);
});
