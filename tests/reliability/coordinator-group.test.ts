// The coordinator group under real faults (RAFT.md): kill -9 of its leader again and again under
// 64 clients, a follower killed, the leader and a storage primary killed together, the leader
// stopped (SIGSTOP) for 3 s, and two of three members down. Each prints cycles, acknowledged and
// lost writes, the checker's verdict and the longest gap between acknowledged writes.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isPennError } from '../../cluster/common/errors.ts';
import { ClusterClient } from '../../cluster/kvs/cluster-client.ts';
import type { Operation } from '../lib/linearizability.ts';
import { seededRandom, waitFor } from '../../scripts/lib/processes.ts';
import { startCluster, type TestCluster } from '../../scripts/lib/cluster.ts';
import { Workload } from '../lib/workload.ts';
import { assertWorkloadSound, closeWorkload, judgeWorkload } from '../lib/workload-verdict.ts';

const cycles = Number(process.env.COORDINATOR_CYCLES ?? 10);

/** The longest time between two acknowledged writes answered after `from`. */
function longestWriteGap(history: Operation[], from: number): number {
  const acks = history
    .filter((o) => o.op.kind !== 'get' && o.ret !== null && o.ret >= from)
    .map((o) => o.ret as number)
    .sort((a, b) => a - b);
  let gap = 0;
  for (let i = 1; i < acks.length; i++) gap = Math.max(gap, (acks[i] as number) - (acks[i - 1] as number));
  return gap;
}

/** Runs `faults` under 64 writing clients, then checks and prints what the issue asks for. */
async function underLoad(name: string, faults: (cluster: TestCluster, load: Workload) => Promise<number>): Promise<void> {
  const seed = Number(process.env.SEED ?? Date.now() % 1_000_000);
  const cluster = await startCluster({ groups: 1, replicas: 3 });
  const keys = Array.from({ length: 64 }, (_, i) => `k${i}`);
  const load = new Workload(cluster.config, { clients: 64, keys, rowOf: (k) => `coord#${k.length % 4}`, random: seededRandom(seed) });
  try {
    const epochBefore = (await cluster.status()).groups[0]!.epoch;
    load.start();
    await waitFor(() => load.acknowledgedWrites > 200, { timeoutMs: 30_000, what: 'writes before the first fault' });
    const started = performance.now();
    const done = await faults(cluster, load);
    const gap = longestWriteGap(load.history, started);
    await load.stop();
    const verdict = await judgeWorkload(load, cluster.client);
    const epochAfter = (await cluster.status()).groups[0]!.epoch;
    console.log(
      `${name}: cycles ${done}, acknowledged writes ${load.acknowledgedWrites}, lost ${verdict.lost}, linearizable ${verdict.linearizable.ok}, longest write gap ${gap.toFixed(0)} ms, group epoch ${epochBefore} → ${epochAfter}, seed ${seed}`,
    );
    assertWorkloadSound(verdict, seed);
  } finally {
    await closeWorkload(load, cluster);
  }
}

/**
 * Waits until a member other than `not` leads and every running member follows it (`not`
 * itself excepted when `notRunning`: a member stopped with SIGSTOP is a process, not a follower).
 */
async function waitForLeader(cluster: TestCluster, not?: string, notRunning = false): Promise<string> {
  return waitFor(
    async () => {
      const s = await cluster.status();
      const leader = s.coordinators.find((c) => c.role === 'leader')?.id;
      const running = cluster.coordinators.filter((c) => cluster.services.has(c) && !(notRunning && c === not));
      const following = s.coordinators.filter((c) => running.includes(c.id) && c.role !== 'unreachable').length;
      return leader && leader !== not && following === running.length ? leader : undefined;
    },
    { timeoutMs: 30_000, what: `a coordinator leader${not ? ` other than ${not}` : ''} followed by every running member` },
  );
}

test(`kill -9 the coordinator leader under 64 clients, ${cycles} cycles: no write lost, no long gap`, async () => {
  await underLoad('coordinator leader kill -9', async (cluster, load) => {
    for (let cycle = 0; cycle < cycles; cycle++) {
      const leader = await waitForLeader(cluster);
      const acked = load.acknowledgedWrites;
      await cluster.kill9(leader);
      await waitForLeader(cluster, leader);
      await waitFor(() => load.acknowledgedWrites > acked + 100, { timeoutMs: 30_000, what: 'writes after the new leader' });
      cluster.start(leader);
    }
    await waitForLeader(cluster);
    return cycles;
  });
});

