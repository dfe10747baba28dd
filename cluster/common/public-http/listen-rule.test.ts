import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseConfig } from '../config.ts';
import { isLoopbackHost, plainHttpRefusal } from './listen-rule.ts';

test('loopback: 127.0.0.0/8, ::1 and localhost; 0.0.0.0 and other addresses are not', () => {
  for (const host of ['127.0.0.1', '127.0.0.2', '127.255.255.254', 'localhost', '::1', '::ffff:127.0.0.1', 'LOCALHOST']) {
    assert.equal(isLoopbackHost(host), true, host);
  }
  for (const host of ['0.0.0.0', '::', '10.0.0.5', '192.168.1.2', 'cloud.example', '128.0.0.1', 'localhost.example']) {
    assert.equal(isLoopbackHost(host), false, host);
  }
});

const http = (settings: Record<string, unknown>) => parseConfig({ http: settings });

test('plain HTTP is served on loopback, and elsewhere only with HTTPS, a trusted proxy or the explicit override', () => {
  assert.equal(plainHttpRefusal(http({}), 8081, 'frontend 1'), undefined);
  assert.equal(plainHttpRefusal(http({ host: '127.0.0.2' }), 8081, 'frontend 1'), undefined);
  const tls = { certFile: '/etc/penncloud/site.crt', keyFile: '/etc/penncloud/site.key' };
  assert.equal(plainHttpRefusal(http({ host: '0.0.0.0', tls }), 8081, 'frontend 1'), undefined);
  assert.equal(plainHttpRefusal(http({ host: '0.0.0.0', trustedProxies: ['10.0.0.5'] }), 8081, 'frontend 1'), undefined);
  assert.equal(plainHttpRefusal(http({ host: '0.0.0.0', allowPlainHttp: true }), 8081, 'frontend 1'), undefined);
});

test('the refusal names the listener, the address and every setting that would allow it', () => {
  for (const host of ['0.0.0.0', '10.0.0.7', 'cloud.example']) {
    const why = plainHttpRefusal(http({ host }), 8080, 'load balancer');
    assert.ok(why, host);
    assert.match(why, new RegExp(`^load balancer refuses to serve plain HTTP on ${host.replace(/\./g, '\\.')}:8080`));
    for (const setting of ['http.tls.certFile', 'http.tls.keyFile', 'http.trustedProxies', 'http.host', 'http.allowPlainHttp: true']) {
      assert.ok(why.includes(setting), `${setting} in: ${why}`);
    }
  }
});

test('the override is never on by default, and HTTPS needs both files', () => {
  assert.equal(parseConfig({}).http.allowPlainHttp, false);
  assert.equal(parseConfig({}).http.tls, null);
  assert.equal(parseConfig({}).http.host, '127.0.0.1');
  assert.throws(() => parseConfig({ http: { tls: { certFile: '/x.crt' } } }), /http\.tls\.keyFile/);
  assert.throws(() => parseConfig({ http: { host: '::' } }), /http\.host: expected an IPv4 address or a host name/);
});
