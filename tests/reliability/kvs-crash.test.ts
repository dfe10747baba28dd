// kill -9 a real node while 32 writers put unique values, restart it, and read back every
// write that was acknowledged. Writes that failed or timed out may or may not be there.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { NodeClient } from '../../cluster/kvs/client.ts';
import { seededRandom } from '../../scripts/lib/processes.ts';
import { startSingleNode } from '../../scripts/lib/single-node.ts';

const cycles = Number(process.env.CRASH_CYCLES ?? 20);
const writers = 32;

test(`kill -9 under ${writers} concurrent writers, ${cycles} cycles: no acknowledged write lost`, async () => {
  const seed = Number(process.env.SEED ?? Date.now() % 1_000_000);
  const random = seededRandom(seed);
  // Small checkpoint interval so crashes also land during checkpoints and log truncation.
  const node = await startSingleNode({ checkpointEveryWrites: 500, memoryBytesMax: 1024 * 1024, tabletBytesMax: 128 * 1024 });
  const acked = new Map<string, string>();
  let attempted = 0;
  let lost = 0;
  try {
    for (let cycle = 0; cycle < cycles; cycle++) {
      const clients = Array.from({ length: writers }, () => new NodeClient(node.config, node.address, 3000));
      let running = true;
      const loops = clients.map(async (client, w) => {
        for (let n = 0; running; n++) {
          const key = `k${cycle}-${w}-${n}`;
          const value = `${key}:${Math.floor(random() * 1e9)}`;
          attempted++;
          try {
            await client.put(`crash#${key.slice(0, 6)}`, key, value);
            acked.set(key, value);
          } catch {
            return; // the node is gone: this write's outcome is unknown
          }
        }
      });
      await new Promise((r) => setTimeout(r, 100 + random() * 700));
      await node.service.kill9();
      running = false;
      await Promise.all(loops);
      clients.forEach((c) => c.close());
      await node.restart();

      const all = [...acked];
      for (let i = 0; i < all.length; i += 256) {
        const batch = all.slice(i, i + 256);
        const got = await Promise.all(batch.map(([key]) => node.client.get(`crash#${key.slice(0, 6)}`, key)));
        got.forEach((value, j) => {
          if (value?.toString() !== batch[j]![1]) lost++;
        });
      }
      assert.equal(lost, 0, `cycle ${cycle}: ${lost} acknowledged writes lost (seed ${seed})`);
    }
    console.log(`cycles ${cycles}, writes attempted ${attempted}, acknowledged ${acked.size}, lost ${lost}, seed ${seed}`);
    assert.ok(acked.size > cycles * writers, 'the writers made progress');
  } finally {
    await node.close();
  }
});
