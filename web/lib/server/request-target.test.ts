import assert from 'node:assert/strict';
import { test } from 'node:test';
import { refusalOf } from './request-target.ts';

test('requests Next would fail on are refused with 405 or 400; ordinary ones pass', () => {
  assert.equal(refusalOf('GET', '/api/me', undefined), undefined);
  assert.equal(refusalOf('DELETE', '/api/drive/files/abc%20def?x=%E0', undefined), undefined);
  assert.equal(refusalOf('TRACE', '/api/health', undefined)?.status, 405);
  assert.equal(refusalOf('TRACE', '/api/health', undefined)?.headers.Allow, 'GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS');
  assert.equal(refusalOf('PROPFIND', '/', undefined)?.status, 405);
  assert.equal(refusalOf('OPTIONS', '*', undefined)?.code, 'bad_request');
  assert.equal(refusalOf('GET', 'http://evil.example/api/me', undefined)?.status, 400);
  assert.equal(refusalOf('GET', '//evil.example/api/me', undefined)?.status, 400);
  for (const bad of ['/api/drive/files/%E0', '/api/drive/files/%ZZ', '/api/drive/files/%', '/a/%C0%AF']) {
    assert.equal(refusalOf('GET', bad, undefined)?.status, 400, bad);
  }
  assert.deepEqual(refusalOf('GET', '/api/me/.', 'websocket')?.headers, { Connection: 'close' });
  assert.equal(refusalOf('POST', '/_next/x', undefined, 'abcdef0123456789')?.status, 400);
});
