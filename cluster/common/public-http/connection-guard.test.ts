import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import type http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';
import tls from 'node:tls';
import { issueServerCertificate, makeTestCa, writePem } from '../../../tests/lib/test-certificates.ts';
import { parseConfig } from '../config.ts';
import { silentLogger } from '../log.ts';
import type { ConnectionLimits } from './connection-guard.ts';
import { createPublicServer, type PublicServer } from './server.ts';

const limits: ConnectionLimits = {
  connectionsMax: 100,
  connectionsPerAddressMax: 3,
  headersMs: 5000,
  bodyIdleMs: 300,
  keepAliveIdleMs: 5000,
  requestMs: 60_000,
  drainBytesMax: 1000,
  retryAfterSeconds: 2,
};

const sites: PublicServer[] = [];
after(() => Promise.all(sites.map((s) => s.close())));

async function serve(listener: http.RequestListener, http: Record<string, unknown> = {}, overrides: Partial<ConnectionLimits> = {}): Promise<{ site: PublicServer; port: number }> {
  const site = await createPublicServer(parseConfig({ http }), listener, silentLogger, 'test server', { ...limits, ...overrides });
  sites.push(site);
  return { site, port: await site.listen(0) };
}

interface Raw {
  socket: net.Socket;
  received(): string;
  closed(): boolean;
}

function connect(port: number): Promise<Raw> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1');
    let text = '';
    let closed = false;
    socket.on('data', (c: Buffer) => (text += c.toString('latin1')));
    socket.on('close', () => (closed = true));
    socket.on('error', () => {});
    socket.once('connect', () => resolve({ socket, received: () => text, closed: () => closed }));
    socket.once('error', reject);
  });
}

/** Waits until `check` holds, at most 5 s. */
async function waitFor(check: () => Promise<boolean> | boolean, what: string): Promise<void> {
  const deadline = Date.now() + 5000;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}
const until = waitFor;
const get = (path = '/') => `GET ${path} HTTP/1.1\r\nHost: test\r\n\r\n`;
const ok: http.RequestListener = (_req, res) => res.end('ok');

test('a connection over the per-address cap gets 503 with Retry-After and is closed; a closed one frees its place', async () => {
  const { port } = await serve(ok);
  const held = await Promise.all([connect(port), connect(port), connect(port)]);
  const extra = await connect(port);
  await until(() => extra.closed(), 'the extra connection to be closed');
  assert.match(extra.received(), /^HTTP\/1\.1 503 /);
  assert.match(extra.received(), /\r\nRetry-After: 2\r\n/);
  held[0]!.socket.destroy();
  // The server counts the close when it sees it: a new connection is served once it has.
  await waitFor(
    async () => {
      const next = await connect(port);
      next.socket.write(get());
      await until(() => next.received().includes('\r\n\r\nok') || next.closed(), 'an answer');
      next.socket.destroy();
      return next.received().startsWith('HTTP/1.1 200');
    },
    'a new connection to be served',
  );
  for (const c of held) c.socket.destroy();
});

test('a body that stops arriving is cut; a handler that takes its time is not', async () => {
  let release = () => {};
  const { site, port } = await serve((req, res) => {
    if (req.url === '/slow') {
      release = () => res.end('done');
      return;
    }
    req.resume();
    req.on('end', () => res.end('read'));
  });
  const stalled = await connect(port);
  stalled.socket.write('POST /upload HTTP/1.1\r\nHost: test\r\nContent-Length: 100000\r\n\r\n0123456789');
  await until(() => stalled.closed(), 'the stalled body to be cut');
  assert.equal(stalled.received(), '');

  const slow = await connect(port);
  let idled = false;
  site.server.once('timeout', () => (idled = true));
  slow.socket.write(get('/slow'));
  await until(() => idled, 'the slow request to sit idle past requestBodyIdleMs');
  release();
  await until(() => slow.received().includes('done'), 'the slow answer');
  assert.equal(slow.closed(), false);
  slow.socket.destroy();
});

test('an answer given before the body was read: a small rest is drained and the connection serves on; a large rest closes it', async () => {
  const { port } = await serve((req, res) => {
    res.writeHead(401).end('no');
  });
  const small = await connect(port);
  small.socket.write(`POST /x HTTP/1.1\r\nHost: test\r\nContent-Length: 500\r\n\r\n${'x'.repeat(500)}`);
  await until(() => small.received().includes('no'), 'the early answer');
  small.socket.write(get());
  await until(() => (small.received().match(/HTTP\/1\.1 401/g) ?? []).length === 2, 'a second answer on the same connection');
  small.socket.destroy();

  const large = await connect(port);
  large.socket.write(`POST /x HTTP/1.1\r\nHost: test\r\nContent-Length: 1000000\r\n\r\n`);
  await until(() => large.received().includes('no'), 'the early answer');
  large.socket.write('x'.repeat(20_000));
  await until(() => large.closed(), 'the connection to be closed');
});

test('behind a trusted proxy the cap counts each client\'s requests in flight', async () => {
  const waiting: http.ServerResponse[] = [];
  const { port } = await serve((_req, res) => void waiting.push(res), { trustedProxies: ['127.0.0.1'] });
  const request = async (client: string) => {
    const c = await connect(port);
    c.socket.write(`GET / HTTP/1.1\r\nHost: test\r\nX-Forwarded-For: ${client}\r\n\r\n`);
    return c;
  };
  // More connections than the per-address cap from the proxy itself are fine.
  const first = await Promise.all([1, 2, 3].map(() => request('203.0.113.5')));
  const fourth = await request('203.0.113.5');
  await until(() => fourth.received().includes('\r\n\r\n'), 'the fourth answer');
  assert.match(fourth.received(), /^HTTP\/1\.1 503 [^]*Retry-After: 2/);
  const other = await request('203.0.113.6');
  await until(() => waiting.length === 4, 'the other client to be served');
  for (const res of waiting) res.end('ok');
  for (const c of [...first, fourth, other]) c.socket.destroy();
});

test('over HTTPS a connection over the cap is closed before its handshake', async () => {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'penncloud-guard-'));
  try {
    const ca = await makeTestCa();
    const files = writePem(dir, 'server', await issueServerCertificate(ca));
    const { port } = await serve(ok, { tls: files }, { connectionsPerAddressMax: 1 });
    const handshake = () =>
      new Promise<tls.TLSSocket | Error>((resolve) => {
        const socket = tls.connect({ host: '127.0.0.1', port, ca: ca.cert, servername: 'localhost' }, () => resolve(socket));
        socket.once('error', resolve);
        socket.once('close', () => resolve(new Error('closed')));
      });
    const first = await handshake();
    assert.ok(first instanceof tls.TLSSocket);
    assert.ok((await handshake()) instanceof Error);
    first.destroy();
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
