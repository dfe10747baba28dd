// `npm run bench:kvs`: one storage node with a fresh data dir, 64 concurrent clients.
// Prints puts/s and gets/s with 256-byte values, put MB/s with 1 MiB values, p50/p99 latency,
// writes per fsync (group commit), and beside them the raw capacity of the same disk: 256-byte
// appends, each fsync'd, in a loop (as the raw disk loop of docs/PERFORMANCE.md, "Peers"). After every phase it
// prints the node's resident memory, the highest seen during the phase (sampled every 100 ms)
// and at its end, against kvs.memoryBytesMax. BENCH_SECONDS sets each phase's length (default
// 10), BENCH_WARMUP_SECONDS the untimed puts and gets before the first (default 6: "Warm-up" in
// docs/PERFORMANCE.md); BENCH_CONNECTIONS (default 64, as redis-benchmark's -c) how many connections the 64
// clients share. With fewer connections than clients, the clients of one connection have their
// operations coalesced into Batch calls (as the cluster client does) unless BENCH_BATCH=0.
import { open, rm } from 'node:fs/promises';
import path from 'node:path';
import { NodeClient } from '../../cluster/kvs/client.ts';
import { startSingleNode, type SingleNode } from '../lib/single-node.ts';
import { figure, loadFigures } from './figures.ts';
import { formatLoad, runLoad, warmUp, type LoadResult } from './load.ts';

const clientsCount = 64;
const seconds = Number(process.env.BENCH_SECONDS ?? 10);
const connections = Math.max(1, Math.min(clientsCount, Number(process.env.BENCH_CONNECTIONS ?? clientsCount)));
const batch = process.env.BENCH_BATCH !== '0';
const memoryBytesMax = 256 * 1024 * 1024;
const MiB = 2 ** 20;

/** 256-byte appends, each followed by fsync, for `forSeconds`: the disk's durable-append rate. */
async function rawAppendFsync(dir: string, forSeconds: number): Promise<number> {
  const file = path.join(dir, 'raw-append-fsync.bin');
  const handle = await open(file, 'a');
  const record = Buffer.alloc(256, 'r');
  let n = 0;
  const started = performance.now();
  try {
    while (performance.now() - started < forSeconds * 1000) {
      await handle.write(record);
      await handle.sync();
      n++;
    }
  } finally {
    await handle.close();
    await rm(file, { force: true });
  }
  return n / ((performance.now() - started) / 1000);
}

/** Runs a load phase while sampling the node's resident memory; prints both. */
async function phase(node: SingleNode, name: string, label: string, run: () => Promise<LoadResult>, extra?: (r: LoadResult) => string): Promise<LoadResult> {
  let peak = 0;
  let sampling = true;
  const sampler = (async () => {
    while (sampling) {
      peak = Math.max(peak, (await node.client.status()).rss_bytes);
      await new Promise((r) => setTimeout(r, 100));
    }
  })();
  const result = await run();
  sampling = false;
  await sampler;
  const after = (await node.client.status()).rss_bytes;
  peak = Math.max(peak, after);
  console.log(formatLoad(label, result, extra?.(result) ?? ''));
  console.log(`  node resident: peak ${(peak / MiB).toFixed(0)} MiB during, ${(after / MiB).toFixed(0)} MiB after (memoryBytesMax ${memoryBytesMax / MiB} MiB)`);
  loadFigures('kvs', name, result);
  figure('kvs', `${name}_rss_peak`, peak / MiB, 'MiB');
  figure('kvs', `${name}_rss_after`, after / MiB, 'MiB');
  return result;
}

async function main(): Promise<void> {
  const node = await startSingleNode({ memoryBytesMax });
  const limits = { opsMax: node.config.kvs.batchOpsMax, bytesMax: node.config.kvs.batchBytesMax };
  const pool = Array.from({ length: connections }, () => new NodeClient(node.config, node.address, 30_000, batch ? { batch: limits } : {}));
  const clients = Array.from({ length: clientsCount }, (_, c) => pool[c % connections]!);
  try {
    console.log(`bench:kvs — one node, ${clientsCount} clients over ${connections} connection(s), batching ${batch ? 'on' : 'off'}, ${seconds} s per phase`);
    const raw = await rawAppendFsync(node.env.dir, Math.min(3, seconds));
    console.log(`raw 256 B append + fsync on this disk: ${raw.toFixed(0)} /s`);
    figure('kvs', 'raw_append_fsync', raw, 'ops/s');
    const startRss = (await node.client.status()).rss_bytes;
    console.log(`node resident at start: ${(startRss / MiB).toFixed(0)} MiB`);
    figure('kvs', 'rss_start', startRss / MiB, 'MiB');
    await Promise.all(clients.map((c, i) => c.put(`bench#${i % 16}`, 'warm-up', 'x')));

    const small = Buffer.alloc(256, 'x');
    const keyOf = (c: number, n: number) => [`bench#${c % 16}`, `c${c}-${n % 2000}`] as const;
    await warmUp(
      clientsCount,
      (c, n) => clients[c]!.put(...keyOf(c, n), small),
      (c, n) => clients[c]!.get(...keyOf(c, n)),
    );
    const before = await node.client.status();
    const puts = await phase(node, 'put_256b', 'put 256 B', () => runLoad(clientsCount, seconds, (c, n) => clients[c]!.put(...keyOf(c, n), small)));
    const afterPuts = await node.client.status();
    const fsyncs = afterPuts.log_fsyncs - before.log_fsyncs;
    const perFsync = (afterPuts.log_entries_synced - before.log_entries_synced) / Math.max(1, fsyncs);
    console.log(`  ${perFsync.toFixed(1)} writes/fsync, ${(fsyncs / puts.seconds).toFixed(0)} fsyncs/s; puts are ${((puts.opsPerSecond / raw) * 100).toFixed(0)} % of the raw append+fsync rate`);
    figure('kvs', 'put_256b_writes_per_fsync', perFsync, 'writes');
    figure('kvs', 'put_256b_vs_raw', puts.opsPerSecond / raw, 'ratio');

    await phase(node, 'get_256b', 'get 256 B', () => runLoad(clientsCount, seconds, (c, n) => clients[c]!.get(...keyOf(c, n))));
    const big = Buffer.alloc(1024 * 1024, 'y');
    await phase(
      node,
      'put_1mib',
      'put 1 MiB',
      () => runLoad(clientsCount, seconds, (c, n) => clients[c]!.put(`blob#${c}`, `c${n % 8}`, big)),
      (r) => `  ${r.opsPerSecond.toFixed(1)} MB/s`,
    );
    const status = await node.client.status();
    console.log(`node: ${status.key_count} keys, ${(status.memory_bytes / MiB).toFixed(0)} MiB in tablets, ${(status.rss_bytes / MiB).toFixed(0)} MiB resident, checkpoint v${status.checkpoint_version}`);
    figure('kvs', 'rss_end', status.rss_bytes / MiB, 'MiB');
  } finally {
    pool.forEach((c) => c.close());
    await node.close();
  }
}

void main();
