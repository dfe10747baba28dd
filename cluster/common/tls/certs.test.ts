// The CA against real TLS: certificates written to a temp dir, then mutual handshakes with
// node:tls (server: requestCert + rejectUnauthorized, as the cluster's gRPC servers run).
import assert from 'node:assert/strict';
import { X509Certificate, webcrypto } from 'node:crypto';
import { mkdtemp, open, readFile, readdir, rm, stat } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import tls, { type PeerCertificate } from 'node:tls';
import * as x509 from '@peculiar/x509';
import { parseConfig } from '../config.ts';
import { isPennError } from '../errors.ts';
import { certFiles, ensureLocalCerts, initCa, issueCert, localHosts, localIdentities, nameOf, roleOf } from './certs.ts';

const day = 24 * 3600_000;
let root: string;
let dir: string;

interface Pem {
  key: string;
  cert: string;
}

async function issue(name: string, role: Parameters<typeof issueCert>[1]['role'], extra: Partial<Parameters<typeof issueCert>[1]> = {}, into = dir): Promise<Pem> {
  const files = await issueCert(into, { name, role, hosts: localHosts, ...extra });
  return { key: await readFile(files.keyFile, 'utf8'), cert: await readFile(files.certFile, 'utf8') };
}

interface Outcome {
  /** The client read the server's reply: both sides accepted the handshake. */
  ok: boolean;
  peer?: PeerCertificate;
  serverError?: NodeJS.ErrnoException;
  /** Why the server refused the client's certificate (node's TLSSocket.authorizationError). */
  serverRefused?: string;
  clientError?: NodeJS.ErrnoException;
}

/** One connection: the server answers "ok" to a verified client; ends when both sides are done. */
async function handshake(server: Pem, client: Partial<Pem> & { servername?: string }, ca: string): Promise<Outcome> {
  const outcome: Outcome = { ok: false };
  const srv = tls.createServer({ ...server, ca, requestCert: true, rejectUnauthorized: true }, (socket) => {
    outcome.peer = socket.getPeerCertificate();
    socket.end('ok');
  });
  // Node verifies a client certificate after OpenSSL's handshake and destroys the socket without
  // an alert, so the client only sees a hang-up; the reason stays on the server's socket.
  srv.on('tlsClientError', (err, socket) => {
    outcome.serverError = err;
    outcome.serverRefused = String(socket.authorizationError ?? '') || undefined;
  });
  await new Promise<void>((resolve) => srv.listen(0, '127.0.0.1', resolve));
  const { port } = srv.address() as AddressInfo;
  await new Promise<void>((resolve) => {
    const { servername, ...pem } = client;
    const socket = tls.connect({ host: '127.0.0.1', port, ca, ...pem, ...(servername ? { servername } : {}) });
    socket.on('data', (data) => (outcome.ok ||= data.toString() === 'ok'));
    socket.on('error', (err) => (outcome.clientError = err));
    socket.on('close', () => resolve());
  });
  // close() waits for the server's side of the connection to end, so its error is in by then.
  await new Promise((resolve) => srv.close(resolve));
  return outcome;
}

before(async () => {
  root = await mkdtemp(path.join(os.tmpdir(), 'penncloud-certs-'));
  dir = path.join(root, 'certs');
  assert.equal((await initCa(dir)).created, true);
});
after(() => rm(root, { recursive: true, force: true }));

test('a certificate from the CA completes a mutual handshake; the server reads its role and name', async () => {
  const ca = await readFile(path.join(dir, 'ca.crt'), 'utf8');
  const result = await handshake(await issue('g0r0', 'node'), await issue('web1', 'frontend'), ca);
  assert.equal(result.ok, true, String(result.clientError ?? result.serverError));
  assert.equal(roleOf(result.peer!), 'frontend');
  assert.equal(nameOf(result.peer!), 'web1');
});

