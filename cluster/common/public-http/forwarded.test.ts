import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseConfig } from '../config.ts';
import { isAddressOrBlock, normalizeAddress, resolveClient, TrustedProxies, type SocketFacts } from './forwarded.ts';

test('trusted proxies are IP addresses or CIDR blocks, v4 or v6', () => {
  for (const good of ['10.0.0.5', '10.0.0.0/8', '192.168.1.0/24', '0.0.0.0/0', 'fd00::1', 'fd00::/8', '::1', ' 10.0.0.5 ']) {
    assert.equal(isAddressOrBlock(good), true, good);
  }
  for (const bad of ['', 'proxy.example', '10.0.0', '10.0.0.256', '10.0.0.0/33', 'fd00::/129', '10.0.0.0/8/1', '10.0.0.0/', '10.0.0.0/x', '*']) {
    assert.equal(isAddressOrBlock(bad), false, bad);
  }
});

test('a bad trusted proxy stops the config with a message naming the setting', () => {
  assert.deepEqual(parseConfig({ http: { trustedProxies: ['10.0.0.5', 'fd00::/8'] } }).http.trustedProxies, ['10.0.0.5', 'fd00::/8']);
  assert.throws(
    () => parseConfig({ http: { trustedProxies: ['10.0.0.5', 'proxy.example'] } }),
    /http\.trustedProxies\.1: expected an IP address or a CIDR block/,
  );
});

test('membership: exact addresses, blocks, and IPv4 clients of an IPv6 socket', () => {
  const proxies = TrustedProxies.parse(['10.0.0.5', '192.168.0.0/16', 'fd00::/8']);
  assert.equal(proxies.has('10.0.0.5'), true);
  assert.equal(proxies.has('10.0.0.6'), false);
  assert.equal(proxies.has('192.168.40.1'), true);
  assert.equal(proxies.has('::ffff:10.0.0.5'), true);
  assert.equal(proxies.has('::ffff:10.0.0.6'), false);
  assert.equal(proxies.has('fd00::abcd'), true);
  assert.equal(proxies.has('fe80::1'), false);
  assert.equal(proxies.has('not an address'), false);
  assert.equal(proxies.has(''), false);
  assert.equal(TrustedProxies.parse([]).has('127.0.0.1'), false);
  assert.equal(normalizeAddress('[::1]'), '::1');
  assert.equal(normalizeAddress('::FFFF:127.0.0.1'), '127.0.0.1');
});

const facts = (over: Partial<SocketFacts>): SocketFacts => ({
  remoteAddress: '203.0.113.9',
  encrypted: false,
  forwardedFor: undefined,
  forwardedProto: undefined,
  ...over,
});

test('without trusted proxies the socket decides: forged headers change nothing', () => {
  const none = TrustedProxies.parse([]);
  assert.deepEqual(resolveClient(facts({ forwardedFor: '198.51.100.1', forwardedProto: 'https' }), none), { address: '203.0.113.9', scheme: 'http' });
  assert.deepEqual(resolveClient(facts({ encrypted: true, forwardedProto: 'http' }), none), { address: '203.0.113.9', scheme: 'https' });
  assert.deepEqual(resolveClient(facts({ remoteAddress: '::ffff:203.0.113.9' }), none), { address: '203.0.113.9', scheme: 'http' });
  assert.deepEqual(resolveClient(facts({ remoteAddress: undefined }), none), { address: 'unknown', scheme: 'http' });
});

test('from an untrusted peer the headers are ignored even when proxies are configured', () => {
  const proxies = TrustedProxies.parse(['10.0.0.5']);
  const forged = facts({ remoteAddress: '203.0.113.9', forwardedFor: '10.0.0.5, 198.51.100.1', forwardedProto: 'https' });
  assert.deepEqual(resolveClient(forged, proxies), { address: '203.0.113.9', scheme: 'http' });
});

test('from a trusted proxy: the client is the first untrusted hop from the right, the scheme its word', () => {
  const proxies = TrustedProxies.parse(['10.0.0.5', '10.1.0.0/16']);
  const viaProxy = (forwardedFor: string | string[] | undefined, forwardedProto?: string) =>
    resolveClient(facts({ remoteAddress: '10.0.0.5', forwardedFor, forwardedProto }), proxies);
  assert.deepEqual(viaProxy('198.51.100.1', 'https'), { address: '198.51.100.1', scheme: 'https' });
  // The client wrote "6.6.6.6" itself; the proxy appended the peer it saw.
  assert.deepEqual(viaProxy('6.6.6.6, 198.51.100.1', 'https'), { address: '198.51.100.1', scheme: 'https' });
  // Two trusted hops (an outer proxy in 10.1/16 in front of 10.0.0.5).
  assert.deepEqual(viaProxy('6.6.6.6, 198.51.100.1, 10.1.2.3', 'https'), { address: '198.51.100.1', scheme: 'https' });
  // Repeated headers, as an array.
  assert.deepEqual(viaProxy(['198.51.100.1', '10.1.2.3']), { address: '198.51.100.1', scheme: 'http' });
  // IPv4 written as IPv4-mapped IPv6 by the proxy.
  assert.deepEqual(viaProxy('::ffff:198.51.100.1', 'https'), { address: '198.51.100.1', scheme: 'https' });
  // No header: the proxy itself is the client (all its users share one limit, never a forged one).
  assert.deepEqual(viaProxy(undefined), { address: '10.0.0.5', scheme: 'http' });
  // Garbage stops the walk at the last trusted hop.
  assert.deepEqual(viaProxy('198.51.100.1, garbage, 10.1.2.3'), { address: '10.1.2.3', scheme: 'http' });
  // Only "http" and "https" are schemes; anything else leaves the connection's own.
  assert.deepEqual(viaProxy('198.51.100.1', 'HTTPS, http'), { address: '198.51.100.1', scheme: 'https' });
  assert.deepEqual(viaProxy('198.51.100.1', 'wss'), { address: '198.51.100.1', scheme: 'http' });
  assert.deepEqual(
    resolveClient(facts({ remoteAddress: '10.0.0.5', encrypted: true, forwardedFor: '198.51.100.1', forwardedProto: 'http' }), proxies),
    { address: '198.51.100.1', scheme: 'http' },
  );
});
