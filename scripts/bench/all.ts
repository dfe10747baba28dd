// `npm run bench`: every benchmark one after another (never two at once), then one table of
// their headline figures (the FIGURE lines of scripts/bench/figures.ts).
//
// Peers in the same pass: with BENCH_PEERS=<dir>, the directory of the peer-system scripts
// (docs/PERFORMANCE.md, "Peers": run-all.sh starting etcd, Redis, nginx, a bare smtp-server
// and raw disk loops on loopback, each printing `FIGURE <system> key=value …` lines), those run
// first, and the table sets each of our figures beside its peer's with the ratio and the goal.
// Figures from different passes are not comparable: these machines vary 3× from day to day.
//
// BENCH_ONLY=kvs,cluster… runs a subset; BENCH_PEER_SYSTEMS (default "fsync redis etcd smtp
// http") the peers' subset. Each bench keeps its own knobs (BENCH_SECONDS, …).
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseFigures, type Figure } from './figures.ts';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const benches = ['kvs', 'cluster', 'mail', 'drive', 'web'];

/** Runs a command, echoing its output, and returns all of it. */
function run(command: string, args: string[], cwd: string): Promise<{ output: string; code: number }> {
  return new Promise((resolve) => {
    const child = spawn(command, args, { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    const take = (chunk: Buffer) => {
      output += chunk.toString();
      process.stdout.write(chunk);
    };
    child.stdout.on('data', take);
    child.stderr.on('data', take);
    child.on('close', (code) => resolve({ output, code: code ?? 1 }));
  });
}

/** A peer's FIGURE line: `FIGURE etcd-3node op=put clients=64 … ops_s=2647 p99_ms=68.45 …`. */
interface PeerFigure {
  system: string;
  fields: Map<string, string>;
}

export function parsePeerFigures(output: string): PeerFigure[] {
  const found: PeerFigure[] = [];
  for (const line of output.split('\n')) {
    const at = line.indexOf('FIGURE ');
    if (at < 0) continue;
    const words = line.slice(at + 'FIGURE '.length).trim().split(/\s+/);
    const fields = new Map<string, string>();
    const name: string[] = [];
    for (const w of words) {
      const eq = w.indexOf('=');
      if (eq > 0) fields.set(w.slice(0, eq), w.slice(eq + 1));
      else name.push(w);
    }
    found.push({ system: name.join(' '), fields });
  }
  return found;
}

/** The numeric field `field` of the first peer figure of `system` whose fields include `where`. */
function peer(peers: PeerFigure[], system: string, where: Record<string, string>, field: string): number | undefined {
  const hit = peers.find((p) => p.system === system && Object.entries(where).every(([k, v]) => p.fields.get(k) === v));
  const value = Number(hit?.fields.get(field));
  return hit && Number.isFinite(value) ? value : undefined;
}

/** One comparison of the table: ours ÷ the reference, and the goal for that ratio. */
interface Comparison {
  what: string;
  ours: string;
  reference: (peers: PeerFigure[], ours: Map<string, number>) => number | undefined;
  referenceName: string;
  goal: string;
  /** For latencies: lower is better, so the ratio printed is reference ÷ ours. */
  lowerIsBetter?: boolean;
}

/** One operation of our cluster measured against etcd's (3 nodes, 64 clients). */
interface EtcdOperation {
  what: string;
  /** Our throughput figure; its p99 is the same name with `_p99`. */
  ours: string;
  /** The op field of etcd's FIGURE lines. */
  etcdOp: string;
  referenceName: string;
  goal: string;
  /** Names the operation in the p99 row: "put p99". */
  short: string;
}

/** Two rows for an operation: throughput against etcd's, then p99 latency against etcd's. */
function againstEtcd(op: EtcdOperation): Comparison[] {
  const etcd = (field: string) => (p: PeerFigure[]) => peer(p, 'etcd-3node', { op: op.etcdOp, clients: '64' }, field);
  const throughput: Comparison = { what: op.what, ours: op.ours, reference: etcd('ops_s'), referenceName: op.referenceName, goal: op.goal };
  const p99: Comparison = {
    what: `${op.short} p99`,
    ours: `${op.ours}_p99`,
    reference: etcd('p99_ms'),
    referenceName: `etcd ${op.short} p99`,
    goal: '≥ 1× (ours ≤ etcd)',
    lowerIsBetter: true,
  };
  return [throughput, p99];
}

const comparisons: Comparison[] = [
  ...againstEtcd({ what: 'durable puts, 3 replicas, 64 clients', ours: 'cluster put_256b', etcdOp: 'put', referenceName: 'etcd put, 64 clients', goal: '≥ 2×', short: 'put' }),
  ...againstEtcd({ what: 'linearizable gets, 64 clients', ours: 'cluster get_256b', etcdOp: 'get_linearizable', referenceName: 'etcd linearizable get', goal: '≥ 3×', short: 'get' }),
  {
    what: 'one node, durable puts',
    ours: 'kvs put_256b',
    reference: (p) => peer(p, 'redis-aof', { appendfsync: 'always', op: 'set' }, 'ops_s'),
    referenceName: 'Redis appendfsync always SET',
    goal: '—',
  },
  {
    what: 'one node, durable puts vs raw 256 B append+fsync',
    ours: 'kvs put_256b',
    reference: (p, ours) => peer(p, 'disk append+fsync', {}, 'per_s') ?? ours.get('kvs raw_append_fsync'),
    referenceName: 'raw append+fsync per record',
    goal: '—',
  },
  {
    what: 'SMTP intake, 20 sessions, 4 KiB',
    ours: 'mail smtp_msgs',
    reference: (p) => peer(p, 'smtp node-smtp-server', { mode: 'reuse' }, 'msgs_s'),
    referenceName: 'bare smtp-server sink',
    goal: '≥ 2,000 msg/s; aim 0.5×',
  },
  {
    what: 'drive upload 256 MiB',
    ours: 'drive upload_mb_per_s',
    reference: (p, ours) => {
      const disk = peer(p, 'disk seq_write', {}, 'MB_s') ?? ours.get('drive disk_write_mb_per_s');
      return disk === undefined ? undefined : disk / 3;
    },
    referenceName: 'disk sequential write ÷ 3',
    goal: '≥ 0.5×',
  },
  {
    what: 'drive download 256 MiB',
    ours: 'drive download_mb_per_s',
    reference: (_p, ours) => ours.get('drive upload_mb_per_s'),
    referenceName: 'our upload',
    goal: '≥ 2×',
  },
  {
    what: 'GET /api/me, one frontend',
    ours: 'web me',
    reference: (_p, ours) => ours.get('web health'),
    referenceName: 'constant JSON route (ceiling)',
    goal: '≥ 0.5×',
  },
  {
    what: 'constant JSON route, one frontend',
    ours: 'web health',
    reference: (p) => peer(p, 'http nginx static', {}, 'req_s'),
    referenceName: 'nginx static 1 KiB',
    goal: '—',
  },
];

function formatNumber(n: number | undefined): string {
  if (n === undefined || !Number.isFinite(n)) return '—';
  return n >= 100 ? Math.round(n).toLocaleString('en-US') : n.toPrecision(3);
}

export function table(figures: Figure[], peers: PeerFigure[]): string {
  const ours = new Map(figures.map((f) => [`${f.bench} ${f.name}`, f.value]));
  const lines: string[] = [];
  lines.push('| bench | figure | value | unit |', '|---|---|---|---|');
  for (const f of figures) lines.push(`| ${f.bench} | ${f.name} | ${formatNumber(f.value)} | ${f.unit} |`);
  lines.push('', '| what | ours | reference | ratio | goal |', '|---|---|---|---|---|');
  for (const c of comparisons) {
    const mine = ours.get(c.ours);
    const ref = c.reference(peers, ours);
    const ratio = mine === undefined || ref === undefined ? undefined : c.lowerIsBetter ? ref / mine : mine / ref;
    lines.push(
      `| ${c.what} | ${formatNumber(mine)} (${c.ours}) | ${formatNumber(ref)} (${c.referenceName}) | ${ratio === undefined ? '—' : `${ratio.toFixed(2)}×`} | ${c.goal} |`,
    );
  }
  return lines.join('\n');
}

async function main(): Promise<void> {
  const only = process.env.BENCH_ONLY?.split(',').filter(Boolean) ?? benches;
  const peersDir = process.env.BENCH_PEERS;
  let peers: PeerFigure[] = [];
  const failed: string[] = [];
  if (peersDir) {
    const script = path.join(peersDir, 'run-all.sh');
    if (!existsSync(script)) throw new Error(`BENCH_PEERS: no run-all.sh in ${peersDir}`);
    const systems = (process.env.BENCH_PEER_SYSTEMS ?? 'fsync redis etcd smtp http').split(/\s+/).filter(Boolean);
    const peerRun = await run('bash', [script, ...systems], root);
    if (peerRun.code !== 0) failed.push('peers');
    peers = parsePeerFigures(peerRun.output);
  }
  const figures: Figure[] = [];
  for (const bench of only) {
    if (!benches.includes(bench)) throw new Error(`unknown bench ${bench} (known: ${benches.join(', ')})`);
    const result = await run('npm', ['run', '--silent', `bench:${bench}`], root);
    if (result.code !== 0) failed.push(bench);
    figures.push(...parseFigures(result.output));
  }
  console.log(`\nnpm run bench — ${new Date().toISOString()}${peersDir ? ', peers in the same pass' : ', no peers (set BENCH_PEERS)'}\n`);
  console.log(table(figures, peers));
  if (failed.length > 0) {
    console.log(`\nfailed: ${failed.join(', ')}`);
    process.exitCode = 1;
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) void main();
