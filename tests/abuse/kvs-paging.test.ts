// A row too wide for one reply (docs/ARCHITECTURE.md, "Public KVS API"): 200,000 columns in one
// row through a real cluster, read back page by page with every reply within the server's caps,
// and the old unpaged ListColumns call, a request naming only the row, answered with the first
// page and `more` instead of a reply past the 16 MiB a gRPC message may carry. Prints the figures:
// columns written per second, pages, ms per page, the primary's resident memory.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { callUnary, channelOptions, grpcMessageBytesMax } from '../../cluster/common/grpc.ts';
import { channelCredentials } from '../../cluster/common/tls/credentials.ts';
import { columnWireBytes } from '../../cluster/kvs/core/column-page.ts';
import { KeyValueClient, type ListColumnsReply__Output } from '../../cluster/kvs/io/wire.ts';
import { startCluster } from '../../scripts/lib/cluster.ts';
import { residentBytes } from '../../scripts/lib/processes.ts';

const columnCount = 200_000;
const inFlight = 64;
const row = 'mbox#wide';
// Names as long as a mailbox's index entries could be: 200,000 of them make an unpaged reply
// of about 24 MB, past the gRPC limit.
const nameOf = (i: number) => `m-${String(i).padStart(6, '0')}-${'x'.repeat(91)}`;
const MiB = 1024 * 1024;
const mib = (bytes: number) => `${(bytes / MiB).toFixed(1)} MiB`;

test('a row of 200,000 columns reads back page by page; the unpaged call gets a page and `more`', { timeout: 300_000 }, async () => {
  // One group of two replicas and one coordinator: the smallest real cluster that replicates, so
  // the writes fit the two cores in about a minute. Memory enough for the row, no eviction churn.
  const cluster = await startCluster({ groups: 1, replicas: 2, coordinators: 1, kvs: { memoryBytesMax: 256 * MiB } });
  try {
    const { listColumnsMax, listColumnsBytesMax } = cluster.config.kvs;
    const primary = await cluster.primaryOf(0);
    const rss = () => residentBytes(cluster.services.get(primary)!.child.pid!);
    const rssBefore = rss();

    const writeStartMs = Date.now();
    let next = 0;
    await Promise.all(
      Array.from({ length: inFlight }, async () => {
        for (let i = next++; i < columnCount; i = next++) await cluster.client.put(row, nameOf(i), String(i));
      }),
    );
    const writeMs = Date.now() - writeStartMs;
    const rssWritten = rss();
    const unpagedBytes = Array.from({ length: columnCount }, (_, i) => columnWireBytes(nameOf(i))).reduce((a, b) => a + b, 0);
    assert.ok(unpagedBytes > grpcMessageBytesMax, 'the row is wider than one gRPC message');

    // The old call: a request naming only the row, as callers built before paging send it.
    const raw = new KeyValueClient(cluster.config.kvs.nodes[primary]!, channelCredentials(cluster.config), channelOptions);
    try {
      const old = await callUnary<ListColumnsReply__Output>(raw, 'ListColumns', { row }, 30_000);
      assert.equal(old.more, true);
      assert.equal(old.columns.length, listColumnsMax);
      assert.deepEqual(old.columns.slice(0, 2).map((c) => c.name), [nameOf(0), nameOf(1)]);
    } finally {
      raw.close();
    }

    // Every column, page by page, each reply within the caps.
    const readStartMs = Date.now();
    let pages = 0;
    let largestPageBytes = 0;
    let seen = 0;
    for (let after = '', more = true; more; pages++) {
      const page = await cluster.client.listColumnsPage(row, { after });
      const bytes = page.columns.reduce((n, c) => n + columnWireBytes(c.name), 0);
      assert.ok(page.columns.length <= listColumnsMax && bytes <= listColumnsBytesMax, `page ${pages}: ${page.columns.length} columns, ${bytes} bytes`);
      largestPageBytes = Math.max(largestPageBytes, bytes);
      for (const c of page.columns) {
        assert.equal(c.name, nameOf(seen), 'every column once, in order');
        assert.equal(c.size, String(seen).length);
        seen++;
      }
      more = page.more;
      after = page.columns.at(-1)?.name ?? after;
    }
    const readMs = Date.now() - readStartMs;
    assert.equal(seen, columnCount);

    // A small page and a prefix, and the whole-row call existing callers make, which pages inside.
    const small = await cluster.client.listColumnsPage(row, { after: nameOf(99), limit: 3 });
    assert.deepEqual(small.columns.map((c) => c.name), [nameOf(100), nameOf(101), nameOf(102)]);
    assert.equal(small.more, true);
    const prefixed = await cluster.client.listColumnsPage(row, { prefix: 'm-00012' });
    assert.deepEqual(prefixed.columns.map((c) => c.name), Array.from({ length: 10 }, (_, i) => nameOf(120 + i)));
    assert.equal(prefixed.more, false);
    const wholeStartMs = Date.now();
    assert.equal((await cluster.client.listColumns(row)).length, columnCount);
    const wholeMs = Date.now() - wholeStartMs;

    console.log(`FIGURE columns written: ${columnCount} in ${(writeMs / 1000).toFixed(1)} s, ${Math.round(columnCount / (writeMs / 1000))} columns/s (${inFlight} in flight)`);
    console.log(`FIGURE unpaged reply would be: ${mib(unpagedBytes)} (gRPC limit ${mib(grpcMessageBytesMax)})`);
    console.log(`FIGURE pages: ${pages}, largest ${mib(largestPageBytes)}, ${(readMs / pages).toFixed(1)} ms per page, ${readMs} ms in all`);
    console.log(`FIGURE listColumns (whole row, paged inside): ${wholeMs} ms`);
    console.log(`FIGURE primary RSS: ${mib(rssBefore)} empty, ${mib(rssWritten)} after the writes, ${mib(rss())} after the reads`);
  } finally {
    await cluster.close();
  }
});
