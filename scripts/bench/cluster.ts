// `npm run bench:cluster`: one group of 3 replicas (3 coordinators + 3 node processes, fresh
// data dir), 64 concurrent clients. Prints puts/s and gets/s with 256-byte values, p50/p99, put
// MB/s with 1 MiB values, and the primary changes during those phases (there should be none);
// then failover figures over FAILOVER_RUNS (10) each (scripts/bench/failover.ts): kill -9 of the
// primary → first acknowledged write, SIGSTOP of the primary → another replica acknowledging,
// the longest write gap around kill -9 of the coordinator leader; the catch-up MB/s of a node
// that missed CATCHUP_MB (100) MB of writes; primary changes and the CPU of every process over
// IDLE_SECONDS (60) of a quiet cluster; then the put and get phases again on a cluster without TLS, and what mutual TLS
// costs. BENCH_SECONDS sets each load phase (default 10). The `cells` phase reads 10,000 cells of
// 1 KiB of one row (a mail search's summaries): through ListColumns pages with values
// (ClusterClient.readColumns), against 10,000 Gets one after another and 64 at a time.
//
// "64 clients" is 64 concurrent callers over BENCH_CONNECTIONS cluster clients (default 1: one
// client, as a frontend or the mail daemon holds one for all its requests, and the shape of the
// etcd anchor, one client object for 64 workers, docs/PERFORMANCE.md "Peers"). Callers of one
// client have their operations to one node coalesced into Batch calls; BENCH_CONNECTIONS=64
// gives each caller its own client, and BENCH_BATCH=0 turns coalescing off (every operation its
// own call, as before Batch existed) for paired runs in one build. Each load phase also prints
// the CPU time per operation summed over the bench and every node process, and the operations
// per Batch call. BENCH_PHASES (comma-separated, default
// all: load,big,cells,failover,catchup,idle,plain) runs only some phases: `BENCH_PHASES=load` measures
// the 256-byte puts and gets alone, quickly. Before the load phases, BENCH_WARMUP_SECONDS (6) of
// the same puts and gets run untimed ("Warm-up" in docs/PERFORMANCE.md).
import { readFileSync } from 'node:fs';
import { ClusterClient } from '../../cluster/kvs/cluster-client.ts';
import { startCluster, type TestCluster } from '../lib/cluster.ts';
import { waitFor } from '../lib/processes.ts';
import { coordinatorLeaderGap, epochOf, formatSpread, killFailover, stallTakeover } from './failover.ts';
import { figure, loadFigures } from './figures.ts';
import { formatLoad, runLoad, warmUp, type LoadResult } from './load.ts';

const seconds = Number(process.env.BENCH_SECONDS ?? 10);
const failoverRuns = Number(process.env.FAILOVER_RUNS ?? 10);
const catchUpMb = Number(process.env.CATCHUP_MB ?? 100);
const idleSeconds = Number(process.env.IDLE_SECONDS ?? 60);
const clientsCount = 64;
const connections = Math.max(1, Math.min(clientsCount, Number(process.env.BENCH_CONNECTIONS ?? 1)));
const batch = process.env.BENCH_BATCH !== '0';
const phases = new Set((process.env.BENCH_PHASES ?? 'load,big,cells,failover,catchup,idle,plain').split(',').map((p) => p.trim()));

/** clientsCount callers over `connections` cluster clients: caller c uses callers[c]. */
function makeCallers(config: TestCluster['config']): { callers: ClusterClient[]; pool: ClusterClient[]; close: () => void } {
  const pool = Array.from({ length: connections }, () => new ClusterClient(config, { callTimeoutMs: 30_000, batch }));
  return { callers: Array.from({ length: clientsCount }, (_, c) => pool[c % connections]!), pool, close: () => pool.forEach((c) => c.close()) };
}

/** A process's CPU time (user + system) so far, in ms, from /proc (clock ticks of 10 ms). */
function cpuMsOf(pid: number | undefined): number {
  if (pid === undefined) return 0;
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return (Number(fields[11]) + Number(fields[12])) * 10;
  } catch {
    return 0; // a process that has exited
  }
}

