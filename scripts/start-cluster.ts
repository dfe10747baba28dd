// `npm start`: starts every PennCloud process that exists from the shared config, writes their
// logs under <dataDir>/logs/, waits until they serve, prints the status, and stops everything
// it started on Ctrl-C (SIGINT) or SIGTERM. A process that exits without being asked to is
// started again (cluster/common/supervision.ts: backoff from 0.5 s doubling to 30 s), and
// <dataDir>/run/processes.json says what runs, for the admin console.
//
// Today that is the coordinator group (one process per config.coordinator.members) and the 9
// storage nodes, then the mail daemon, the load balancer and the frontends.
//
// `npm start` runs this file compiled (build/server/scripts/start-cluster.js), after npm's
// prestart has built the web app and compiled the server code when they were missing or stale
// (scripts/build.ts), and it starts every process from the compiled code too. Run from its
// source under tsx, it starts the sources under tsx (building only the web app when needed).
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { allNodes, coordinatorMembers, loadConfig } from '../cluster/common/config.ts';
import { launchCompiled } from '../cluster/common/launch.ts';
import { createSupervisor, type Supervisor } from '../cluster/common/supervisor.ts';
import { CoordinatorClient } from '../cluster/coordinator/client.ts';
import { LbClient } from '../cluster/lb/client.ts';
import { plainHttpRefusal } from '../cluster/common/public-http/listen-rule.ts';
import { certDir, ensureLocalCerts, localIdentities } from '../cluster/common/tls/certs.ts';
import { accountExists } from '../cluster/model/accounts/accounts.ts';
import { ClusterClient } from '../cluster/kvs/cluster-client.ts';
import { serverStaleReason } from './build.ts';

/** Whether this is the compiled file: then its children run compiled too. */
const compiled = !import.meta.url.endsWith('.ts');

const config = loadConfig();
// The balancer and the frontends would refuse one by one and be restarted forever: say it once.
const refusal = plainHttpRefusal(config, config.lb.httpPort, 'the load balancer');
if (refusal) {
  console.log(`cannot start: ${refusal}`);
  process.exit(1);
}
const logDir = path.join(config.dataDir, 'logs');
mkdirSync(logDir, { recursive: true });

let supervisor: Supervisor;
try {
  supervisor = createSupervisor({ dataDir: config.dataDir, logDir, owner: 'start-cluster', launch: compiled ? launchCompiled : undefined });
} catch (err) {
  console.log(`cannot start: ${(err as Error).message}`);
  process.exit(1);
}
let stopping = false;

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
  console.log(`\n${signal}: stopping ${supervisor.runningCount()} processes…`);
  await supervisor.stopAll();
  console.log('stopped');
  process.exit(0);
}

async function main(): Promise<void> {
  process.on('SIGINT', () => void stopAll('SIGINT'));
  process.on('SIGTERM', () => void stopAll('SIGTERM'));
  if (compiled) {
    // npm's prestart has just built what was stale; this catches a file run by hand.
    const stale = serverStaleReason();
    if (stale) console.log(`warning: the compiled code is older than its sources (${stale}); \`npm start\` rebuilds it`);
  } else {
    try {
      // Loaded only here: compiled, web/build.ts would look for the web app beside itself.
      const { ensureWebBuild } = await import('../web/build.ts');
      await ensureWebBuild();
    } catch (err) {
      console.log(`cannot build the web app: ${(err as Error).message}`);
      process.exit(1);
    }
  }
  if (config.tls.mode === 'mutual') {
    // The first start makes the cluster CA and one certificate per process (docs/DEPLOY.md).
    const dir = certDir(config);
    const issued = await ensureLocalCerts(dir, localIdentities(config));
    if (issued.length > 0) console.log(`certificates for ${issued.length} processes issued by the cluster CA in ${dir}`);
  }
  for (const member of coordinatorMembers(config)) supervisor.start(member.id, 'cluster/coordinator/main.ts', [member.id]);
  for (const node of allNodes(config)) supervisor.start(node.id, 'cluster/kvs/main.ts', [node.id]);
  // The client finds the group's leader among the members itself.
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
  if (ready) await warnUnclaimedAdmins();
  startMailDaemon();
  await startWebTier();
}

/**
 * Sign-up refuses the names in web.admins until their accounts exist (web/app/api/auth/signup),
 * so an administrator's name cannot be claimed by a stranger; the operator creates them. Say
 * which are still waiting, and how.
 */
async function warnUnclaimedAdmins(): Promise<void> {
  if (config.web.admins.length === 0) return;
  const cluster = new ClusterClient(config, { retryDeadlineMs: 5000 });
  try {
    for (const name of config.web.admins) {
      const exists = await accountExists(cluster, name).catch(() => undefined);
      if (exists === false) console.log(`warning: web.admins names "${name}", which has no account yet; sign-up refuses it: create it with \`npm run admin -- create-user ${name}\``);
      if (exists === undefined) console.log(`warning: could not check whether the administrator "${name}" has an account`);
    }
  } finally {
    cluster.close();
  }
}

/** The mail daemon (cluster/smtp/), once storage is up: SMTP, POP3 and gRPC Mail.Send. */
function startMailDaemon(): void {
  supervisor.start('mail', 'cluster/smtp/main.ts', []);
  const host = config.mail.host ?? config.host;
  console.log(`mail for @${config.mail.domain}: SMTP ${host}:${config.mail.smtpPort}, POP3 ${host}:${config.mail.pop3Port}`);
}

/** The load balancer and web.frontends frontends, once storage is up; prints the URL. */
async function startWebTier(): Promise<void> {
  supervisor.start('lb', 'cluster/lb/main.ts', []);
  for (let n = 1; n <= config.web.frontends; n++) supervisor.start(`web${n}`, 'web/main.ts', [String(n)]);
  const lb = new LbClient(config, 1000);
  const ready = await waitUntil(async () => (await lb.frontendStatus()).frontends.every((f) => f.alive), 60_000);
  const status = await lb.frontendStatus().catch(() => null);
  console.log(ready ? 'frontends:' : 'some frontends did not come up in 60 s:');
  const scheme = config.http.tls ? 'https' : 'http';
  for (const f of status?.frontends ?? []) console.log(`  frontend ${f.frontend}  ${scheme}://${f.address}  ${f.alive ? 'alive' : 'down'}`);
  lb.close();
  const bound = config.http.host;
  const host = config.web.publicHost ?? (bound === '127.0.0.1' || bound === '0.0.0.0' ? 'localhost' : bound);
  console.log(`\nPennCloud is at ${scheme}://${host}:${config.lb.httpPort}  (Ctrl-C stops everything)`);
}

void main();
