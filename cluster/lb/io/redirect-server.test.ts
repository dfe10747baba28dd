// The balancer's HTTP side over HTTPS and behind a proxy, without its gRPC half: the redirects
// keep the scheme the browser used and the configured public host, and HTTPS answers carry HSTS.
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import http from 'node:http';
import https from 'node:https';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { issueServerCertificate, makeTestCa, writePem, type Pem } from '../../../tests/lib/test-certificates.ts';
import { parseConfig } from '../../common/config.ts';
import { silentLogger } from '../../common/log.ts';
import { FrontendTable } from '../core/frontend-table.ts';
import { createRedirectServer } from './redirect-server.ts';

let dir: string;
let ca: Pem;
let files: { certFile: string; keyFile: string };

before(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'penncloud-redirects-'));
  ca = await makeTestCa();
  files = writePem(dir, 'site', await issueServerCertificate(ca));
});
after(() => rm(dir, { recursive: true, force: true }));

interface Answer {
  status: number;
  location: string | undefined;
  hsts: string | undefined;
}

function request(url: string, method = 'GET', headers: Record<string, string> = {}): Promise<Answer> {
  const client = url.startsWith('https:') ? https : http;
  return new Promise((resolve, reject) => {
    const req = client.request(url, { method, ca: ca.cert, agent: false, headers }, (res) => {
      res.resume();
      res.on('end', () =>
        resolve({ status: res.statusCode ?? 0, location: res.headers.location, hsts: res.headers['strict-transport-security'] as string | undefined }),
      );
    });
    req.on('error', reject);
    req.end();
  });
}

async function withRedirects(settings: { http?: Record<string, unknown>; publicHost?: string }, fn: (port: number) => Promise<void>) {
  const config = parseConfig({ http: settings.http ?? {}, web: { frontends: 1, basePort: 9001 } });
  const table = new FrontendTable(['127.0.0.1:9001'], 3000);
  table.heartbeat({ frontend: 1, address: '127.0.0.1:9001', publicHost: settings.publicHost ?? '', startedAtMs: 1, rssBytes: 1, leaving: false }, 1000);
  const redirects = await createRedirectServer(config, table, () => 1500, silentLogger);
  try {
    await fn(await redirects.listen(0));
  } finally {
    await redirects.close();
  }
}

test('over HTTPS the redirects stay on https, name the public host, and carry HSTS', async () => {
  await withRedirects({ http: { tls: files }, publicHost: 'localhost' }, async (port) => {
    const get = await request(`https://127.0.0.1:${port}/menu?tab=2`);
    assert.deepEqual(get, { status: 302, location: 'https://localhost:9001/menu?tab=2', hsts: 'max-age=31536000' });
    const post = await request(`https://localhost:${port}/api/auth/login`, 'POST');
    assert.deepEqual(post, { status: 307, location: 'https://localhost:9001/api/auth/login', hsts: 'max-age=31536000' });
  });
});

test('over plain HTTP the redirects stay on http and carry no HSTS; a forged X-Forwarded-Proto is ignored', async () => {
  await withRedirects({}, async (port) => {
    const answer = await request(`http://127.0.0.1:${port}/`, 'GET', { 'X-Forwarded-Proto': 'https' });
    assert.deepEqual(answer, { status: 302, location: 'http://127.0.0.1:9001/', hsts: undefined });
  });
});

test('behind a trusted proxy that terminates HTTPS, its X-Forwarded-Proto decides the scheme', async () => {
  await withRedirects({ http: { trustedProxies: ['127.0.0.1'] }, publicHost: 'cloud.example' }, async (port) => {
    const viaTls = await request(`http://127.0.0.1:${port}/menu`, 'GET', { 'X-Forwarded-Proto': 'https', 'X-Forwarded-For': '198.51.100.1' });
    assert.deepEqual(viaTls, { status: 302, location: 'https://cloud.example:9001/menu', hsts: 'max-age=31536000' });
    const viaPlain = await request(`http://127.0.0.1:${port}/menu`, 'GET', { 'X-Forwarded-Proto': 'http' });
    assert.deepEqual(viaPlain, { status: 302, location: 'http://cloud.example:9001/menu', hsts: undefined });
  });
});
