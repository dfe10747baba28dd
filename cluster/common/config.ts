// The one config of every PennCloud process: defaults, then the JSON file named by
// PENNCLOUD_CONFIG, then environment overrides, validated once with zod and frozen. Nothing
// else reads process.env. Ports and addresses follow ARCHITECTURE.md: node g<G>r<R> listens on
// kvs.basePort + replicas·G + R unless kvs.nodes names its address.
//
// Environment overrides: PENNCLOUD_HOST, PENNCLOUD_DATA_DIR, and any setting by its path with
// double underscores, the value parsed as JSON when it parses: PENNCLOUD__kvs__memoryBytesMax=8388608.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { PennError } from './errors.ts';

const MiB = 1024 * 1024;
const port = z.number().int().min(1).max(65535);
const address = z.string().regex(/^[^\s:]+:\d{1,5}$/, 'expected host:port');

const kvsSchema = z
  .object({
    groups: z.number().int().min(1).max(26).default(3),
    /** A node that serves alone, without coordinator or replicas (tests and benchmarks of one node). */
    standalone: z.boolean().default(false),
    replicas: z.number().int().min(1).max(7).default(3),
    basePort: port.default(7001),
    /** Explicit addresses by node id (g0r0 …), for nodes on other machines. */
    nodes: z.record(z.string(), address).default({}),
    /** First characters where groups 1, 2 … begin (lower-cased first character of the row). */
    groupBoundaries: z.array(z.string().length(1)).default(['j', 's']),
    rowBytesMax: z.number().int().min(16).max(65536).default(1024),
    columnBytesMax: z.number().int().min(16).max(65536).default(1024),
    valueBytesMax: z.number().int().min(1024).max(64 * MiB).default(4 * MiB),
    /** Bytes of tablets kept in memory; the least recently used are evicted past it. */
    memoryBytesMax: z.number().int().min(64 * 1024).default(64 * MiB),
    /** A tablet splits in two when it grows past this. */
    tabletBytesMax: z.number().int().min(16 * 1024).default(8 * MiB),
    /** A checkpoint is taken after this many logged writes. */
    checkpointEveryWrites: z.number().int().min(1).default(20000),
    /** Writes waiting for the log beyond this are refused with RESOURCE_EXHAUSTED. */
    pendingWritesMax: z.number().int().min(1).default(4096),
    scanRowsMax: z.number().int().min(1).max(10000).default(1000),
    /** A primary reports an in-sync backup that has not acknowledged a write for this long. */
    replicationTimeoutMs: z.number().int().min(50).default(1000),
  })
  .strict();

const coordinatorSchema = z
  .object({
    port: port.default(7000),
    host: z.string().optional(),
    heartbeatIntervalMs: z.number().int().min(10).default(500),
    /** Missed heartbeats before a node is declared down. */
    heartbeatMissesMax: z.number().int().min(1).default(3),
    /** A primary that has not heard from the coordinator this long stops acknowledging. */
    leaseMs: z.number().int().min(50).default(1500),
  })
  .strict();

const lbSchema = z
  .object({
    httpPort: port.default(8080),
    grpcPort: port.default(7010),
    frontendHeartbeatTimeoutMs: z.number().int().min(100).default(3000),
  })
  .strict();

const webSchema = z
  .object({
    frontends: z.number().int().min(1).max(16).default(4),
    basePort: port.default(8081),
    /** Session secret (≥ 32 chars); generated once into the data dir when absent. */
    sessionSecret: z.string().min(32).optional(),
    admins: z.array(z.string()).default([]),
    quotaBytes: z.number().int().min(0).default(10 * 1024 * MiB),
    /** Which frontend this process is (1…frontends); set by `npm run web -- <n>`, 0 elsewhere. */
    frontend: z.number().int().min(0).max(16).default(0),
    /** Host name put in the load balancer's redirects; null: the name the browser used for it. */
    publicHost: z.string().regex(/^[A-Za-z0-9.-]+$/, 'expected a host name').nullable().default(null),
    /** Origins accepted on mutating requests besides the frontend's own (e.g. behind a proxy). */
    allowedOrigins: z.array(z.string().url()).default([]),
    heartbeatIntervalMs: z.number().int().min(50).default(1000),
    sessionTtlSeconds: z.number().int().min(60).default(7 * 24 * 3600),
    /** Mark the session cookie Secure (only when served over HTTPS). */
    secureCookies: z.boolean().default(false),
    /** Largest JSON or form body a route handler reads. */
    bodyBytesMax: z.number().int().min(1024).max(16 * MiB).default(64 * 1024),
    /** scrypt cost: N = 2^scryptCostLog2 (r = 8, p = 1); stored with each hash. */
    scryptCostLog2: z.number().int().min(10).max(20).default(15),
    /** Password hashes computed at once per frontend; more wait in a queue of scryptQueueMax. */
    scryptConcurrencyMax: z.number().int().min(1).max(64).default(2),
    scryptQueueMax: z.number().int().min(0).default(64),
    /** Failed logins allowed per user and per client address within loginWindowMs (per frontend). */
    loginWindowMs: z.number().int().min(1000).default(60_000),
    loginFailuresPerUserMax: z.number().int().min(1).default(5),
    loginFailuresPerAddressMax: z.number().int().min(1).default(20),
  })
  .strict();

