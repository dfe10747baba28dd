// A multi-machine install, tested (docs/DEPLOY.md, "Three machines"): the whole system with every
// process on an address of its own — 127.0.0.2 … 127.0.0.17 stand in for machines — each with
// its own data directory and its own certificate directory, whose certificate is issued for that
// address only. One config file names every address, as on a real install; each process's
// environment sets only its directories (and, for a frontend, the name it is reached at).
//
// The certificates make this a real test of the addresses: a client verifies the address it
// dialed against the server's certificate, so a process that bound, or was dialed, anywhere but
// its own address (the top-level host 127.0.0.1, say) would fail every handshake.
//
// Three coordinators, three storage groups of three, the mail daemon, the balancer and two
// frontends. Through the balancer's URL a user signs up, sends mail and uploads a file; then the
// primary of the user's storage group and a frontend are killed with kill -9, and the file's bytes and the mail must read
// back through the balancer, the session must go on at the other frontend, and a new write
// must succeed. There is no proxy in front here: a browser would reach each frontend at its own
// address, so each frontend names it as its web.publicHost (DEPLOY.md says why an install
// should rather put one name in front of all of them); the test carries the cookie itself.
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { parseConfig, type Config } from '../../cluster/common/config.ts';
import type { Role } from '../../cluster/common/tls/certs.ts';
import { CoordinatorClient, type ClusterStatus } from '../../cluster/coordinator/client.ts';
import { LbClient } from '../../cluster/lb/client.ts';
import { MailClient } from '../../cluster/smtp/client.ts';
import { ensureWebBuild } from '../../web/build.ts';
import { machineEnv, makeMachines, portFreeOn, sharedConfigEnv, sharedSecret, type Machine } from '../lib/machines.ts';
import { startService, waitFor, type Service, type TestEnv } from '../../scripts/lib/processes.ts';

const coordinatorIds = ['c0', 'c1', 'c2'];
/** Three groups of three, rows split at j and s (the defaults): alice's rows are in group 0. */
const nodeIds = [0, 1, 2].flatMap((g) => [0, 1, 2].map((r) => `g${g}r${r}`));
const processes = [...coordinatorIds, ...nodeIds, 'mail', 'lb', 'web1', 'web2'];
/** 127.0.0.2 … 127.0.0.17, one per process; the test itself (admin) is a client only. */
const hosts: Record<string, string> = { ...Object.fromEntries(processes.map((name, i) => [name, `127.0.0.${i + 2}`])), admin: '' };

function roleOf(name: string): Role {
  if (coordinatorIds.includes(name)) return 'coordinator';
  if (nodeIds.includes(name)) return 'node';
  if (name.startsWith('web')) return 'frontend';
  return name as Role; // mail, lb, admin
}

function scriptOf(name: string): [string, string[]] {
  if (coordinatorIds.includes(name)) return ['cluster/coordinator/main.ts', [name]];
  if (nodeIds.includes(name)) return ['cluster/kvs/main.ts', [name]];
  if (name.startsWith('web')) return ['web/main.ts', [name.slice(3)]];
  return [`cluster/${name === 'mail' ? 'smtp' : 'lb'}/main.ts`, []];
}

let dir = '';
let env: TestEnv;
let machines: Map<string, Machine>;
/** The test's own view: the shared config with the admin's directories. */
let config: Readonly<Config>;
let coordinator: CoordinatorClient;
let lb: LbClient;
let lbUrl: string;
const services = new Map<string, Service>();
const killed = new Set<string>();
let passed = false;
/** Rejects when a process exits that the test did not kill: no waiting out a deadline for a dead process. */
let crashed: Promise<never>;
let crash: (err: Error) => void;

function machine(name: string): Machine {
  const m = machines.get(name);
  if (!m) throw new Error(`no machine ${name}`);
  return m;
}

function start(name: string): void {
  const [script, args] = scriptOf(name);
  const m = machine(name);
  const own = name.startsWith('web') ? { web: { publicHost: m.host } } : {};
  const service = startService(machineEnv(env, m, own), name, script, args);
  services.set(name, service);
  void service.exited.then(async (code) => {
    if (killed.has(name)) return;
    const log = await readFile(path.join(dir, `${name}.log`), 'utf8').catch(() => '');
    crash(new Error(`${name} exited with ${code}; its log ends:\n${log.split('\n').slice(-15).join('\n')}`));
  });
}

async function kill9(name: string): Promise<void> {
  killed.add(name);
  await services.get(name)?.kill9();
}

/** waitFor, failing at once if a process dies meanwhile. */
function waitRunning<T>(check: () => Promise<T | undefined | false>, timeoutMs: number, what: string): Promise<T> {
  return Promise.race([waitFor(check, { timeoutMs, what, intervalMs: 100 }), crashed]);
}

