import assert from 'node:assert/strict';
import { test } from 'node:test';
import { hostnameOf, redirectLocation } from './redirect.ts';

const frontend = { address: '127.0.0.1:8082', publicHost: '' };

test('keeps the host name the browser used, the path and the query', () => {
  assert.equal(redirectLocation('http', frontend, 'localhost:8080', '/menu?tab=2'), 'http://localhost:8082/menu?tab=2');
  assert.equal(redirectLocation('http', frontend, '127.0.0.1:8080', '/'), 'http://127.0.0.1:8082/');
  assert.equal(redirectLocation('http', frontend, '[::1]:8080', '/a'), 'http://[::1]:8082/a');
});

test('a configured public host wins over the Host header', () => {
  assert.equal(redirectLocation('http', { ...frontend, publicHost: 'cloud.example' }, 'localhost:8080', '/x'), 'http://cloud.example:8082/x');
});

test('a missing or malformed Host header falls back to the frontend address', () => {
  assert.equal(redirectLocation('http', frontend, undefined, '/x'), 'http://127.0.0.1:8082/x');
  assert.equal(redirectLocation('http', frontend, 'evil.example/"><script>', '/x'), 'http://127.0.0.1:8082/x');
  assert.equal(hostnameOf('a b'), undefined);
  assert.equal(hostnameOf('localhost'), 'localhost');
});

test('only origin-form request targets are passed on', () => {
  assert.equal(redirectLocation('http', frontend, 'localhost:8080', 'http://evil.example/'), 'http://localhost:8082/');
  assert.equal(redirectLocation('http', frontend, 'localhost:8080', '*'), 'http://localhost:8082/');
  assert.equal(redirectLocation('http', frontend, 'localhost:8080', '//evil.example/x'), 'http://localhost:8082//evil.example/x');
});

test('the scheme the browser used is kept: https is never sent on to http', () => {
  assert.equal(redirectLocation('https', frontend, 'cloud.example:8080', '/menu'), 'https://cloud.example:8082/menu');
  assert.equal(redirectLocation('https', { ...frontend, publicHost: 'cloud.example' }, '10.0.0.7:8080', '/'), 'https://cloud.example:8082/');
  assert.equal(redirectLocation('http', frontend, 'cloud.example:8080', '/menu'), 'http://cloud.example:8082/menu');
});