test('a client with no certificate, a self-signed one or one from another CA is refused', async () => {
  const ca = await readFile(path.join(dir, 'ca.crt'), 'utf8');
  const server = await issue('g0r1', 'node');
  const none = await handshake(server, {}, ca);
  assert.equal(none.ok, false);
  assert.equal(none.serverError?.code, 'ERR_SSL_PEER_DID_NOT_RETURN_A_CERTIFICATE');

  const alg = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' };
  const keys = (await webcrypto.subtle.generateKey(alg, true, ['sign', 'verify'])) as webcrypto.CryptoKeyPair;
  const forged = await x509.X509CertificateGenerator.createSelfSigned({ name: 'CN=admin, O=PennCloud, OU=admin', keys, signingAlgorithm: alg }, webcrypto);
  const selfSigned = { cert: forged.toString('pem'), key: x509.PemConverter.encode(await webcrypto.subtle.exportKey('pkcs8', keys.privateKey), 'PRIVATE KEY') };
  const self = await handshake(server, selfSigned, ca);
  assert.equal(self.ok, false);
  assert.equal(self.serverRefused, 'DEPTH_ZERO_SELF_SIGNED_CERT');

  const otherDir = path.join(root, 'other-ca');
  await initCa(otherDir);
  const other = await handshake(server, await issue('admin', 'admin', {}, otherDir), ca);
  assert.equal(other.ok, false);
  assert.equal(other.serverRefused, 'UNABLE_TO_VERIFY_LEAF_SIGNATURE');
});

test('an expired or not yet valid certificate fails, and the error says which', async () => {
  const ca = await readFile(path.join(dir, 'ca.crt'), 'utf8');
  const client = await issue('lb', 'lb');
  const expired = await issue('g1r0', 'node', { notBefore: new Date(Date.now() - 10 * day), notAfter: new Date(Date.now() - day) });
  const early = await issue('g1r1', 'node', { notBefore: new Date(Date.now() + day), notAfter: new Date(Date.now() + 10 * day) });
  // The client checks the server's certificate: its error names the reason.
  assert.equal((await handshake(expired, client, ca)).clientError?.code, 'CERT_HAS_EXPIRED');
  assert.equal((await handshake(early, client, ca)).clientError?.code, 'CERT_NOT_YET_VALID');
  // The server checks the client's: it refuses the connection, and knows why.
  const server = await issue('g1r2', 'node');
  const expiredClient = await handshake(server, expired, ca);
  assert.equal(expiredClient.ok, false);
  assert.equal(expiredClient.serverRefused, 'CERT_HAS_EXPIRED');
  const earlyClient = await handshake(server, early, ca);
  assert.equal(earlyClient.ok, false);
  assert.equal(earlyClient.serverRefused, 'CERT_NOT_YET_VALID');
});

test('a server certificate without the host the client dials fails hostname verification', async () => {
  const ca = await readFile(path.join(dir, 'ca.crt'), 'utf8');
  const server = await issue('c0', 'coordinator', { hosts: ['db.example', '10.9.9.9'] });
  const client = await issue('c1', 'coordinator');
  assert.equal((await handshake(server, client, ca)).clientError?.code, 'ERR_TLS_CERT_ALTNAME_INVALID');
  assert.equal((await handshake(server, { ...client, servername: 'other.example' }, ca)).clientError?.code, 'ERR_TLS_CERT_ALTNAME_INVALID');
  assert.equal((await handshake(server, { ...client, servername: 'db.example' }, ca)).ok, true);
});

test('keys are 0600 in a 0700 directory; certificates are readable', async () => {
  await issue('mail', 'mail');
  assert.equal((await stat(dir)).mode & 0o777, 0o700);
  for (const file of await readdir(dir)) {
    const mode = (await stat(path.join(dir, file))).mode & 0o777;
    assert.equal(mode, file.endsWith('.key') ? 0o600 : 0o644, file);
  }
});

test('roleOf and nameOf read every shape a certificate comes in, and refuse ambiguity', async () => {
  const { cert } = await issue('web2', 'frontend');
  assert.equal(roleOf(new X509Certificate(cert)), 'frontend');
  assert.equal(nameOf(new X509Certificate(cert)), 'web2');
  assert.equal(roleOf({ subject: 'CN=web2, O=PennCloud, OU=frontend' }), 'frontend');
  assert.equal(roleOf({ subject: 'CN=x\nOU=node\nOU=admin' }), undefined);
  assert.equal(roleOf({ subject: 'CN=x, OU=root' }), undefined);
  assert.equal(nameOf({ subject: 'CN=Web 2' }), undefined);
  const peer = { subject: Object.assign(Object.create(null), { CN: 'x', OU: ['node', 'admin'] }) } as PeerCertificate;
  assert.equal(roleOf(peer), undefined);
  assert.equal(roleOf({} as PeerCertificate), undefined);
});

