// The per-connection cache of peer certificates against real mutual TLS handshakes.
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import tls, { type PeerCertificate, type SecureVersion } from 'node:tls';
import { initCa, issueCert, localHosts, nameOf } from './certs.ts';
import { cachePeerCertificates } from './peer-certificate-cache.ts';

let root: string;
let pem: { ca: string; server: { key: string; cert: string }; client: { key: string; cert: string } };

before(async () => {
  root = await mkdtemp(path.join(os.tmpdir(), 'penncloud-peer-cache-'));
  const dir = path.join(root, 'certs');
  await initCa(dir);
  const read = async (name: string, role: 'node' | 'frontend') => {
    const files = await issueCert(dir, { name, role, hosts: localHosts });
    return { key: await readFile(files.keyFile, 'utf8'), cert: await readFile(files.certFile, 'utf8') };
  };
  pem = { ca: await readFile(path.join(dir, 'ca.crt'), 'utf8'), server: await read('g0r0', 'node'), client: await read('web1', 'frontend') };
  cachePeerCertificates();
});
after(() => rm(root, { recursive: true, force: true }));

/** Two reads of the client's certificate on the server's side of one connection, and one of another connection. */
async function reads(maxVersion: SecureVersion): Promise<{ first: PeerCertificate; second: PeerCertificate; other: PeerCertificate }> {
  const seen: PeerCertificate[][] = [];
  const srv = tls.createServer({ ...pem.server, ca: pem.ca, requestCert: true, rejectUnauthorized: true, maxVersion }, (socket) => {
    seen.push([socket.getPeerCertificate(), socket.getPeerCertificate()]);
    socket.end('ok');
  });
  await new Promise<void>((resolve) => srv.listen(0, '127.0.0.1', resolve));
  const { port } = srv.address() as AddressInfo;
  const connect = () =>
    new Promise<void>((resolve, reject) => {
      const socket = tls.connect({ host: '127.0.0.1', port, ca: pem.ca, ...pem.client, servername: 'localhost' });
      socket.on('data', () => undefined);
      socket.on('error', reject);
      socket.on('close', () => resolve());
    });
  await connect();
  await connect();
  await new Promise((resolve) => srv.close(resolve));
  assert.equal(seen.length, 2);
  return { first: seen[0]![0]!, second: seen[0]![1]!, other: seen[1]![0]! };
}

test('TLS 1.3: one certificate object per connection, the right one, and a new one for a new connection', async () => {
  const { first, second, other } = await reads('TLSv1.3');
  assert.equal(nameOf(first), 'web1');
  assert.equal(first, second, 'the second read of a connection is the cached answer');
  assert.notEqual(other, first, 'another connection reads its own certificate');
  assert.equal(nameOf(other), 'web1');
});

test('TLS 1.2, which can renegotiate: every read asks the connection again', async () => {
  const { first, second } = await reads('TLSv1.2');
  assert.equal(nameOf(first), 'web1');
  assert.notEqual(first, second);
  assert.deepEqual(first.raw, second.raw);
});
