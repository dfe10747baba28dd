// kill -9 the coordinator group's leader in the middle of a failover (epochs keep rising, one
// primary), and kill -9 every process during writes (nothing acknowledged lost).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { seededRandom, waitFor } from '../../scripts/lib/processes.ts';
import { startCluster } from '../../scripts/lib/cluster.ts';
import { Workload } from '../lib/workload.ts';
import { assertWorkloadSound, closeWorkload, judgeWorkload } from '../lib/workload-verdict.ts';

test('kill -9 the coordinator leader during a failover: epochs keep rising and there is one primary', async () => {
  const cluster = await startCluster({ groups: 1, replicas: 3 });
  try {
    for (let round = 0; round < 3; round++) {
      const before = await cluster.status();
      const old = before.groups[0]!.primary;
      await cluster.client.put('coord#row', `r${round}`, 'before');
      const leader = await cluster.coordinatorLeader();
      await cluster.kill9(old);
      // Let the leader notice (a miss or two), then kill it mid-failover.
      await new Promise((r) => setTimeout(r, 150 + 250 * round));
      await cluster.kill9(leader);
      cluster.start(leader);
      cluster.start(old);
      const after = await cluster.waitHealthy(60_000);
      const primaries = await Promise.all(cluster.nodes.map((n) => cluster.node(n.id).status()));
      const claiming = primaries.filter((s) => s.role === 'primary').map((s) => s.node_id);
      console.log(`round ${round}: epoch ${before.groups[0]!.epoch} → ${after.groups[0]!.epoch}, primary ${old} → ${after.groups[0]!.primary}`);
      assert.ok(after.groups[0]!.epoch > before.groups[0]!.epoch, 'the epoch rose');
      assert.deepEqual(claiming, [after.groups[0]!.primary], 'exactly one node acts as primary');
      assert.equal((await cluster.client.get('coord#row', `r${round}`))?.toString(), 'before');
    }
  } finally {
    await cluster.close();
  }
});

const cycles = Number(process.env.KILL_ALL_CYCLES ?? 5);

test(`kill -9 every process during writes, ${cycles} cycles: nothing acknowledged lost`, async () => {
  const seed = Number(process.env.SEED ?? Date.now() % 1_000_000);
  const random = seededRandom(seed);
  const cluster = await startCluster({ groups: 1, replicas: 3, kvs: { checkpointEveryWrites: 500 } });
  const keys = Array.from({ length: 32 }, (_, i) => `a${i}`);
  const load = new Workload(cluster.config, { clients: 32, keys, rowOf: (k) => `all#${k.length}`, random });
  try {
    for (let cycle = 0; cycle < cycles; cycle++) {
      load.start();
      await waitFor(() => load.acknowledgedWrites > (cycle + 1) * 300, { timeoutMs: 60_000, what: 'writes before the kill' });
      await new Promise((r) => setTimeout(r, random() * 300));
      await Promise.all([...cluster.services.keys()].map((name) => cluster.kill9(name)));
      await load.stop();
      for (const c of cluster.coordinators) cluster.start(c);
      for (const n of cluster.nodes) cluster.start(n.id);
      await cluster.waitHealthy(60_000);
    }
    const verdict = await judgeWorkload(load, cluster.client);
    console.log(`cycles ${cycles}, acknowledged writes ${load.acknowledgedWrites}, lost ${verdict.lost}, linearizable ${verdict.linearizable.ok}, seed ${seed}`);
    assertWorkloadSound(verdict, seed);
  } finally {
    await closeWorkload(load, cluster);
  }
});
