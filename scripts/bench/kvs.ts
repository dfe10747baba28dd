// `npm run bench:kvs`: one storage node with a fresh data dir, 64 concurrent clients.
// Prints puts/s and gets/s with 256-byte values, put MB/s with 1 MiB values, p50/p99 latency,
// and writes per fsync (group commit). BENCH_SECONDS sets each phase's length (default 10).
import { NodeClient } from '../../cluster/kvs/client.ts';
import { startSingleNode } from '../../tests/lib/single-node.ts';
import { formatLoad, runLoad } from './load.ts';

const clientsCount = 64;
const seconds = Number(process.env.BENCH_SECONDS ?? 10);

async function main(): Promise<void> {
  const node = await startSingleNode({ memoryBytesMax: 256 * 1024 * 1024 });
  const clients = Array.from({ length: clientsCount }, () => new NodeClient(node.config, node.address, 30_000));
  try {
    const small = Buffer.alloc(256, 'x');
    const keyOf = (c: number, n: number) => [`bench#${c % 16}`, `c${c}-${n % 2000}`] as const;
    const fsyncsBefore = await node.client.status();
    const puts = await runLoad(clientsCount, seconds, (c, n) => clients[c]!.put(...keyOf(c, n), small));
    const fsyncsAfter = await node.client.status();
    const perFsync =
      (fsyncsAfter.log_entries_synced - fsyncsBefore.log_entries_synced) /
      Math.max(1, fsyncsAfter.log_fsyncs - fsyncsBefore.log_fsyncs);
    const gets = await runLoad(clientsCount, seconds, (c, n) => clients[c]!.get(...keyOf(c, n)));
    const big = Buffer.alloc(1024 * 1024, 'y');
    const bigPuts = await runLoad(clientsCount, seconds, (c, n) => clients[c]!.put(`blob#${c}`, `c${n % 8}`, big));
    const status = await node.client.status();
    console.log(`bench:kvs — one node, ${clientsCount} clients, ${seconds} s per phase`);
    console.log(formatLoad('put 256 B', puts, `  ${perFsync.toFixed(1)} writes/fsync`));
    console.log(formatLoad('get 256 B', gets));
    console.log(formatLoad('put 1 MiB', bigPuts, `  ${bigPuts.opsPerSecond.toFixed(1)} MB/s`));
    console.log(`node: ${status.key_count} keys, ${(status.rss_bytes / 2 ** 20).toFixed(0)} MiB resident, checkpoint v${status.checkpoint_version}`);
  } finally {
    clients.forEach((c) => c.close());
    await node.close();
  }
}

void main();
