// `npm run bench:cluster`: one group of 3 replicas (coordinator + 3 node processes, fresh data
// dir), 64 concurrent clients. Prints puts/s and gets/s with 256-byte values, p50/p99, put MB/s
// with 1 MiB values, failover time (kill -9 of the primary to the first acknowledged write)
// p50/max over FAILOVER_RUNS (10), and the catch-up MB/s of a node that missed CATCHUP_MB (100)
// MB of writes. BENCH_SECONDS sets each load phase (default 10).
import { ClusterClient } from '../../cluster/kvs/cluster-client.ts';
import { startCluster } from '../../tests/lib/cluster.ts';
import { waitFor } from '../../tests/lib/processes.ts';
import { formatLoad, runLoad } from './load.ts';

const seconds = Number(process.env.BENCH_SECONDS ?? 10);
const failoverRuns = Number(process.env.FAILOVER_RUNS ?? 10);
const catchUpMb = Number(process.env.CATCHUP_MB ?? 100);
const clientsCount = 64;

async function main(): Promise<void> {
  const cluster = await startCluster({ groups: 1, replicas: 3, kvs: { memoryBytesMax: 256 * 1024 * 1024 } });
  const clients = Array.from({ length: clientsCount }, () => new ClusterClient(cluster.config, { callTimeoutMs: 30_000 }));
  try {
    console.log(`bench:cluster — one group of 3 replicas, ${clientsCount} clients, ${seconds} s per phase`);
    const small = Buffer.alloc(256, 'x');
    const key = (c: number, n: number) => [`bench#${c % 16}`, `c${c}-${n % 2000}`] as const;
    const puts = await runLoad(clientsCount, seconds, (c, n) => clients[c]!.put(...key(c, n), small));
    console.log(formatLoad('put 256 B', puts));
    const gets = await runLoad(clientsCount, seconds, (c, n) => clients[c]!.get(...key(c, n)));
    console.log(formatLoad('get 256 B', gets));
    const big = Buffer.alloc(1024 * 1024, 'y');
    const bigPuts = await runLoad(clientsCount, seconds, (c, n) => clients[c]!.put(`blob#${c}`, `c${n % 4}`, big));
    console.log(formatLoad('put 1 MiB', bigPuts, `  ${bigPuts.opsPerSecond.toFixed(1)} MB/s`));

    const failovers: number[] = [];
    for (let run = 0; run < failoverRuns; run++) {
      const primary = await cluster.primaryOf(0);
      const killedAt = performance.now();
      await cluster.kill9(primary);
      await waitFor(() => cluster.client.put('failover#row', `run${run}`, 'x').then(() => true), {
        timeoutMs: 60_000,
        intervalMs: 10,
        what: 'a write after the kill',
      });
      failovers.push(performance.now() - killedAt);
      cluster.start(primary);
      await cluster.waitHealthy(60_000);
    }
    failovers.sort((a, b) => a - b);
    console.log(
      `failover (kill -9 primary → first ack)  p50 ${failovers[Math.floor(failovers.length / 2)]!.toFixed(0)} ms  max ${failovers.at(-1)!.toFixed(0)} ms  (${failoverRuns} runs)`,
    );

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
  } finally {
    clients.forEach((c) => c.close());
    await cluster.close();
  }
}

void main();
