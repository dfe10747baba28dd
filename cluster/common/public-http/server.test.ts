import assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import http from 'node:http';
import https from 'node:https';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import tls from 'node:tls';
import { issueServerCertificate, makeTestCa, writePem, type Pem } from '../../../tests/lib/test-certificates.ts';
import { parseConfig } from '../config.ts';
import { silentLogger } from '../log.ts';
import { createPublicServer, type PublicServer } from './server.ts';

let dir: string;
let ca: Pem;
let first: Pem;
let second: Pem;

before(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'penncloud-public-http-'));
  ca = await makeTestCa();
  [first, second] = await Promise.all([issueServerCertificate(ca), issueServerCertificate(ca)]);
});
after(() => rm(dir, { recursive: true, force: true }));

/** Answers every request with what the server made of it. */
function echo(site: () => PublicServer): http.RequestListener {
  return (req, res) => res.end(JSON.stringify(site().client(req)));
}

async function serve(settings: Record<string, unknown>): Promise<{ site: PublicServer; port: number }> {
  const config = parseConfig({ http: settings });
  const site: PublicServer = await createPublicServer(config, echo(() => site), silentLogger, 'test server');
  return { site, port: await site.listen(0) };
}

function get(url: string, headers: Record<string, string> = {}): Promise<{ status: number; body: string }> {
  const client = url.startsWith('https:') ? https : http;
  return new Promise((resolve, reject) => {
    const req = client.get(url, { ca: ca.cert, agent: false, headers }, (res) => {
      let body = '';
      res.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
  });
}

/** The SHA-256 fingerprint of the certificate the server presents, verified against the test CA. */
function servedFingerprint(port: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = tls.connect({ host: '127.0.0.1', port, ca: ca.cert, servername: 'localhost' }, () => {
      resolve(socket.getPeerCertificate().fingerprint256);
      socket.end();
    });
    socket.on('error', reject);
  });
}

const fingerprint = (pem: Pem) => new X509Certificate(pem.cert).fingerprint256;

test('without http.tls it serves plain HTTP, and the socket names the client', async () => {
  const { site, port } = await serve({});
  try {
    assert.equal(site.scheme, 'http');
    const answer = await get(`http://127.0.0.1:${port}/`, { 'X-Forwarded-Proto': 'https', 'X-Forwarded-For': '198.51.100.1' });
    assert.deepEqual(JSON.parse(answer.body), { address: '127.0.0.1', scheme: 'http' });
  } finally {
    await site.close();
  }
});

test('with http.tls it serves HTTPS with that certificate, and sends HSTS for its max-age', async () => {
  const files = writePem(dir, 'first', first);
  const { site, port } = await serve({ tls: files, hstsMaxAgeSeconds: 600 });
  try {
    assert.equal(site.scheme, 'https');
    assert.equal(site.hsts, 'max-age=600');
    assert.equal(await servedFingerprint(port), fingerprint(first));
    const answer = await get(`https://localhost:${port}/`);
    assert.deepEqual(JSON.parse(answer.body), { address: '127.0.0.1', scheme: 'https' });
  } finally {
    await site.close();
  }
});

test('behind a trusted proxy, its X-Forwarded-For and X-Forwarded-Proto are believed', async () => {
  const { site, port } = await serve({ trustedProxies: ['127.0.0.1'] });
  try {
    const answer = await get(`http://127.0.0.1:${port}/`, { 'X-Forwarded-Proto': 'https', 'X-Forwarded-For': '198.51.100.1' });
    assert.deepEqual(JSON.parse(answer.body), { address: '198.51.100.1', scheme: 'https' });
  } finally {
    await site.close();
  }
});

test('a missing file or a key of another certificate stops the start, naming the setting and the files', async () => {
  const missing = { certFile: path.join(dir, 'nope.crt'), keyFile: path.join(dir, 'nope.key') };
  await assert.rejects(createPublicServer(parseConfig({ http: { tls: missing } }), () => {}, silentLogger, 'x'), (err: Error) => {
    assert.match(err.message, /^cannot read http\.tls\.certFile .*nope\.crt/);
    return true;
  });
  const a = writePem(dir, 'mixed-a', first);
  const b = writePem(dir, 'mixed-b', second);
  const mixed = { certFile: a.certFile, keyFile: b.keyFile };
  await assert.rejects(createPublicServer(parseConfig({ http: { tls: mixed } }), () => {}, silentLogger, 'x'), (err: Error) => {
    assert.ok(err.message.startsWith(`http.tls: cannot use the certificate ${a.certFile} with the key ${b.keyFile}`), err.message);
    return true;
  });
});

test('a renewed certificate is served without a restart; a half-written renewal is not', async () => {
  const files = writePem(dir, 'renewed', first);
  const { site, port } = await serve({ tls: files });
  try {
    assert.equal(await site.reloadCertificate(), false, 'nothing changed yet');
    writePem(dir, 'renewed', second);
    assert.equal(await site.reloadCertificate(), true);
    assert.equal(await servedFingerprint(port), fingerprint(second));
    // The key of the next renewal is written, its certificate not yet: the pair does not load.
    await writeFile(files.keyFile, first.key);
    assert.equal(await site.reloadCertificate(), false);
    assert.equal(await servedFingerprint(port), fingerprint(second));
    await writeFile(files.certFile, first.cert);
    assert.equal(await site.reloadCertificate(), true);
    assert.equal(await servedFingerprint(port), fingerprint(first));
  } finally {
    await site.close();
  }
});

test('listen refuses plain HTTP on a public address before binding anything', async () => {
  const config = parseConfig({ http: { host: '0.0.0.0' } });
  const site = await createPublicServer(config, () => {}, silentLogger, 'frontend 3');
  await assert.rejects(site.listen(0), /^PennError: frontend 3 refuses to serve plain HTTP on 0\.0\.0\.0:0/);
  assert.equal(site.server.listening, false);
});
