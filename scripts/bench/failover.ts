// The failover figures of bench:cluster (RAFT.md, "Timings"): kill -9 of a storage primary →
// the next acknowledged write; SIGSTOP of a primary → another replica acknowledging; the longest
// gap between acknowledged writes while the coordinator group's leader is killed; and how many
// primary changes happened when nothing failed (there should be none).
import { ClusterClient } from '../../cluster/kvs/cluster-client.ts';
import type { TestCluster } from '../lib/cluster.ts';
import { waitFor } from '../lib/processes.ts';

export interface Spread {
  p50Ms: number;
  maxMs: number;
  runs: number;
}

function spread(samples: number[]): Spread {
  const sorted = [...samples].sort((a, b) => a - b);
  return { p50Ms: sorted[Math.floor(sorted.length / 2)] ?? NaN, maxMs: sorted.at(-1) ?? NaN, runs: sorted.length };
}

export function formatSpread(name: string, s: Spread): string {
  return `${name.padEnd(44)} p50 ${s.p50Ms.toFixed(0)} ms  max ${s.maxMs.toFixed(0)} ms  (${s.runs} runs)`;
}

/**
 * Writes from `clients` loops until stopped; returns the time of every acknowledgement. Each
 * write is tried once within callTimeoutMs, then the loop tries again (asking the coordinator
 * anew): the figure is when the group acknowledges again, not how long a stuck call waits.
 */
function writer(cluster: TestCluster, clients: number, callTimeoutMs = 2000): { acks: number[]; firstAckAfter: (t: number) => number | undefined; stop: () => Promise<void> } {
  const acks: number[] = [];
  /** [started, acknowledged] of every write: one started after a kill or stop was answered by another replica. */
  const spans: [number, number][] = [];
  let running = true;
  const pool = Array.from({ length: clients }, () => new ClusterClient(cluster.config, { retryDeadlineMs: 0, callTimeoutMs }));
  const loops = pool.map(async (client, c) => {
    for (let n = 0; running; n++) {
      const started = performance.now();
      try {
        await client.put(`gap#${c % 8}`, `c${c}-${n % 100}`, 'x');
        acks.push(performance.now());
        spans.push([started, performance.now()]);
      } catch {
        await new Promise((r) => setTimeout(r, 10));
      }
    }
  });
  return {
    acks,
    firstAckAfter: (t) => spans.filter(([s]) => s > t).reduce<number | undefined>((min, [, e]) => (min === undefined || e < min ? e : min), undefined),
    async stop() {
      running = false;
      await Promise.all(loops);
      pool.forEach((c) => c.close());
    },
  };
}

/** kill -9 of the primary → the first write acknowledged after it, then the node restarts. */
export async function killFailover(cluster: TestCluster, runs: number): Promise<Spread> {
  const samples: number[] = [];
  for (let run = 0; run < runs; run++) {
    const load = writer(cluster, 8);
    await waitFor(() => load.acks.length > 50, { timeoutMs: 30_000, what: 'writes before the kill' });
    const primary = await cluster.primaryOf(0);
    const killedAt = performance.now();
    await cluster.kill9(primary);
    const first = await waitFor(() => load.firstAckAfter(killedAt), { timeoutMs: 60_000, intervalMs: 5, what: 'a write after the kill' });
    samples.push(first - killedAt);
    await load.stop();
    cluster.start(primary);
    await cluster.waitHealthy(60_000);
  }
  return spread(samples);
}

/** SIGSTOP of the primary → another replica acknowledging a write; then SIGCONT. */
export async function stallTakeover(cluster: TestCluster, runs: number): Promise<Spread> {
  const samples: number[] = [];
  for (let run = 0; run < runs; run++) {
    // A call stuck in the stopped process would hold its loop for its whole deadline; 300 ms
    // lets each loop ask again soon, as a user's next click would.
    const load = writer(cluster, 8, 300);
    await waitFor(() => load.acks.length > 50, { timeoutMs: 30_000, what: 'writes before the stall' });
    const primary = await cluster.primaryOf(0);
    const child = cluster.services.get(primary)!.child;
    child.kill('SIGSTOP');
    const stoppedAt = performance.now();
    try {
      // A write begun while the old primary is stopped can only be acknowledged by another replica.
      const first = await waitFor(() => load.firstAckAfter(stoppedAt), { timeoutMs: 60_000, intervalMs: 5, what: 'a write during the stall' });
      samples.push(first - stoppedAt);
    } finally {
      child.kill('SIGCONT');
    }
    await load.stop();
    await cluster.waitHealthy(60_000);
  }
  return spread(samples);
}

/** The longest gap between acknowledged writes (16 writers) around kill -9 of the coordinator leader. */
export async function coordinatorLeaderGap(cluster: TestCluster, runs: number): Promise<Spread> {
  const samples: number[] = [];
  for (let run = 0; run < runs; run++) {
    const load = writer(cluster, 16);
    await waitFor(() => load.acks.length > 100, { timeoutMs: 30_000, what: 'writes before the kill' });
    const leader = await cluster.coordinatorLeader();
    const killedAt = performance.now();
    await cluster.kill9(leader);
    await waitFor(async () => (await cluster.coordinatorLeader().catch(() => leader)) !== leader, { timeoutMs: 30_000, what: 'a new coordinator leader' });
    const after = load.acks.length;
    await waitFor(() => load.acks.length > after + 200, { timeoutMs: 30_000, what: 'writes under the new leader' });
    await load.stop();
    const acks = load.acks.filter((t) => t > killedAt - 2000).sort((a, b) => a - b);
    let gap = 0;
    for (let i = 1; i < acks.length; i++) gap = Math.max(gap, acks[i]! - acks[i - 1]!);
    samples.push(gap);
    cluster.start(leader);
    await waitFor(async () => (await cluster.status()).coordinators.every((c) => c.role !== 'unreachable'), { timeoutMs: 30_000, what: 'the old leader to rejoin' });
  }
  return spread(samples);
}

/** The group's epoch: every primary change (and in-sync change) raises it. */
export async function epochOf(cluster: TestCluster): Promise<number> {
  return (await cluster.status()).groups[0]!.epoch;
}
