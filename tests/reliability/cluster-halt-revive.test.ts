// A node that returns (cluster/REPLICATION.md): Halt a backup, keep writing, Revive it: it catches up and holds what
// the primary holds. Also through a checkpoint, so the catch-up must send the checkpoint.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { NodeClient } from '../../cluster/kvs/client.ts';
import type { RowInfo } from '../../cluster/kvs/core/types.ts';
import { waitFor } from '../../scripts/lib/processes.ts';
import { startCluster } from '../../scripts/lib/cluster.ts';

async function allRows(node: NodeClient): Promise<RowInfo[]> {
  const rows: RowInfo[] = [];
  for (let after = ''; ; ) {
    const page = await node.scanRows(after, 100);
    rows.push(...page.rows);
    if (!page.nextAfterRow) return rows;
    after = page.nextAfterRow;
  }
}

for (const checkpointEveryWrites of [100_000, 300]) {
  const how = checkpointEveryWrites < 1000 ? 'from a checkpoint' : 'from the log';
  test(`a halted backup revives, catches up ${how}, and equals the primary`, async () => {
    const cluster = await startCluster({ groups: 1, replicas: 3, kvs: { checkpointEveryWrites } });
    try {
      for (let i = 0; i < 100; i++) await cluster.client.put(`halt#${i % 7}`, `c${i}`, `before ${i}`);
      const s = await cluster.status();
      const backup = s.groups[0]!.inSync.find((n) => n !== s.groups[0]!.primary)!;
      await cluster.node(backup).halt();
      await waitFor(async () => (await cluster.status()).nodes.find((n) => n.id === backup)!.state === 'halted', {
        timeoutMs: 10_000,
        what: `${backup} to show as halted`,
      });
      for (let i = 0; i < 1000; i += 20) {
        await Promise.all(
          Array.from({ length: 20 }, (_, j) => cluster.client.put(`halt#${(i + j) % 7}`, `c${i + j}`, Buffer.alloc(300 + ((i + j) % 50), i + j))),
        );
      }
      await cluster.node(backup).revive();
      const healthy = await cluster.waitHealthy(60_000);
      const primary = healthy.groups[0]!.primary;
      const [mine, theirs] = await Promise.all([cluster.node(backup).status(), cluster.node(primary).status()]);
      console.log(`revived ${backup}: lsn ${mine.log_position} (primary ${theirs.log_position}), keys ${mine.key_count}, checkpoint v${mine.checkpoint_version}`);
      assert.equal(mine.log_position, theirs.log_position);
      assert.equal(mine.key_count, theirs.key_count);
      assert.deepEqual(await allRows(cluster.node(backup)), await allRows(cluster.node(primary)));
    } finally {
      await cluster.close();
    }
  });
}
