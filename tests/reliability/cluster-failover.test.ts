// Failover (docs/ARCHITECTURE.md, invariants 2–5): kill -9 the primary of a group under 64 concurrent clients, restart
// it, again and again. No acknowledged write may be lost and the history must be linearizable.
// The 64 callers share 4 cluster clients, as a frontend's requests share its one: their
// operations reach the primary as Batch calls, and a kill fails whole batches mid-commit.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { checkLinearizable } from '../lib/linearizability.ts';
import { seededRandom, waitFor } from '../../scripts/lib/processes.ts';
import { startCluster } from '../../scripts/lib/cluster.ts';
import { Workload } from '../lib/workload.ts';

const cycles = Number(process.env.FAILOVER_CYCLES ?? 10);

test(`kill -9 the primary under 64 clients, ${cycles} cycles: nothing acknowledged lost, linearizable`, async () => {
  const seed = Number(process.env.SEED ?? Date.now() % 1_000_000);
  const random = seededRandom(seed);
  const cluster = await startCluster({ groups: 1, replicas: 3, kvs: { checkpointEveryWrites: 2000 } });
  const keys = Array.from({ length: 64 }, (_, i) => `k${i}`);
  const load = new Workload(cluster.config, { clients: 64, sharedClients: 4, keys, rowOf: (k) => `fail#${k.length % 4}`, random });
  const failoverMs: number[] = [];
  try {
    load.start();
    for (let cycle = 0; cycle < cycles; cycle++) {
      await waitFor(() => load.acknowledgedWrites > (cycle + 1) * 200, { timeoutMs: 30_000, what: 'writes before the kill' });
      const primary = await cluster.primaryOf(0);
      const killedAt = performance.now();
      await cluster.kill9(primary);
      const firstWrite = await waitFor(
        () =>
          load.history.find((o) => o.call > killedAt && o.ret !== null && o.op.kind !== 'get' && o.clientId >= 0)?.ret,
        { timeoutMs: 30_000, what: `a write acknowledged after killing ${primary}` },
      );
      failoverMs.push(firstWrite! - killedAt);
      cluster.start(primary);
      await cluster.waitHealthy(60_000);
    }
    await load.stop();
    await load.finalReads(cluster.client);
    const lost = load.lostWrites();
    const verdict = checkLinearizable(load.history, { timeoutMs: 60_000 });
    const batched = load.batchFigures();
    failoverMs.sort((a, b) => a - b);
    console.log(
      `cycles ${cycles}, operations ${load.history.length}, acknowledged writes ${load.acknowledgedWrites}, lost ${lost}, ` +
        `linearizable ${verdict.ok}, failover p50 ${failoverMs[Math.floor(failoverMs.length / 2)]!.toFixed(0)} ms ` +
        `max ${failoverMs.at(-1)!.toFixed(0)} ms, ${batched.batchedOps} operations in ${batched.batches} batches, seed ${seed}`,
    );
    assert.ok(batched.batches > 0, 'the load went as batches');
    assert.equal(lost, 0, `acknowledged writes lost (seed ${seed})`);
    assert.equal(verdict.ok, true, `history not linearizable (seed ${seed}): ${JSON.stringify(verdict)}`);
  } finally {
    await load.stop();
    load.close();
    await cluster.close();
  }
});