/** CPU ms of the bench and every storage node (coordinators left out: they are idle under load). */
function clusterCpuMs(cluster: TestCluster): number {
  const own = process.cpuUsage();
  let ms = (own.user + own.system) / 1000;
  for (const n of cluster.nodes) ms += cpuMsOf(cluster.services.get(n.id)?.child.pid);
  return ms;
}

/** One load phase, with its CPU per operation and operations per Batch call printed beside it. */
async function measuredLoad(cluster: TestCluster, pool: ClusterClient[], name: string, op: (c: number, n: number) => Promise<unknown>): Promise<LoadResult> {
  const sum = () => pool.reduce((f, c) => ({ batches: f.batches + c.batchFigures().batches, ops: f.ops + c.batchFigures().batchedOps }), { batches: 0, ops: 0 });
  const cpuBefore = clusterCpuMs(cluster);
  const batchesBefore = sum();
  const r = await runLoad(clientsCount, seconds, op);
  const cpuPerOp = (clusterCpuMs(cluster) - cpuBefore) / Math.max(1, r.ops);
  const b = sum();
  const perBatch = (b.ops - batchesBefore.ops) / Math.max(1, b.batches - batchesBefore.batches);
  console.log(formatLoad(name, r, `  cpu ${cpuPerOp.toFixed(3)} ms/op, ${perBatch.toFixed(1)} ops/Batch`));
  return r;
}

const small = Buffer.alloc(256, 'x');
/** Caller c's n-th key of the 256-byte phases. */
const smallKey = (c: number, n: number) => [`bench#${c % 16}`, `c${c}-${n % 2000}`] as const;

/** 256-byte puts, then gets of the same keys, from every caller for `seconds` each. */
async function smallPhases(cluster: TestCluster, clients: ClusterClient[], pool: ClusterClient[], label: string): Promise<{ puts: LoadResult; gets: LoadResult }> {
  const puts = await measuredLoad(cluster, pool, `put 256 B, ${label}`, (c, n) => clients[c]!.put(...smallKey(c, n), small));
  const gets = await measuredLoad(cluster, pool, `get 256 B, ${label}`, (c, n) => clients[c]!.get(...smallKey(c, n)));
  return { puts, gets };
}