test('kill -9 a coordinator follower, then the leader and a storage primary together', async () => {
  await underLoad('follower, then leader + primary', async (cluster, load) => {
    const leader = await waitForLeader(cluster);
    const follower = cluster.coordinators.find((c) => c !== leader)!;
    let acked = load.acknowledgedWrites;
    await cluster.kill9(follower);
    await waitFor(() => load.acknowledgedWrites > acked + 300, { timeoutMs: 30_000, what: 'writes with a follower down' });
    cluster.start(follower);
    await waitForLeader(cluster);

    const primary = await cluster.primaryOf(0);
    const leaderNow = await waitForLeader(cluster);
    acked = load.acknowledgedWrites;
    await Promise.all([cluster.kill9(leaderNow), cluster.kill9(primary)]);
    await waitFor(async () => (await cluster.primaryOf(0).catch(() => primary)) !== primary, { timeoutMs: 30_000, what: 'a new storage primary' });
    await waitFor(() => load.acknowledgedWrites > acked + 300, { timeoutMs: 30_000, what: 'writes after both kills' });
    cluster.start(leaderNow);
    cluster.start(primary);
    await cluster.waitHealthy(60_000);
    return 2;
  });
});

test('SIGSTOP the coordinator leader for 3 s: another leads, the stopped one steps down when it resumes', async () => {
  await underLoad('coordinator leader SIGSTOP 3 s', async (cluster, load) => {
    const leader = await waitForLeader(cluster);
    const child = cluster.services.get(leader)!.child;
    child.kill('SIGSTOP');
    const stoppedAt = performance.now();
    const acked = load.acknowledgedWrites;
    const next = await waitForLeader(cluster, leader, true).catch(async (err: unknown) => {
      child.kill('SIGCONT');
      throw err;
    });
    const elapsed = performance.now() - stoppedAt;
    if (elapsed < 3000) await new Promise((r) => setTimeout(r, 3000 - elapsed)); // the stall itself lasts 3 s
    child.kill('SIGCONT');
    await waitFor(() => load.acknowledgedWrites > acked + 300, { timeoutMs: 30_000, what: 'writes during and after the stall' });
    // The resumed member learns the newer term and follows; it does not lead beside the new leader.
    const s = await waitFor(
      async () => {
        const st = await cluster.status();
        return st.coordinators.find((c) => c.id === leader)?.role === 'follower' ? st : undefined;
      },
      { timeoutMs: 30_000, what: `${leader} to follow ${next} after it resumes` },
    );
    assert.deepEqual(s.coordinators.filter((c) => c.role === 'leader').map((c) => c.id), [next]);
    return 1;
  });
});

test('two of three coordinators down: writes stop with UNAVAILABLE, no primary changes; one back and they resume', async () => {
  const cluster = await startCluster({ groups: 1, replicas: 3 });
  // Gives up after 1 s, as a frontend does, instead of the harness client's 20 s.
  const client = new ClusterClient(cluster.config, { retryDeadlineMs: 1000 });
  try {
    await cluster.client.put('two#down', 'before', 'x');
    const before = (await cluster.status()).groups[0]!;
    const leader = await waitForLeader(cluster);
    const [a, b] = cluster.coordinators.filter((c) => c !== leader) as [string, string];
    await Promise.all([cluster.kill9(leader), cluster.kill9(a)]);
    // The primary's lease runs out within leaseMs; then every write is refused as UNAVAILABLE
    // (what a user sees as "Storage is recovering"), never acknowledged without a majority.
    const refused = await waitFor(
      () =>
        client.put('two#down', 'during', 'x').then(
          () => undefined,
          (err: unknown) => (isPennError(err, 'unavailable') ? err : undefined),
        ),
      { timeoutMs: 60_000, what: 'writes to be refused with two coordinators down' },
    );
    console.log(`two of three coordinators down: a write is refused: ${refused.message}`);
    cluster.start(a);
    await waitFor(() => cluster.client.put('two#down', 'after', 'x').then(() => true), { timeoutMs: 60_000, what: 'writes with two of three back' });
    const after = (await cluster.status()).groups[0]!;
    assert.equal(after.primary, before.primary, 'the same primary serves');
    assert.equal((await cluster.client.get('two#down', 'before'))?.toString(), 'x');
    assert.ok(b);
  } finally {
    client.close();
    await cluster.close();
  }
});
