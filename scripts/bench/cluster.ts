// `npm run bench:cluster`: one group of 3 replicas (3 coordinators + 3 node processes, fresh
// data dir), 64 concurrent clients. Prints puts/s and gets/s with 256-byte values, p50/p99, put
// MB/s with 1 MiB values, and the primary changes during those phases (there should be none);
// then failover figures over FAILOVER_RUNS (10) each (scripts/bench/failover.ts): kill -9 of the
// primary → first acknowledged write, SIGSTOP of the primary → another replica acknowledging,
// the longest write gap around kill -9 of the coordinator leader; the catch-up MB/s of a node
// that missed CATCHUP_MB (100) MB of writes; and primary changes over IDLE_SECONDS (60) of a
// quiet cluster; then the put and get phases again on a cluster without TLS, and what mutual TLS
// costs. BENCH_SECONDS sets each load phase (default 10).
import { ClusterClient } from '../../cluster/kvs/cluster-client.ts';
import { startCluster } from '../../tests/lib/cluster.ts';
import { waitFor } from '../../tests/lib/processes.ts';
import { coordinatorLeaderGap, epochOf, formatSpread, killFailover, stallTakeover } from './failover.ts';
import { formatLoad, runLoad, type LoadResult } from './load.ts';

const seconds = Number(process.env.BENCH_SECONDS ?? 10);
const failoverRuns = Number(process.env.FAILOVER_RUNS ?? 10);
const catchUpMb = Number(process.env.CATCHUP_MB ?? 100);
const idleSeconds = Number(process.env.IDLE_SECONDS ?? 60);
const clientsCount = 64;

/** 256-byte puts, then gets of the same keys, from every client for `seconds` each. */
async function smallPhases(clients: ClusterClient[], label: string): Promise<{ puts: LoadResult; gets: LoadResult }> {
  const small = Buffer.alloc(256, 'x');
  const key = (c: number, n: number) => [`bench#${c % 16}`, `c${c}-${n % 2000}`] as const;
  const puts = await runLoad(clients.length, seconds, (c, n) => clients[c]!.put(...key(c, n), small));
  console.log(formatLoad(`put 256 B, ${label}`, puts));
  const gets = await runLoad(clients.length, seconds, (c, n) => clients[c]!.get(...key(c, n)));
  console.log(formatLoad(`get 256 B, ${label}`, gets));
  return { puts, gets };
}

async function main(): Promise<void> {
  const cluster = await startCluster({ groups: 1, replicas: 3, kvs: { memoryBytesMax: 256 * 1024 * 1024 } });
  const clients = Array.from({ length: clientsCount }, () => new ClusterClient(cluster.config, { callTimeoutMs: 30_000 }));
  try {
    console.log(`bench:cluster — one group of 3 replicas, ${clientsCount} clients, ${seconds} s per phase`);
    const epochBeforeLoad = await epochOf(cluster);
    const { puts, gets } = await smallPhases(clients, 'mutual TLS');
    const big = Buffer.alloc(1024 * 1024, 'y');
    const bigPuts = await runLoad(clientsCount, seconds, (c, n) => clients[c]!.put(`blob#${c}`, `c${n % 4}`, big));
    console.log(formatLoad('put 1 MiB', bigPuts, `  ${bigPuts.opsPerSecond.toFixed(1)} MB/s`));

    console.log(`primary changes during the load phases: ${(await epochOf(cluster)) - epochBeforeLoad} (epoch changes; 0 expected)`);

    console.log(formatSpread('failover (kill -9 primary → first ack)', await killFailover(cluster, failoverRuns)));
    console.log(formatSpread('takeover (SIGSTOP primary → another acks)', await stallTakeover(cluster, failoverRuns)));
    console.log(formatSpread('longest write gap, coordinator leader kill -9', await coordinatorLeaderGap(cluster, failoverRuns)));

    // A backup misses catchUpMb of writes while halted, then catches up on Revive.
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

    await cluster.waitHealthy(60_000);
    const idleEpoch = await epochOf(cluster);
    await new Promise((r) => setTimeout(r, idleSeconds * 1000));
    console.log(`primary changes in ${idleSeconds} s of a quiet cluster: ${(await epochOf(cluster)) - idleEpoch} (0 expected)`);

    // The same put and get phases on a second cluster without TLS: what mutual TLS costs.
    clients.forEach((c) => c.close());
    await cluster.close();
    const plain = await startCluster({ groups: 1, replicas: 3, kvs: { memoryBytesMax: 256 * 1024 * 1024 }, config: { tls: { mode: 'plaintext' } } });
    const plainClients = Array.from({ length: clientsCount }, () => new ClusterClient(plain.config, { callTimeoutMs: 30_000 }));
    try {
      const plainRun = await smallPhases(plainClients, 'plain text');
      const cost = (tls: number, clear: number) => `${(((clear - tls) / clear) * 100).toFixed(1)} %`;
      console.log(`cost of mutual TLS: puts ${cost(puts.opsPerSecond, plainRun.puts.opsPerSecond)} fewer per second, gets ${cost(gets.opsPerSecond, plainRun.gets.opsPerSecond)} fewer`);
    } finally {
      plainClients.forEach((c) => c.close());
      await plain.close();
    }
  } finally {
    clients.forEach((c) => c.close());
    await cluster.close();
  }
}

void main();
