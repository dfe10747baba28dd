// `npm start` restarts whatever dies (docs/ARCHITECTURE.md, "Processes"). The real scripts/start-cluster.ts runs
// on free ports (one storage group, two frontends), and kill -9 takes down, one after another,
// the storage primary, the load balancer, a frontend, the mail daemon and a coordinator. Each
// time the supervisor's table must show the process back (a new pid, one more restart, killed
// by SIGKILL), its console must say so, and the system must serve again; the admin console
// reports the restarts. Then Ctrl-C (SIGINT) stops it all: no process is left, none restarted.
//
// It runs what `npm start` runs (tests/lib/npm-start.ts: package.json's prestart, the build, then
// start), so it also checks the production start (scripts/build.ts): the supervisor and every process it
// starts, restarted ones included, run the compiled code with source maps, and none runs tsx.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import net from 'node:net';
import { test } from 'node:test';
import { parseConfig, type Config } from '../../cluster/common/config.ts';
import { ClusterClient } from '../../cluster/kvs/cluster-client.ts';
import { CoordinatorClient } from '../../cluster/coordinator/client.ts';
import { LbClient } from '../../cluster/lb/client.ts';
import { pidAlive, startNpmStart, type NpmStart } from '../lib/npm-start.ts';
import { runAdminCommandIn } from '../../scripts/lib/admin-command.ts';
import { freePorts, makeTestEnv, waitFor } from '../../scripts/lib/processes.ts';
import { freePortRange } from '../../scripts/lib/web-cluster.ts';

/** The part of GET /api/admin/status read here (web/lib/queries/admin.ts, ProcessesView). */
interface ProcessesAnswer {
  processes: { source: string; processes?: { name: string; state: string; restarts: number; lastExitCause: string | null }[] };
}

// The coordinator group's members (one member, ['c0'], makes a group of one).
const coordinatorIds = ['c0', 'c1', 'c2'];

async function testConfig(): Promise<Record<string, unknown>> {
  const ports = await freePorts(coordinatorIds.length + 3 + 2 + 4);
  const take = () => ports.shift()!;
  const basePort = await freePortRange(2);
  return {
    coordinator: { members: coordinatorIds.map((id) => ({ id, port: take() })) },
    kvs: { groups: 1, replicas: 3, groupBoundaries: [], nodes: { g0r0: `127.0.0.1:${take()}`, g0r1: `127.0.0.1:${take()}`, g0r2: `127.0.0.1:${take()}` } },
    lb: { httpPort: take(), grpcPort: take() },
    web: { frontends: 2, basePort, admins: ['ops'] },
    mail: { smtpPort: take(), pop3Port: take(), imapPort: take(), grpcPort: take(), tls: false },
  };
}

/** The first line the SMTP server sends (RFC 5321 §4.2: 220 when it is ready). */
function smtpGreeting(port: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1');
    socket.setTimeout(5000, () => socket.destroy(new Error('no greeting in 5 s')));
    socket.once('error', reject);
    socket.once('data', (data) => {
      socket.end('QUIT\r\n');
      resolve(data.toString('utf8').split('\r\n')[0]!);
    });
  });
}

/** The process's command line, as ps shows it. */
function commandLine(pid: number): string {
  return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ').trim();
}

/** Every process, and the supervisor itself, runs its compiled entry point from build/server/. */
function assertAllCompiled(run: NpmStart): void {
  const entries: Record<string, string> = { c: 'cluster/coordinator/main.js', g: 'cluster/kvs/main.js', lb: 'cluster/lb/main.js', mail: 'cluster/smtp/main.js', web: 'web/main.js' };
  const supervisor = commandLine(run.child.pid!);
  assert.match(supervisor, /--enable-source-maps .*build\/server\/scripts\/start-cluster\.js$/, supervisor);
  for (const p of run.table()!.processes) {
    const line = commandLine(p.pid!);
    const entry = entries[p.name.replace(/\d.*$/, '')]!;
    assert.ok(line.includes('--enable-source-maps') && line.includes(`/build/server/${entry}`), `${p.name} runs ${entry} compiled: ${line}`);
    assert.doesNotMatch(line, /tsx|\.ts\b/, `${p.name} runs no TypeScript: ${line}`);
  }
}