const healthy = (s: ClusterStatus) => s.nodes.length === nodeIds.length && s.groups.every((g) => g.primary !== '') && s.nodes.every((n) => n.state === 'up' && n.inSync);

before(
  async () => {
    await ensureWebBuild((line) => console.log(line));
    crashed = new Promise<never>((_, reject) => (crash = reject));
    crashed.catch(() => {});
    const startedMs = Date.now();
    ({ dir, machines } = await makeMachines(hosts, Object.fromEntries(Object.keys(hosts).map((n) => [n, roleOf(n)]))));
    const port = (names: string[], consecutive = false) => portFreeOn(names.map((n) => hosts[n]!), { consecutive });
    // The same port on every machine, as an install would have it.
    const coordinatorPort = await port(coordinatorIds);
    const nodePort = await port(nodeIds);
    // Every address in the one config file; the top-level host stays 127.0.0.1, where nothing runs.
    env = await sharedConfigEnv(dir, {
      coordinator: { members: coordinatorIds.map((id) => ({ id, host: hosts[id], port: coordinatorPort })) },
      kvs: { groups: 3, replicas: 3, nodes: Object.fromEntries(nodeIds.map((id) => [id, `${hosts[id]}:${nodePort}`])) },
      mail: { host: hosts.mail, grpcHost: hosts.mail, smtpPort: await port(['mail']), pop3Port: await port(['mail']), imapPort: await port(['mail']), grpcPort: await port(['mail']) },
      lb: { grpcHost: hosts.lb, httpPort: await port(['lb']), grpcPort: await port(['lb']) },
      http: { host: hosts.lb },
      web: { frontends: 2, basePort: await port(['web1', 'web2'], true), hosts: [hosts.web1, hosts.web2], sessionSecret: sharedSecret() },
    });
    const admin = machine('admin');
    config = parseConfig({ ...env.config, dataDir: admin.dataDir, tls: { dir: admin.certDir } });
    coordinator = new CoordinatorClient(config, 2000);
    lb = new LbClient(config, 2000);
    lbUrl = `http://${hosts.lb}:${config.lb.httpPort}`;

    for (const name of [...coordinatorIds, ...nodeIds]) start(name);
    await waitRunning(async () => healthy(await coordinator.clusterStatus()), 90_000, 'every group to have a primary and every node to be in sync');
    const storageMs = Date.now() - startedMs;
    for (const name of ['mail', 'lb', 'web1', 'web2']) start(name);
    const mail = new MailClient(config, 1000);
    try {
      await waitRunning(() => mail.status(), 60_000, 'the mail daemon to answer Status');
    } finally {
      mail.close();
    }
    await waitRunning(async () => (await lb.frontendStatus()).frontends.every((f) => f.alive), 120_000, 'both frontends to be alive at the balancer');
    console.log(`${processes.length} processes on ${processes.length} addresses: storage healthy after ${storageMs} ms, everything serving after ${Date.now() - startedMs} ms`);
  },
  { timeout: 15 * 60_000 },
);

after(async () => {
  await Promise.all([...services.entries()].map(([name, s]) => (killed.add(name), s.kill9())));
  coordinator?.close();
  lb?.close();
  if (passed) await env?.cleanup();
  else if (dir) console.log(`logs and data kept in ${dir}`);
});

// ---- The API through the balancer, as a script would use it (docs/API.md) ----

let cookie = '';

/** One request sent to the balancer, then to the frontend it redirects to; keeps the session cookie. */
async function viaBalancer(pathAndQuery: string, init: { method?: string; json?: unknown; file?: Buffer } = {}): Promise<{ response: Response; frontend: string }> {
  const method = init.method ?? 'GET';
  const hop = await fetch(`${lbUrl}${pathAndQuery}`, { method, redirect: 'manual' });
  await hop.body?.cancel();
  const location = hop.headers.get('location');
  if (hop.status !== (method === 'GET' ? 302 : 307) || !location) throw new Error(`the balancer answered ${hop.status} to ${method} ${pathAndQuery}`);
  const target = new URL(location);
  const headers: Record<string, string> = { Origin: target.origin, ...(cookie ? { Cookie: cookie } : {}) };
  let body: string | Buffer | undefined;
  if (init.json !== undefined) {
    headers['Content-Type'] = 'application/json';
    body = JSON.stringify(init.json);
  } else if (init.file) {
    headers['Content-Type'] = 'application/octet-stream';
    body = init.file;
  }
  const response = await fetch(target, { method, headers, body });
  const set = response.headers.getSetCookie();
  if (set.length > 0) cookie = set.map((c) => c.split(';')[0]).join('; ');
  return { response, frontend: target.host };
}

