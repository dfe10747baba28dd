// Leases (docs/ARCHITECTURE.md, invariant 3): SIGSTOP the primary for 3 s while clients write through it, then
// SIGCONT. Another replica takes over; the paused one must acknowledge nothing on its own
// authority once it resumes, and no read anywhere may return a stale value (the whole history
// stays linearizable). Writes sent to it during the pause wait in its socket; after it resumes it
// may answer them only by forwarding them to the new primary (as any backup does, once it has
// heard of the new epoch), so each one it acknowledges must be in the new primary's store.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { NodeClient } from '../../cluster/kvs/client.ts';
import { checkLinearizable, type Operation } from '../lib/linearizability.ts';
import { seededRandom, waitFor } from '../../scripts/lib/processes.ts';
import { startCluster } from '../../scripts/lib/cluster.ts';
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
    const oldClient = new NodeClient(cluster.config, cluster.config.kvs.nodes[old]!, 8000);
    const paused = cluster.services.get(old)!.child;
    paused.kill('SIGSTOP');
    const stoppedAt = performance.now();
    // Writes sent straight to the paused primary: they wait in its socket until it resumes. Their
    // keys are their own (the load never writes them), so each one's value says who has it.
    const stuck: Operation[] = [];
    const stuckCalls = Array.from({ length: 8 }, (_, i) => `stuck${i}`).map(async (key, i) => {
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
    const ackedAfterResume = stuck.filter((o) => o.ret !== null && o.ret > resumedAt);
    // Each acknowledged after the resume was committed by the new primary: it has the value.
    const newClient = new NodeClient(cluster.config, cluster.config.kvs.nodes[newPrimary]!, 8000);
    const missing: string[] = [];
    for (const o of ackedAfterResume) {
      const value = (await newClient.get('pause#row', o.key))?.toString();
      if (o.op.kind === 'put' && value !== o.op.value) missing.push(`${o.key}=${value ?? 'absent'}`);
    }
    newClient.close();
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
      `paused ${old}, new primary ${newPrimary}, writes to the paused node acknowledged after resume ${ackedAfterResume.length} ` +
        `(not in the new primary's store: ${missing.length}), ` +
        `operations ${load.history.length}, lost ${load.lostWrites()}, linearizable ${verdict.ok}, seed ${seed}`,
    );
    assert.deepEqual(missing, [], 'writes the resumed node acknowledged that the new primary does not have');
    assert.equal(load.lostWrites(), 0);
    assert.equal(verdict.ok, true, JSON.stringify(verdict));
  } finally {
    await load.stop();
    load.close();
    await cluster.close();
  }
});
