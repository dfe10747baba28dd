// `npm start`: starts every PennCloud process that exists from the shared config, writes their
// logs under <dataDir>/logs/, waits until they serve, prints the status, and stops everything
// it started on Ctrl-C (SIGINT) or SIGTERM.
//
// Today that is the coordinator group and the 9 storage nodes, then the mail daemon, the load balancer
// and the frontends (the web app is built first when its build is missing or older than its sources).
import type { ChildProcess } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { allNodes, coordinatorMembers, loadConfig } from '../cluster/common/config.ts';
import { launch } from '../cluster/common/launch.ts';
import { CoordinatorClient } from '../cluster/coordinator/client.ts';
import { LbClient } from '../cluster/lb/client.ts';
import { ensureWebBuild } from '../web/build.ts';

const config = loadConfig();
const logDir = path.join(config.dataDir, 'logs');
mkdirSync(logDir, { recursive: true });

const children: { name: string; child: ChildProcess }[] = [];
let stopping = false;

function start(name: string, script: string, args: string[]): void {
  const { child } = launch(script, args, path.join(logDir, `${name}.log`));
  child.on('exit', (code, signal) => {
    if (!stopping) console.log(`${name} exited (${signal ?? code}); see ${path.join(logDir, `${name}.log`)}`);
  });
  children.push({ name, child });
}

async function waitUntil(check: () => Promise<boolean>, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check().catch(() => false)) return true;
    await new Promise((r) => setTimeout(r, 200));
  }
  return false;
}

async function stopAll(signal: string): Promise<void> {
  if (stopping) return;
  stopping = true;
  console.log(`\n${signal}: stopping ${children.length} processes…`);
  await Promise.all(
    children.map(
      ({ child }) =>
        new Promise<void>((resolve) => {
          if (child.exitCode !== null || child.signalCode !== null) return resolve();
          const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
          child.once('exit', () => {
            clearTimeout(timer);
            resolve();
          });
          child.kill('SIGTERM');
        }),
    ),
  );
  console.log('stopped');
  process.exit(0);
}

async function main(): Promise<void> {
  process.on('SIGINT', () => void stopAll('SIGINT'));
  process.on('SIGTERM', () => void stopAll('SIGTERM'));
  try {
    await ensureWebBuild();
  } catch (err) {
    console.log(`cannot build the web app: ${(err as Error).message}`);
    process.exit(1);
  }
  for (const member of coordinatorMembers(config)) start(member.id, 'cluster/coordinator/main.ts', [member.id]);
  const nodes = allNodes(config);
  for (const node of nodes) start(node.id, 'cluster/kvs/main.ts', [node.id]);
  const coordinator = new CoordinatorClient(config, 1000);
  const ready = await waitUntil(async () => {
    const status = await coordinator.clusterStatus();
    return status.groups.every((g) => g.primary !== '') && status.nodes.every((n) => n.inSync && n.state === 'up');
  }, 60_000);
  const status = await coordinator.clusterStatus().catch(() => null);
  console.log(ready ? 'PennCloud storage is up:' : 'the storage cluster did not become healthy in 60 s:');
  for (const group of status?.groups ?? []) {
    console.log(`  group ${group.group}  epoch ${group.epoch}  primary ${group.primary || 'none'}`);
    for (const n of status?.nodes.filter((x) => x.group === group.group) ?? []) {
      console.log(`    ${n.id}  ${n.address}  ${n.state}, ${n.role}, lsn ${n.logPosition}, ${n.keyCount} keys`);
    }
  }
  console.log(`logs: ${logDir}`);
  startMailDaemon();
  await startWebTier();
}

/** The mail daemon (cluster/smtp/), once storage is up: SMTP, POP3 and gRPC Mail.Send. */
function startMailDaemon(): void {
  start('mail', 'cluster/smtp/main.ts', []);
  const host = config.mail.host ?? config.host;
  console.log(`mail for @${config.mail.domain}: SMTP ${host}:${config.mail.smtpPort}, POP3 ${host}:${config.mail.pop3Port}`);
}

/** The load balancer and web.frontends frontends, once storage is up; prints the URL. */
async function startWebTier(): Promise<void> {
  start('lb', 'cluster/lb/main.ts', []);
  for (let n = 1; n <= config.web.frontends; n++) start(`web${n}`, 'web/main.ts', [String(n)]);
  const lb = new LbClient(config, 1000);
  const ready = await waitUntil(async () => (await lb.frontendStatus()).frontends.every((f) => f.alive), 60_000);
  const status = await lb.frontendStatus().catch(() => null);
  console.log(ready ? 'frontends:' : 'some frontends did not come up in 60 s:');
  for (const f of status?.frontends ?? []) console.log(`  frontend ${f.frontend}  http://${f.address}  ${f.alive ? 'alive' : 'down'}`);
  lb.close();
  const host = config.host === '127.0.0.1' || config.host === '0.0.0.0' ? 'localhost' : config.host;
  console.log(`\nPennCloud is at http://${host}:${config.lb.httpPort}  (Ctrl-C stops everything)`);
}

void main();