test('issuing without ca.key fails with a clear error', async () => {
  const elsewhere = path.join(root, 'elsewhere');
  await initCa(elsewhere).then(() => rm(path.join(elsewhere, 'ca.key')));
  await assert.rejects(issueCert(elsewhere, { name: 'g0r0', role: 'node', hosts: localHosts }), (err) => {
    assert.ok(isPennError(err, 'failed_precondition'));
    assert.match(err.message, /this machine holds no CA key.*issue certificates where `certs init` ran, then copy them here/);
    return true;
  });
  await assert.rejects(issueCert(dir, { name: 'ca', role: 'node', hosts: localHosts }), /not a certificate name/);
  await assert.rejects(issueCert(dir, { name: 'g0r0', role: 'node', hosts: ['http://x'] }), /not a DNS name or an IP address/);
});

test('initCa never replaces a CA, even when called twice at once', async () => {
  const fresh = path.join(root, 'fresh');
  const results = await Promise.all([initCa(fresh), initCa(fresh)]);
  assert.deepEqual(results.map((r) => r.created).sort(), [false, true]);
  const before = await readFile(path.join(fresh, 'ca.key'), 'utf8');
  assert.equal((await initCa(fresh)).created, false);
  assert.equal(await readFile(path.join(fresh, 'ca.key'), 'utf8'), before);
});

test('ensureLocalCerts issues what is missing once, then nothing; it reissues a certificate near expiry', async () => {
  const local = path.join(root, 'local');
  const identities = localIdentities(parseConfig({ dataDir: root }));
  assert.equal(identities.length, 19);
  assert.deepEqual((await ensureLocalCerts(local, identities)).sort(), identities.map((i) => i.name).sort());
  const snapshot = async () => Promise.all((await readdir(local)).sort().map(async (f) => [f, await readFile(path.join(local, f), 'utf8')]));
  const first = await snapshot();
  assert.deepEqual(await ensureLocalCerts(local, identities), []);
  assert.deepEqual(await snapshot(), first);

  await issueCert(local, { name: 'lb', role: 'lb', hosts: localHosts, validDays: 29 });
  await issueCert(local, { name: 'web1', role: 'admin', hosts: localHosts }); // wrong role: replaced too
  assert.deepEqual((await ensureLocalCerts(local, identities)).sort(), ['lb', 'web1']);
  const lb = new X509Certificate(await readFile(certFiles(local, 'lb').certFile));
  assert.ok(Date.parse(lb.validTo) > Date.now() + 800 * day);
  assert.equal(roleOf(new X509Certificate(await readFile(certFiles(local, 'web1').certFile))), 'frontend');
});

test('issueCert replaces a certificate atomically: readers see the old file or the new one', async () => {
  const { certFile, keyFile } = await issueCert(dir, { name: 'web3', role: 'frontend', hosts: localHosts });
  const old = { cert: await readFile(certFile, 'utf8'), key: await readFile(keyFile, 'utf8'), ino: (await stat(certFile)).ino };
  const held = await open(certFile, 'r');
  let done = false;
  const reissue = issueCert(dir, { name: 'web3', role: 'frontend', hosts: localHosts }).finally(() => (done = true));
  const seen: string[] = [];
  while (!done) seen.push(await readFile(certFile, 'utf8'), await readFile(keyFile, 'utf8'));
  await reissue;
  const fresh = { cert: await readFile(certFile, 'utf8'), key: await readFile(keyFile, 'utf8') };
  assert.notEqual(fresh.cert, old.cert);
  assert.ok(seen.length > 0);
  for (const text of seen) assert.ok([old.cert, old.key, fresh.cert, fresh.key].includes(text), 'a reader saw a partial file');
  // A rename puts a new inode in place; the file a process already opened is left whole.
  assert.notEqual((await stat(certFile)).ino, old.ino);
  assert.equal(await held.readFile('utf8'), old.cert);
  await held.close();
  assert.deepEqual((await readdir(dir)).filter((f) => f.endsWith('.tmp')), []);
});

test('--out style issue writes the certificate, key and a copy of ca.crt elsewhere', async () => {
  const out = path.join(root, 'out');
  const files = await issueCert(dir, { name: 'g2r0', role: 'node', hosts: ['10.0.0.7', 'node7.example'], outDir: out });
  assert.equal(path.dirname(files.certFile), out);
  assert.equal(await readFile(path.join(out, 'ca.crt'), 'utf8'), await readFile(path.join(dir, 'ca.crt'), 'utf8'));
  const cert = new X509Certificate(await readFile(files.certFile));
  assert.equal(cert.subjectAltName, 'IP Address:10.0.0.7, DNS:node7.example');
  assert.ok(cert.checkIssued(new X509Certificate(await readFile(path.join(dir, 'ca.crt')))));
});