/** The JSON of a request through the balancer, expecting `status`. */
async function call<T>(pathAndQuery: string, status: number, init: Parameters<typeof viaBalancer>[1] = {}): Promise<T> {
  const { response, frontend } = await viaBalancer(pathAndQuery, init);
  const text = await response.text();
  assert.equal(response.status, status, `${init.method ?? 'GET'} ${pathAndQuery} at ${frontend}: ${text}`);
  return JSON.parse(text) as T;
}

/** Retried until it answers `status` (a request cut off by a crash, or a 503 during a failover, is tried again). */
function eventually<T>(pathAndQuery: string, status = 200, timeoutMs = 30_000): Promise<T> {
  return waitRunning(async () => {
    try {
      return await call<T>(pathAndQuery, status);
    } catch {
      return undefined;
    }
  }, timeoutMs, `${pathAndQuery} to answer ${status}`);
}

const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

interface Summary {
  id: string;
  subject: string;
}

test('sign-up, mail and a file through the balancer survive kill -9 of the storage primary and a frontend', { timeout: 5 * 60_000 }, async () => {
  await call('/api/auth/signup', 201, { method: 'POST', json: { username: 'alice', password: 'correct horse' } });
  const file = randomBytes(2 * 1024 * 1024 + 12345); // three chunks
  const { item } = await call<{ item: { id: string } }>('/api/drive/files?folder=root&name=report.bin', 201, { method: 'POST', file });
  const sent = await call<{ sentId: string; delivered: string[] }>('/api/mail/send', 201, {
    method: 'POST',
    json: { to: 'alice', subject: 'Across machines', text: 'Written before the crash.' },
  });
  assert.deepEqual(sent.delivered, ['alice']);

  const primary = (await coordinator.clusterStatus()).groups.find((g) => g.group === 0)!.primary;
  const killedMs = Date.now();
  await Promise.all([kill9(primary), kill9('web1')]);
  console.log(`killed -9 the storage primary ${primary} (${hosts[primary]}) and web1 (${hosts.web1})`);
  // Until its heartbeats are lb.frontendHeartbeatTimeoutMs old, the balancer may still send a
  // request to web1 (refused: a browser retries); `eventually` below rides that out too.
  await waitRunning(async () => (await lb.frontendStatus()).frontends.find((f) => f.frontend === 1)?.alive === false, 10_000, 'the balancer to drop web1');
  const droppedMs = Date.now() - killedMs;

  // The session goes on at the other frontend: both seal cookies with the shared web.sessionSecret.
  const me = await eventually<{ username: string; frontend: number }>('/api/me');
  assert.deepEqual([me.username, me.frontend], ['alice', 2]);
  const download = await waitRunning(
    async () => {
      try {
        const { response } = await viaBalancer(`/api/drive/files/${item.id}`);
        if (response.status === 200) return Buffer.from(await response.arrayBuffer());
        await response.body?.cancel();
      } catch {
        // cut off by the failover: try again
      }
      return undefined;
    },
    30_000,
    'the file to download',
  );
  const servedAgainMs = Date.now() - killedMs;
  assert.equal(download.length, file.length);
  assert.equal(sha256(download), sha256(file), 'the file reads back byte for byte');

  const inbox = await eventually<{ messages: Summary[] }>('/api/mail/inbox');
  const received = inbox.messages.find((m) => m.subject === 'Across machines');
  assert.ok(received, 'the mail is in the inbox');
  const message = await eventually<{ text: string }>(`/api/mail/inbox/${received.id}`);
  assert.equal(message.text.trim(), 'Written before the crash.');
  const copy = await eventually<{ subject: string }>(`/api/mail/sent/${sent.sentId}`);
  assert.equal(copy.subject, 'Across machines');

  // Still serving writes: a new primary, and a new mail stored through it.
  const newPrimary = (await coordinator.clusterStatus()).groups.find((g) => g.group === 0)!.primary;
  assert.ok(newPrimary !== '' && newPrimary !== primary, `group 0 has a new primary (${newPrimary || 'none'})`);
  await call('/api/mail/send', 201, { method: 'POST', json: { to: 'alice', subject: 'After the crash', text: 'Still here.' } });
  const inboxNow = await call<{ messages: Summary[] }>('/api/mail/inbox', 200);
  assert.deepEqual(
    inboxNow.messages.map((m) => m.subject).sort(),
    ['Across machines', 'After the crash'],
  );
  console.log(
    `web1 dropped by the balancer ${droppedMs} ms and the file served again ${servedAgainMs} ms after the kills (new primary ${newPrimary}); ` +
      `${file.length} bytes and both mails read back`,
  );
  passed = true;
});
