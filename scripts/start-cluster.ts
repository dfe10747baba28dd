// `npm start`: starts every PennCloud process that exists from the shared config, writes their
// logs under <dataDir>/logs/, waits until they serve, prints the status, and stops everything
// it started on Ctrl-C (SIGINT) or SIGTERM.
//
// Today that is the 9 storage nodes, each standalone (replication and the coordinator come
// with the cluster issue; the web tier after it).
import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, mkdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { allNodes, loadConfig } from '../cluster/common/config.ts';
import { NodeClient } from '../cluster/kvs/client.ts';

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
  const nodes = allNodes(config);
  for (const node of nodes) start(node.id, 'cluster/kvs/main.ts', [node.id]);
  const clients = nodes.map((n) => new NodeClient(n.address, 1000));
  const ready = await waitUntil(async () => {
    const states = await Promise.all(clients.map((c) => c.status().then((s) => s.state, () => 'down')));
    return states.every((s) => s === 'up');
  }, 60_000);
  console.log(ready ? 'PennCloud storage nodes are up:' : 'some storage nodes did not come up in 60 s:');
  for (const [i, node] of nodes.entries()) {
    const s = await clients[i]!.status().catch(() => null);
    console.log(`  ${node.id}  ${node.address}  ${s ? `${s.state}, ${s.key_count} keys, checkpoint v${s.checkpoint_version}` : 'down'}`);
  }
  console.log(`logs: ${logDir}`);
  console.log('The web tier (http://localhost:8080) is not built yet; the storage nodes run standalone. Ctrl-C stops everything.');
}

void main();