/** Kills `name` with SIGKILL and waits until the supervisor has it running again. */
async function killAndAwaitRestart(run: NpmStart, config: Config, name: string): Promise<void> {
  const before = run.entry(name);
  assert.equal(before.state, 'running', `${name} runs before the kill`);
  process.kill(before.pid!, 'SIGKILL');
  const after = await waitFor(
    () => {
      const now = run.entry(name);
      return now.state === 'running' && now.pid !== before.pid && now.pid !== null && pidAlive(now.pid) && now;
    },
    { timeoutMs: 30_000, what: `the supervisor to start ${name} again` },
  );
  assert.equal(after.restarts, before.restarts + 1);
  assert.equal(after.lastExitCause, 'signal SIGKILL');
  assert.equal(pidAlive(before.pid!), false);
  const said = `${name} exited (signal SIGKILL); restarting in 0.5 s; log: ${config.dataDir}/logs/${name}.log`;
  assert.ok(run.output().includes(said), `npm start says: ${said}`);
  console.log(`${name}: pid ${before.pid} killed, pid ${after.pid} running (restart ${after.restarts})`);
}

test('npm start restarts a killed primary, balancer, frontend, mail daemon and coordinator; Ctrl-C stops all', { timeout: 20 * 60_000 }, async () => {
  const env = await makeTestEnv(await testConfig());
  const config = parseConfig(env.config);
  let run: NpmStart;
  try {
    run = await startNpmStart(env);
  } catch (err) {
    // The build (npm's prestart) failed: nothing runs yet.
    await env.cleanup();
    throw err;
  }
  const coordinator = new CoordinatorClient(config, 1000);
  const client = new ClusterClient(config, { retryDeadlineMs: 20_000 });
  const lb = new LbClient(config, 1000);
  const lbUrl = `http://127.0.0.1:${config.lb.httpPort}`;
  const startedMs = Date.now();
  let writes = 0;
  const writeWorks = async () => {
    const column = `w${++writes}`;
    await client.put('supervision#row', column, 'written');
    return (await client.get('supervision#row', column))?.toString() === 'written';
  };
  /** Every node up and in sync, at an epoch past `sinceEpoch` (a failover and a rejoin raise it). */
  const storageHealthy = async (sinceEpoch = 0) => {
    const s = await coordinator.clusterStatus();
    return s.groups.every((g) => g.primary !== '' && g.epoch > sinceEpoch) && s.nodes.every((n) => n.state === 'up' && n.inSync);
  };
  /** The balancer's answer: a redirect to a frontend that serves the login page. */
  const balancerServes = async () => {
    const redirect = await fetch(`${lbUrl}/`, { redirect: 'manual' });
    const location = redirect.headers.get('location');
    if (redirect.status !== 302 || !location) return false;
    return (await fetch(location)).status === 200;
  };
  const frontendServes = async (n: number) => {
    const seen = (await lb.frontendStatus()).frontends.find((f) => f.frontend === n);
    return seen?.alive === true && (await fetch(`http://127.0.0.1:${config.web.basePort + n - 1}/`)).status === 200;
  };
  try {
    await waitFor(
      () => {
        if (run.child.exitCode !== null) throw new Error(`npm start exited with ${run.child.exitCode}:\n${run.output()}`);
        return run.output().includes('PennCloud is at');
      },
      { timeoutMs: 180_000, intervalMs: 200, what: 'npm start to print its URL' },
    );
    const names = run.table()!.processes.map((p) => p.name);
    assert.deepEqual(names.sort(), [...coordinatorIds, 'g0r0', 'g0r1', 'g0r2', 'lb', 'mail', 'web1', 'web2'].sort());
    console.log(`npm start is up in ${((Date.now() - startedMs) / 1000).toFixed(1)} s`);
    assertAllCompiled(run);

    const { primary, epoch } = (await coordinator.clusterStatus()).groups[0]!;
    await killAndAwaitRestart(run, config, primary);
    await waitFor(() => storageHealthy(epoch), { timeoutMs: 60_000, what: `a new primary, and ${primary} back in sync` });
    assert.ok(await writeWorks(), 'a write after the primary came back');

    await killAndAwaitRestart(run, config, 'lb');
    await waitFor(balancerServes, { timeoutMs: 30_000, what: 'the balancer to redirect to a live frontend' });

    await killAndAwaitRestart(run, config, 'web1');
    await waitFor(() => frontendServes(1), { timeoutMs: 60_000, what: 'frontend 1 to serve and be alive at the balancer' });

    await killAndAwaitRestart(run, config, 'mail');
    await waitFor(async () => /^220 /.test(await smtpGreeting(config.mail.smtpPort)), { timeoutMs: 30_000, what: 'the mail daemon to greet over SMTP' });

    // The leader: the member whose loss matters (the others elect a new one meanwhile).
    const leader = (await coordinator.clusterStatus()).coordinators.find((c) => c.role === 'leader')!.id;
    await killAndAwaitRestart(run, config, leader);
    await waitFor(
      async () => {
        const s = await coordinator.clusterStatus();
        return s.coordinators.length === coordinatorIds.length && s.coordinators.every((c) => c.role !== 'unreachable') && storageHealthy();
      },
      { timeoutMs: 60_000, what: `${leader} back in the coordinator group, and every node up and in sync` },
    );
    assert.ok(await waitFor(writeWorks, { timeoutMs: 60_000, what: 'a write after the coordinator came back' }));

    // What an administrator sees: the restarts and their cause, from the supervisor's table.
    // The administrator named in web.admins has no account yet: start said so, sign-up refuses
    // the name, and the operator creates it.
    assert.match(run.output(), /warning: web\.admins names "ops", which has no account yet/);
    const origin = `http://127.0.0.1:${config.web.basePort + 1}`;
    const asOps = (route: string) =>
      fetch(`${origin}/api/auth/${route}`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', Origin: origin },
        body: JSON.stringify({ username: 'ops', password: 'ops password' }),
      });
    assert.equal((await asOps('signup')).status, 403);
    const created = await runAdminCommandIn(env.env, ['create-user', 'ops'], 'ops password\n');
    assert.equal(created.code, 0, created.stderr);
    const login = await asOps('login');
    assert.equal(login.status, 200, await login.text());
    const cookie = login.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ');
    const view = (await (await fetch(`${origin}/api/admin/status`, { headers: { cookie } })).json()) as ProcessesAnswer;
    assert.equal(view.processes.source, 'supervisor');
    const shown = view.processes.processes ?? [];
    for (const name of [primary, 'lb', 'web1', 'mail', leader]) {
      const p = shown.find((x) => x.name === name);
      assert.deepEqual([p?.restarts, p?.lastExitCause, p?.state], [1, 'signal SIGKILL', 'running'], name);
    }

    assertAllCompiled(run);
    const pids = run.table()!.processes.map((p) => p.pid!);
    const stoppedAt = run.output().length;
    assert.equal(await run.interrupt(30_000), 0, 'npm start ends with exit code 0');
    assert.deepEqual(pids.filter(pidAlive), [], 'no process is left');
    assert.equal(run.table(), undefined, 'the table goes with the supervisor');
    assert.doesNotMatch(run.output().slice(stoppedAt), /restarting|running again/);
    console.log(`${writes} writes, 5 kills, ${((Date.now() - startedMs) / 1000).toFixed(1)} s in all`);
  } catch (err) {
    console.log(`npm start printed:\n${run.output().slice(-4000)}`);
    throw err;
  } finally {
    run.killAll();
    coordinator.close();
    client.close();
    lb.close();
    await env.cleanup();
  }
});