async function main(): Promise<void> {
  const cluster = await startCluster({ groups: 1, replicas: 3, kvs: { memoryBytesMax: 256 * 1024 * 1024 } });
  const { callers: clients, pool, close: closeClients } = makeCallers(cluster.config);
  try {
    console.log(`bench:cluster — one group of 3 replicas, ${clientsCount} clients over ${connections} cluster client(s), batching ${batch ? 'on' : 'off'}, ${seconds} s per phase`);
    // Channel setup (TLS handshakes, the coordinator lookup) is not timed, as in the etcd anchor.
    await Promise.all(clients.map((c, i) => c.put(`bench#${i % 16}`, 'warm-up', 'x')));
    if (phases.has('load') || phases.has('big')) {
      await warmUp(
        clientsCount,
        (c, n) => clients[c]!.put(...smallKey(c, n), small),
        (c, n) => clients[c]!.get(...smallKey(c, n)),
      );
    }
    const epochBeforeLoad = await epochOf(cluster);
    const tlsRun = phases.has('load') ? await smallPhases(cluster, clients, pool, 'mutual TLS') : undefined;
    if (tlsRun) {
      loadFigures('cluster', 'put_256b', tlsRun.puts);
      loadFigures('cluster', 'get_256b', tlsRun.gets);
    }
    if (phases.has('big')) {
      const big = Buffer.alloc(1024 * 1024, 'y');
      const bigPuts = await runLoad(clientsCount, seconds, (c, n) => clients[c]!.put(`blob#${c}`, `c${n % 4}`, big));
      console.log(formatLoad('put 1 MiB', bigPuts, `  ${bigPuts.opsPerSecond.toFixed(1)} MB/s`));
      figure('cluster', 'put_1mib', bigPuts.opsPerSecond, 'MiB/s');
    }

    if (phases.has('cells')) await readCells(cluster.client);

    const epochChanges = (await epochOf(cluster)) - epochBeforeLoad;
    console.log(`primary changes during the load phases: ${epochChanges} (epoch changes; 0 expected)`);
    figure('cluster', 'load_epoch_changes', epochChanges, 'changes');

    if (phases.has('failover')) {
      // A backup dropped during the load phases (counted above) must be back in sync first: a
      // kill of the only in-sync replica leaves the group without a primary until it returns.
      await cluster.waitHealthy(60_000);
      const kill = await killFailover(cluster, failoverRuns);
      console.log(formatSpread('failover (kill -9 primary → first ack)', kill));
      const stall = await stallTakeover(cluster, failoverRuns);
      console.log(formatSpread('takeover (SIGSTOP primary → another acks)', stall));
      const gap = await coordinatorLeaderGap(cluster, failoverRuns);
      console.log(formatSpread('longest write gap, coordinator leader kill -9', gap));
      figure('cluster', 'failover_kill_p50', kill.p50Ms, 'ms');
      figure('cluster', 'takeover_stop_p50', stall.p50Ms, 'ms');
      figure('cluster', 'coordinator_gap_p50', gap.p50Ms, 'ms');
    }

    if (phases.has('catchup')) await catchUp(cluster);
    if (phases.has('idle')) {
      await cluster.waitHealthy(60_000);
      const idleEpoch = await epochOf(cluster);
      // What the cluster costs doing nothing (heartbeats, leases, Raft): CPU over the quiet time.
      const cpu = () => new Map([...cluster.services].map(([name, s]) => [name, cpuMsOf(s.child.pid)]));
      const before = cpu();
      const startedMs = performance.now();
      await new Promise((r) => setTimeout(r, idleSeconds * 1000));
      const after = cpu();
      const elapsedMs = performance.now() - startedMs;
      const share = (names: readonly string[]) => names.map((n) => (100 * ((after.get(n) ?? 0) - (before.get(n) ?? 0))) / elapsedMs);
      const coordinators = share(cluster.coordinators).sort((a, b) => b - a);
      const nodes = share(cluster.nodes.map((n) => n.id));
      const total = [...coordinators, ...nodes].reduce((a, b) => a + b, 0);
      console.log(`primary changes in ${idleSeconds} s of a quiet cluster: ${(await epochOf(cluster)) - idleEpoch} (0 expected)`);
      console.log(
        `CPU of the quiet cluster, % of one core: ${total.toFixed(1)} in all; coordinators ${coordinators.map((c) => c.toFixed(1)).join(' / ')} (the busiest is the leader); nodes ${nodes.map((c) => c.toFixed(1)).join(' / ')}`,
      );
      figure('cluster', 'idle_cpu', total, '% of a core');
      figure('cluster', 'idle_cpu_leader', coordinators[0] ?? 0, '% of a core');
    }

    if (!phases.has('plain')) return;
    // The same put and get phases on a second cluster without TLS: what mutual TLS costs.
    closeClients();
    await cluster.close();
    const plain = await startCluster({ groups: 1, replicas: 3, kvs: { memoryBytesMax: 256 * 1024 * 1024 }, config: { tls: { mode: 'plaintext' } } });
    const { callers: plainClients, pool: plainPool, close: closePlain } = makeCallers(plain.config);
    try {
      await Promise.all(plainClients.map((c, i) => c.put(`bench#${i % 16}`, 'warm-up', 'x')));
      const plainRun = await smallPhases(plain, plainClients, plainPool, 'plain text');
      loadFigures('cluster', 'put_256b_plain', plainRun.puts);
      loadFigures('cluster', 'get_256b_plain', plainRun.gets);
      if (tlsRun) {
        const cost = (tls: number, clear: number) => `${(((clear - tls) / clear) * 100).toFixed(1)} %`;
        console.log(`cost of mutual TLS: puts ${cost(tlsRun.puts.opsPerSecond, plainRun.puts.opsPerSecond)} fewer per second, gets ${cost(tlsRun.gets.opsPerSecond, plainRun.gets.opsPerSecond)} fewer`);
      }
    } finally {
      closePlain();
      await plain.close();
    }
  } finally {
    closeClients();
    await cluster.close();
  }
}

