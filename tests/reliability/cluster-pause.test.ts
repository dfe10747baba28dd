// Issue 3, reliability 3: SIGSTOP the primary for 3 s while clients write through it, then
// SIGCONT. Another replica takes over; the paused one must acknowledge nothing once it resumes,
// and no read anywhere may return a stale value (the whole history stays linearizable).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { NodeClient } from '../../cluster/kvs/client.ts';
import { checkLinearizable, type Operation } from '../lib/linearizability.ts';
import { seededRandom, waitFor } from '../lib/processes.ts';
import { startCluster } from '../lib/cluster.ts';
import { Workload } from '../lib/workload.ts';

test('a paused primary acknowledges nothing after it resumes, and no read is stale', async () => {
  const seed = Number(process.env.SEED ?? Date.now() % 1_000_000);
  const cluster = await startCluster({ groups: 1, replicas: 3 });
  const keys = Array.from({ length: 16 }, (_, i) => `p${i}`);
  const load = new Workload(cluster.config, { clients: 16, keys, rowOf: () => 'pause#row', random: seededRandom(seed) });
  try {
    load.start();
    await waitFor(() => load.acknowledgedWrites > 200, { timeoutMs: 30_000, what: 'writes before the pause' });
    const old = await cluster.primaryOf(0);
    const oldClient = new NodeClient(cluster.config.kvs.nodes[old]!, 8000);
    const paused = cluster.services.get(old)!.child;
    paused.kill('SIGSTOP');
    const stoppedAt = performance.now();
    // Writes sent straight to the paused primary: they wait in its socket until it resumes.
    const stuck: Operation[] = [];
    const stuckCalls = keys.slice(0, 8).map(async (key, i) => {
      const record: Operation = { clientId: 100 + i, key, op: { kind: 'put', value: `stuck-${i}` }, call: performance.now(), ret: null };
      stuck.push(record);
      load.history.push(record);
      try {
        await oldClient.put('pause#row', key, `stuck-${i}`);
        record.ret = performance.now();
      } catch {
        // refused or timed out: unknown outcome
      }
    });
    const newPrimary = await waitFor(
      async () => {
        const p = (await cluster.status()).groups[0]!.primary;
        return p && p !== old ? p : undefined;
      },
      { timeoutMs: 30_000, what: 'a new primary while the old one is paused' },
    );
    const elapsed = performance.now() - stoppedAt;
    if (elapsed < 3000) await new Promise((r) => setTimeout(r, 3000 - elapsed)); // the pause itself lasts 3 s
    paused.kill('SIGCONT');
    const resumedAt = performance.now();
    await Promise.all(stuckCalls);
    const ackedAfterResume = stuck.filter((o) => o.ret !== null && o.ret > resumedAt).length;
    // Reads through the resumed node must be current: they go to the new primary or fail.
    for (const key of keys) {
      const record: Operation = { clientId: 200, key, op: { kind: 'get' }, call: performance.now(), ret: null };
      load.history.push(record);
      try {
        const v = await oldClient.get('pause#row', key);
        record.ret = performance.now();
        record.result = v === undefined ? { found: false } : { found: true, value: v.toString() };
      } catch {
        // unavailable while it learns the new epoch
      }
    }
    oldClient.close();
    await load.stop();
    await load.finalReads(cluster.client);
    const verdict = checkLinearizable(load.history, { timeoutMs: 60_000 });
    console.log(
      `paused ${old}, new primary ${newPrimary}, writes to the paused node acknowledged after resume ${ackedAfterResume}, ` +
        `operations ${load.history.length}, lost ${load.lostWrites()}, linearizable ${verdict.ok}, seed ${seed}`,
    );
    assert.equal(ackedAfterResume, 0);
    assert.equal(load.lostWrites(), 0);
    assert.equal(verdict.ok, true, JSON.stringify(verdict));
  } finally {
    await load.stop();
    load.close();
    await cluster.close();
  }
});
