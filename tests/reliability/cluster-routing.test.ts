// Routing (docs/ARCHITECTURE.md, "Coordinator API"): the cluster client calls a group's primary itself, not a backup that would pass the
// call on (one more hop on every call), and after the primary fails it finds the new one.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ClusterClient } from '../../cluster/kvs/cluster-client.ts';
import { startCluster } from '../../scripts/lib/cluster.ts';
import { waitFor } from '../../scripts/lib/processes.ts';

test('calls go straight to the primary, and to the new primary after kill -9 of the old one', async () => {
  const cluster = await startCluster({ groups: 1, replicas: 3 });
  // Several clients: the coordinator's round-robin assignment would have sent most to a backup.
  const clients = Array.from({ length: 6 }, () => new ClusterClient(cluster.config, { retryDeadlineMs: 30_000 }));
  try {
    const first = await cluster.primaryOf(0);
    for (const [i, c] of clients.entries()) {
      await c.put('route#row', `c${i}`, `before ${i}`);
      assert.equal((await c.assignment('route#row')).nodeId, first, `client ${i} should call the primary ${first}`);
    }

    await cluster.kill9(first);
    // Each client's next call fails on the dead node, asks the coordinator again, and lands on
    // whichever replica it elects.
    await Promise.all(clients.map((c, i) => c.put('route#row', `c${i}`, `after ${i}`)));
    const second = await waitFor(async () => (await cluster.status()).groups[0]!.primary || undefined, { timeoutMs: 30_000, what: 'a new primary' });
    assert.notEqual(second, first);
    for (const [i, c] of clients.entries()) {
      assert.equal((await c.assignment('route#row')).nodeId, second, `client ${i} should have moved to the new primary ${second}`);
      assert.equal((await c.get('route#row', `c${i}`))?.toString(), `after ${i}`);
    }
  } finally {
    clients.forEach((c) => c.close());
    await cluster.close();
  }
});