const mailSchema = z
  .object({
    domain: z.string().min(1).default('localhost'),
    smtpPort: port.default(2525),
    pop3Port: port.default(1100),
    grpcPort: port.default(7100),
    /** host:port that receives all outbound mail instead of an MX lookup. */
    relay: address.nullable().default(null),
    messageBytesMax: z.number().int().min(1024).default(25 * MiB),
  })
  .strict();

export const configSchema = z
  .object({
    /** Address every service binds to; loopback unless opened on purpose. */
    host: z.string().min(1).default('127.0.0.1'),
    dataDir: z.string().min(1).default('data'),
    logLevel: z.enum(['debug', 'info', 'warn', 'error']).default('info'),
    kvs: kvsSchema.default(kvsSchema.parse({})),
    coordinator: coordinatorSchema.default(coordinatorSchema.parse({})),
    lb: lbSchema.default(lbSchema.parse({})),
    web: webSchema.default(webSchema.parse({})),
    mail: mailSchema.default(mailSchema.parse({})),
  })
  .strict();

export type Config = z.infer<typeof configSchema>;

type Env = Record<string, string | undefined>;

/** Reads the config once: defaults < PENNCLOUD_CONFIG file < environment. */
export function loadConfig(env: Env = process.env): Readonly<Config> {
  let raw: Record<string, unknown> = {};
  const file = env.PENNCLOUD_CONFIG;
  if (file) {
    try {
      raw = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
    } catch (err) {
      throw new PennError('invalid_argument', `cannot read config file ${file}: ${(err as Error).message}`);
    }
  }
  if (env.PENNCLOUD_HOST) raw.host = env.PENNCLOUD_HOST;
  if (env.PENNCLOUD_DATA_DIR) raw.dataDir = env.PENNCLOUD_DATA_DIR;
  for (const [name, value] of Object.entries(env)) {
    if (!name.startsWith('PENNCLOUD__') || value === undefined) continue;
    setPath(raw, name.slice('PENNCLOUD__'.length).split('__'), parseValue(value));
  }
  return parseConfig(raw);
}

export function parseConfig(raw: unknown): Readonly<Config> {
  const result = configSchema.safeParse(raw);
  if (!result.success) {
    const problems = result.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`);
    throw new PennError('invalid_argument', `invalid config: ${problems.join('; ')}`);
  }
  const config = result.data;
  if (config.kvs.groupBoundaries.length !== config.kvs.groups - 1) {
    throw new PennError('invalid_argument', 'invalid config: kvs.groupBoundaries needs groups - 1 entries');
  }
  config.dataDir = path.resolve(config.dataDir);
  return deepFreeze(config);
}

function parseValue(value: string): unknown {
  try {
    return JSON.parse(value);
  } catch {
    return value;
  }
}

function setPath(target: Record<string, unknown>, keys: string[], value: unknown): void {
  let node = target;
  keys.forEach((key, i) => {
    if (i === keys.length - 1) {
      node[key] = value;
      return;
    }
    if (typeof node[key] !== 'object' || node[key] === null) node[key] = {};
    node = node[key] as Record<string, unknown>;
  });
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object') {
    for (const v of Object.values(value)) deepFreeze(v);
    Object.freeze(value);
  }
  return value;
}

// ---- Names and addresses derived from the config ----

export interface NodeRef {
  id: string;
  group: number;
  replica: number;
  address: string;
}

const nodeIdPattern = /^g(\d+)r(\d+)$/;

export function nodeId(group: number, replica: number): string {
  return `g${group}r${replica}`;
}

export function allNodes(config: Config): NodeRef[] {
  const nodes: NodeRef[] = [];
  for (let g = 0; g < config.kvs.groups; g++) {
    for (let r = 0; r < config.kvs.replicas; r++) nodes.push(nodeRef(config, nodeId(g, r)));
  }
  return nodes;
}

export function nodeRef(config: Config, id: string): NodeRef {
  const match = nodeIdPattern.exec(id);
  const group = Number(match?.[1]);
  const replica = Number(match?.[2]);
  if (!match || group >= config.kvs.groups || replica >= config.kvs.replicas) {
    throw new PennError(
      'invalid_argument',
      `unknown node id "${id}": expected g<group>r<replica> with group < ${config.kvs.groups} and replica < ${config.kvs.replicas}`,
    );
  }
  const address =
    config.kvs.nodes[id] ?? `${config.host}:${config.kvs.basePort + config.kvs.replicas * group + replica}`;
  return { id, group, replica, address };
}

export function groupNodes(config: Config, group: number): NodeRef[] {
  return allNodes(config).filter((n) => n.group === group);
}

/** The group that stores a row: by its first character, lower-cased (ARCHITECTURE.md). */
export function groupOfRow(config: Config, row: string): number {
  const first = row.charAt(0).toLowerCase();
  let group = 0;
  for (const boundary of config.kvs.groupBoundaries) {
    if (first >= boundary) group++;
  }
  return group;
}

export function coordinatorAddress(config: Config): string {
  return `${config.coordinator.host ?? config.host}:${config.coordinator.port}`;
}
