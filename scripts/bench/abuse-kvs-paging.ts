// The wide-row attack on the key-value store, against real processes (one group of two
// replicas, one coordinator): COLUMNS (200,000) columns of ~100-byte names written into one row,
// IN_FLIGHT (64) at a time, then the row listed. Before paging, the one ListColumns reply was
// larger than a gRPC message may be, and the row could never be listed again; with paging, the
// listing takes pages of bounded size. Runs on the code before paging too (it pages only when
// the client can), for the "before" figures. tests/abuse/kvs-paging.test.ts checks the answers.
import { callUnary, channelOptions } from '../../cluster/common/grpc.ts';
import { channelCredentials } from '../../cluster/common/tls/credentials.ts';
import { KeyValueClient } from '../../cluster/kvs/io/wire.ts';
import { startCluster } from '../lib/cluster.ts';
import { residentBytes } from '../lib/processes.ts';
import { figure } from './figures.ts';

const columnCount = Number(process.env.COLUMNS ?? 200_000);
const inFlight = Number(process.env.IN_FLIGHT ?? 64);
const row = 'mbox#wide';
const nameOf = (i: number) => `m-${String(i).padStart(6, '0')}-${'x'.repeat(91)}`;
const MiB = 1024 * 1024;
const bench = 'abuse:kvs_paging';

const cluster = await startCluster({ groups: 1, replicas: 2, coordinators: 1, kvs: { memoryBytesMax: 256 * MiB } });
try {
  const primary = await cluster.primaryOf(0);
  const startMs = Date.now();
  let next = 0;
  await Promise.all(
    Array.from({ length: inFlight }, async () => {
      for (let i = next++; i < columnCount; i = next++) await cluster.client.put(row, nameOf(i), String(i));
    }),
  );
  figure(bench, 'columns_written', columnCount / ((Date.now() - startMs) / 1000), 'columns/s');

  // The unpaged call: a request naming only the row.
  const raw = new KeyValueClient(cluster.config.kvs.nodes[primary]!, channelCredentials(cluster.config), channelOptions);
  try {
    const reply = await callUnary<{ columns: unknown[]; more?: boolean }>(raw, 'ListColumns', { row }, 60_000);
    figure(bench, 'unpaged_columns_answered', reply.columns.length, 'columns');
    figure(bench, 'unpaged_more', reply.more ? 1 : 0, 'bool');
  } catch (err) {
    console.log(`unpaged ListColumns failed: ${(err as Error).message}`);
    figure(bench, 'unpaged_columns_answered', 0, 'columns');
  } finally {
    raw.close();
  }

  const client = cluster.client as unknown as { listColumnsPage?: (r: string, o: { after: string }) => Promise<{ columns: { name: string }[]; more: boolean }> };
  if (client.listColumnsPage) {
    const readStartMs = Date.now();
    let pages = 0;
    let listed = 0;
    for (let after = '', more = true; more; pages++) {
      const page = await client.listColumnsPage.call(cluster.client, row, { after });
      listed += page.columns.length;
      more = page.more;
      after = page.columns.at(-1)?.name ?? after;
    }
    figure(bench, 'paged_columns_listed', listed, 'columns');
    figure(bench, 'pages', pages, 'pages');
    figure(bench, 'ms_per_page', (Date.now() - readStartMs) / pages, 'ms');
  }
  figure(bench, 'primary_rss', residentBytes(cluster.services.get(primary)!.child.pid!) / MiB, 'MiB');
} finally {
  await cluster.close();
}
