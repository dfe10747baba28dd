// Real processes for tests and benchmarks: free ports, a config file in a temp dir, services
// started through their own entry points (`node --import tsx cluster/<x>/main.ts`), kill -9,
// and waiting for a condition with a deadline instead of sleeping.
import type { ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { parseConfig } from '../../cluster/common/config.ts';
import { launch } from '../../cluster/common/launch.ts';
import { certDir, ensureLocalCerts, localIdentities } from '../../cluster/common/tls/certs.ts';

export { repoRoot } from '../../cluster/common/launch.ts';

/** Ports this process has handed out: never handed out twice, so two services never share one. */
const handedOut = new Set<number>();

/**
 * `count` ports that nothing listens on now and that this process has not handed out before.
 * The system may give a port back soon after it was freed; a test that picks its balancer's port,
 * then starts a cluster that picks its nodes' ports, must not see a node on the balancer's port.
 */
export async function freePorts(count: number): Promise<number[]> {
  const ports: number[] = [];
  const held: net.Server[] = [];
  try {
    while (ports.length < count) {
      const server = await new Promise<net.Server>((resolve, reject) => {
        const s = net.createServer();
        s.once('error', reject);
        s.listen(0, '127.0.0.1', () => resolve(s));
      });
      // Held open until all are chosen, so one call cannot get the same port twice either.
      held.push(server);
      const port = (server.address() as net.AddressInfo).port;
      if (handedOut.has(port)) continue;
      handedOut.add(port);
      ports.push(port);
    }
  } finally {
    await Promise.all(held.map((s) => new Promise((r) => s.close(r))));
  }
  return ports;
}

export interface TestEnv {
  dir: string;
  configPath: string;
  config: Record<string, unknown>;
  env: NodeJS.ProcessEnv;
  cleanup(): Promise<void>;
}

/** A temp dir holding data/ and a config.json with the given settings. */
export async function makeTestEnv(config: Record<string, unknown>): Promise<TestEnv> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'penncloud-test-'));
  const full = { dataDir: path.join(dir, 'data'), logLevel: 'info', ...config };
  const configPath = path.join(dir, 'config.json');
  await writeFile(configPath, JSON.stringify(full, null, 2));
  // Every process of the test cluster gets its certificate, as npm start gives them (mutual TLS
  // is the default); the test process itself presents `admin`.
  const parsed = parseConfig(full);
  if (parsed.tls.mode === 'mutual') await ensureLocalCerts(certDir(parsed), localIdentities(parsed));
  return {
    dir,
    configPath,
    config: full,
    env: { ...process.env, PENNCLOUD_CONFIG: configPath },
    cleanup: () => rm(dir, { recursive: true, force: true }),
  };
}

export interface Service {
  name: string;
  child: ChildProcess;
  exited: Promise<number | null>;
  kill9(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * Every service this process started that has not exited. A test that fails half-way may lose
 * its handle on one; when the process exits (the test runner forces it to, see scripts/test.ts)
 * they are killed with it, so no stray process holds a port or the run's output open.
 */
const running = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of running) child.kill('SIGKILL');
});

/** Starts `node --import tsx <script> ...args` with its output in <dir>/<name>.log. */
export function startService(env: TestEnv, name: string, script: string, args: string[] = []): Service {
  const { child, logClosed } = launch(script, args, path.join(env.dir, `${name}.log`), env.env);
  running.add(child);
  const exited = new Promise<number | null>((resolve) =>
    child.once('exit', (code) => {
      running.delete(child);
      resolve(code);
    }),
  );
  const signalAndWait = async (signal: NodeJS.Signals) => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill(signal);
      await exited;
    }
    // The pipe ends with the process; wait for the file, so cleanup never races its open.
    await logClosed;
  };
  return {
    name,
    child,
    exited,
    kill9: () => signalAndWait('SIGKILL'),
    stop: () => signalAndWait('SIGTERM'),
  };
}

export interface WaitOptions {
  timeoutMs: number;
  intervalMs?: number;
  what: string;
}

/** Polls until check returns a value other than undefined/false, or fails at the deadline. */
export async function waitFor<T>(check: () => Promise<T | undefined | false> | T | undefined | false, options: WaitOptions): Promise<T> {
  const deadline = Date.now() + options.timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const value = await check();
      if (value !== undefined && value !== false) return value;
    } catch (err) {
      lastError = err;
    }
    if (Date.now() > deadline) {
      const why = lastError instanceof Error ? `: ${lastError.message}` : '';
      throw new Error(`timed out after ${options.timeoutMs} ms waiting for ${options.what}${why}`);
    }
    await new Promise((r) => setTimeout(r, options.intervalMs ?? 50));
  }
}

export { seededRandom } from '../../cluster/common/random.ts';

/** A process's resident memory in bytes, from /proc/<pid>/status (Linux). */
export function residentBytes(pid: number): number {
  const line = readFileSync(`/proc/${pid}/status`, 'utf8').split('\n').find((l) => l.startsWith('VmRSS:'));
  return Number(/(\d+)/.exec(line ?? '')?.[1] ?? NaN) * 1024;
}

/**
 * Waits until a process's resident memory has not fallen for 12 s (V8 gives back the memory it
 * grew some seconds after activity ends), at most 90 s: a figure taken then is the process at rest.
 */
export async function memorySettled(pid: number): Promise<void> {
  let low = residentBytes(pid);
  let lowSinceMs = Date.now();
  await waitFor(
    () => {
      const now = residentBytes(pid);
      if (now < low - 1e6) {
        low = now;
        lowSinceMs = Date.now();
      }
      return Date.now() - lowSinceMs > 12_000;
    },
    { timeoutMs: 90_000, intervalMs: 250, what: `the memory of process ${pid} to settle` },
  );
}
