// Processes placed as if each ran on a machine of its own, for real-process tests of a
// multi-machine install: every process gets an address of its own (127.0.0.2, 127.0.0.3, …:
// Linux routes all of 127/8 to loopback), its own data directory, and its own certificate
// directory holding the CA certificate and one certificate issued for that address only. They
// share one config file, as every machine of a deployment does; what differs per machine (the
// directories, and any setting a test gives one process) goes into that process's environment,
// the way a systemd unit's Environment= would set it.
import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { initCa, issueCert, type Role } from '../../cluster/common/tls/certs.ts';
import type { TestEnv } from '../../scripts/lib/processes.ts';

export interface Machine {
  /** The process it runs: its certificate's name (c0, g0r0, web1, lb, mail, admin). */
  name: string;
  role: Role;
  /** Its address; '' for a client-only identity (the test itself, as `admin`). */
  host: string;
  dataDir: string;
  certDir: string;
}

/** `PENNCLOUD__<section>__<setting>` variables for these settings, nested objects flattened. */
export function settingsEnv(settings: Record<string, unknown>, prefix = 'PENNCLOUD'): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(settings)) {
    const name = `${prefix}__${key}`;
    if (value !== null && typeof value === 'object' && !Array.isArray(value)) Object.assign(env, settingsEnv(value as Record<string, unknown>, name));
    else env[name] = JSON.stringify(value);
  }
  return env;
}

/** The same test env with settings of one process on top of the shared config file. */
export function withSettings(env: TestEnv, settings: Record<string, unknown>): TestEnv {
  return { ...env, env: { ...env.env, ...settingsEnv(settings) } };
}

/** The env a machine's process runs with: its data and certificate directories, and `settings`. */
export function machineEnv(env: TestEnv, machine: Machine, settings: Record<string, unknown> = {}): TestEnv {
  return withSettings(env, { dataDir: machine.dataDir, tls: { dir: machine.certDir }, ...settings });
}

/**
 * A temp dir with a CA (in ca/, as on the machine where `certs init` ran) and one machine per
 * entry of `hosts` (name → address), each with a certificate of `roles[name]` for its address
 * alone, copied with ca.crt into <name>/certs (what `certs issue --out` makes for copying).
 */
export async function makeMachines(hosts: Record<string, string>, roles: Record<string, Role>): Promise<{ dir: string; machines: Map<string, Machine> }> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'penncloud-machines-'));
  const caDir = path.join(dir, 'ca');
  await initCa(caDir);
  const machines = new Map<string, Machine>();
  for (const [name, host] of Object.entries(hosts)) {
    const role = roles[name];
    if (!role) throw new Error(`no role for ${name}`);
    const machine = { name, role, host, dataDir: path.join(dir, name, 'data'), certDir: path.join(dir, name, 'certs') };
    await mkdir(machine.dataDir, { recursive: true });
    await issueCert(caDir, { name, role, hosts: host ? [host] : [], outDir: machine.certDir });
    machines.set(name, machine);
  }
  return { dir, machines };
}

/** Writes the shared config file into dir and returns the env every process starts from. */
export async function sharedConfigEnv(dir: string, config: Record<string, unknown>): Promise<TestEnv> {
  const configPath = path.join(dir, 'config.json');
  const full = { dataDir: path.join(dir, 'unused-data'), logLevel: 'info', ...config };
  await writeFile(configPath, JSON.stringify(full, null, 2));
  return { dir, configPath, config: full, env: { ...process.env, PENNCLOUD_CONFIG: configPath }, cleanup: () => rm(dir, { recursive: true, force: true }) };
}

const handedOut = new Set<number>();

/**
 * A port free on every one of these addresses (below the ephemeral range), never handed out
 * before in this process: "the same port on each machine". With `consecutive`, hosts[i] gets
 * port + i (frontend n listens on web.basePort + n - 1 at its own address).
 */
export async function portFreeOn(hosts: readonly string[], options: { consecutive?: boolean } = {}): Promise<number> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const port = 20_000 + Math.floor(Math.random() * 10_000);
    const ports = hosts.map((_, i) => port + (options.consecutive ? i : 0));
    if (ports.some((p) => handedOut.has(p))) continue;
    if ((await Promise.all(hosts.map((h, i) => isFree(h, ports[i]!)))).every(Boolean)) {
      ports.forEach((p) => handedOut.add(p));
      return port;
    }
  }
  throw new Error(`no port free on all of ${hosts.join(', ')}`);
}

function isFree(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.once('error', () => resolve(false));
    server.listen(port, host, () => server.close(() => resolve(true)));
  });
}

/** A session secret for the shared config: frontends on separate machines must all seal cookies with one key. */
export function sharedSecret(): string {
  return randomBytes(33).toString('base64url');
}
