// `npm start`: starts every PennCloud process that exists from the shared config, writes their
// logs under <dataDir>/logs/, waits until they serve, prints the status, and stops everything
// it started on Ctrl-C (SIGINT) or SIGTERM.
//
// Today that is the coordinator and the 9 storage nodes (the web tier comes with its issue).
import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, mkdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { allNodes, loadConfig } from '../cluster/common/config.ts';
import { CoordinatorClient } from '../cluster/coordinator/client.ts';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const config = loadConfig();
const logDir = path.join(config.dataDir, 'logs');
mkdirSync(logDir, { recursive: true });

const children: { name: string; child: ChildProcess }[] = [];
let stopping = false;

function start(name: string, script: string, args: string[]): void {
  const out = createWriteStream(path.join(logDir, `${name}.log`), { flags: 'a' });
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(root, script), ...args], {
    cwd: root,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout?.pipe(out);
  child.stderr?.pipe(out);
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
  start('coordinator', 'cluster/coordinator/main.ts', []);
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
  console.log('The web tier (http://localhost:8080) is not built yet. Ctrl-C stops everything.');
}

void main();