/**
 * 10,000 cells of 1 KiB in one row, read whole: by pages with values, by Gets one at a time, and
 * by Gets 64 in flight. Each way is timed once after a warm-up read, from one client.
 */
async function readCells(client: ClusterClient): Promise<void> {
  const row = 'cells#index';
  const count = 10_000;
  const columns = Array.from({ length: count }, (_, i) => `inbox/${String(i).padStart(6, '0')}`);
  const value = Buffer.alloc(1024, 'c');
  for (let i = 0; i < count; i += 64) await Promise.all(columns.slice(i, i + 64).map((c) => client.put(row, c, value)));
  const time = async (read: () => Promise<number>): Promise<number> => {
    const started = performance.now();
    const cells = await read();
    if (cells !== count) throw new Error(`read ${cells} cells of ${count}`);
    return performance.now() - started;
  };
  const byPages = async () => (await client.readColumns(row, { prefix: 'inbox/', bytesMax: 64 * 1024 * 1024 })).columns.length;
  const getAll = async (inFlight: number) => {
    let found = 0;
    for (let i = 0; i < count; i += inFlight) {
      const values = await Promise.all(columns.slice(i, i + inFlight).map((c) => client.get(row, c)));
      found += values.filter((v) => v?.length === value.length).length;
    }
    return found;
  };
  await byPages();
  const pagesMs = await time(byPages);
  const serialMs = await time(() => getAll(1));
  const parallelMs = await time(() => getAll(64));
  console.log(
    `read ${count} cells of 1 KiB of one row: ListColumns with values ${pagesMs.toFixed(0)} ms, ` +
      `${count} Gets one at a time ${serialMs.toFixed(0)} ms, 64 at a time ${parallelMs.toFixed(0)} ms`,
  );
  figure('cluster', 'read_10k_cells_values', pagesMs, 'ms');
  figure('cluster', 'read_10k_cells_gets', serialMs, 'ms');
  figure('cluster', 'read_10k_cells_gets_64', parallelMs, 'ms');
}

/** A backup misses catchUpMb of writes while halted, then catches up on Revive. */
async function catchUp(cluster: TestCluster): Promise<void> {
  const s = await cluster.status();
  const backup = s.groups[0]!.inSync.find((n) => n !== s.groups[0]!.primary)!;
  await cluster.node(backup).halt();
  await waitFor(async () => !(await cluster.status()).groups[0]!.inSync.includes(backup), { timeoutMs: 30_000, what: 'the backup to leave' });
  const chunk = Buffer.alloc(1024 * 1024, 'z');
  for (let i = 0; i < catchUpMb; i += 8) {
    await Promise.all(Array.from({ length: Math.min(8, catchUpMb - i) }, (_, j) => cluster.client.put(`catch#${(i + j) % 10}`, `m${i + j}`, chunk)));
  }
  const revivedAt = performance.now();
  await cluster.node(backup).revive();
  await waitFor(async () => (await cluster.status()).groups[0]!.inSync.includes(backup), {
    timeoutMs: 300_000,
    intervalMs: 20,
    what: 'the revived backup to rejoin',
  });
  const catchUpS = (performance.now() - revivedAt) / 1000;
  console.log(`catch-up of ${catchUpMb} MB missed by a halted backup: ${catchUpS.toFixed(2)} s, ${(catchUpMb / catchUpS).toFixed(1)} MB/s`);
  figure('cluster', 'catchup', catchUpMb / catchUpS, 'MB/s');
}

void main();
