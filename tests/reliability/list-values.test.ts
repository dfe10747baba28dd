// ListColumns with values on a real group of three (docs/ARCHITECTURE.md, "The key-value store"
// and invariant 6): a page of values is a read on the primary like a Get, so after kill -9 of the
// primary under concurrent writers, the new primary's pages show every acknowledged write with
// its value; a backup asked for a page passes it to the primary; bad pages are refused at the
// node's gRPC boundary with INVALID_ARGUMENT.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isPennError } from '../../cluster/common/errors.ts';
import { ClusterClient, type ColumnValue } from '../../cluster/kvs/cluster-client.ts';
import { startCluster } from '../../scripts/lib/cluster.ts';
import { waitFor } from '../../scripts/lib/processes.ts';

const row = 'values#index';
const writers = 8;
/** A value unique to its column, about 200 bytes like a message summary. */
const valueOf = (column: string) => Buffer.from(`${column};`.repeat(20));

test('after kill -9 of the primary, a values page shows every acknowledged write; backups forward; bad pages refused', async () => {
  const cluster = await startCluster({ groups: 1, replicas: 3 });
  const client = new ClusterClient(cluster.config, { retryDeadlineMs: 30_000 });
  const acknowledged = new Set<string>();
  const attempted = new Set<string>();
  let stop = false;
  try {
    // Writers put columns, each once with its own value, and note which were acknowledged.
    const load = Promise.all(
      Array.from({ length: writers }, async (_, w) => {
        for (let n = 0; !stop; n++) {
          const column = `m/${String(n).padStart(5, '0')}-${w}`;
          attempted.add(column);
          try {
            await client.put(row, column, valueOf(column));
            acknowledged.add(column);
          } catch {
            // Unknown outcome: the column may or may not be there; only its value is checked.
          }
        }
      }),
    );
    await waitFor(() => acknowledged.size >= 400, { timeoutMs: 30_000, what: 'writes before the kill' });
    const old = await cluster.primaryOf(0);
    await cluster.kill9(old);
    const before = acknowledged.size;
    await waitFor(() => acknowledged.size >= before + 200, { timeoutMs: 30_000, what: 'writes acknowledged by the new primary' });
    stop = true;
    await load;
    const primary = await cluster.primaryOf(0);
    assert.notEqual(primary, old);

    // Small pages, so the read spans many calls to the new primary.
    const read = await client.readColumns(row, { bytesMax: 64 * 1024 * 1024 });
    assert.equal(read.more, false);
    checkCells(read.columns, acknowledged, attempted);
    const paged: ColumnValue[] = [];
    for (let after = '', more = true; more; ) {
      const page = await client.listColumnsPage(row, { after, withValues: true, bytesMax: 4096 });
      assert.ok(page.columns.length > 0 && page.columns.length <= 4096 / 200);
      paged.push(...page.columns);
      more = page.more;
      after = paged.at(-1)!.name;
    }
    assert.deepEqual(paged, read.columns, 'the same cells through pages of 4 KiB');

    // A bounded read stops before its budget and says so.
    const bounded = await client.readColumns(row, { bytesMax: 10_000 });
    assert.equal(bounded.more, true);
    assert.deepEqual(bounded.columns, read.columns.slice(0, bounded.columns.length));
    assert.ok(bounded.columns.reduce((n, c) => n + c.name.length + c.value.length, 0) <= 10_000);
    assert.deepEqual((await client.readColumns(row, { limit: 7, after: read.columns[2]!.name })).columns, read.columns.slice(3, 10));

    // The old primary comes back as a backup; asked directly, it passes the page to the primary.
    cluster.start(old);
    await cluster.waitHealthy(60_000);
    const backup = cluster.node(old);
    // The test's channel to the node may still be in its reconnect backoff from the kill.
    const forwarded = await waitFor(() => backup.listColumnsPage(row, { withValues: true, prefix: 'm/00001', bytesMax: 1 << 20 }), {
      timeoutMs: 30_000,
      what: 'the restarted node to answer',
    });
    assert.deepEqual(forwarded.columns, read.columns.filter((c) => c.name.startsWith('m/00001')));
    assert.equal((await backup.status()).role, 'backup');

    // INVALID_ARGUMENT at the node's boundary, naming the field.
    const refusal = await backup.listColumnsPage(row, { withValues: true, prefix: 'a\0b' }).catch((err: unknown) => err);
    assert.ok(isPennError(refusal, 'invalid_argument') && /prefix must not contain NUL/.test(refusal.message), String(refusal));
    const tooLong = await cluster.node(primary).listColumnsPage(row, { withValues: true, after: 'x'.repeat(2000) }).catch((err: unknown) => err);
    assert.ok(isPennError(tooLong, 'invalid_argument') && /after is 2000 bytes; the limit is 1024/.test(tooLong.message), String(tooLong));
  } finally {
    stop = true;
    client.close();
    await cluster.close();
  }
});

/** Every acknowledged column is there with its value; every column there was written, with its value. */
function checkCells(columns: ColumnValue[], acknowledged: Set<string>, attempted: Set<string>): void {
  const listed = new Map(columns.map((c) => [c.name, c]));
  const lost = [...acknowledged].filter((c) => !listed.has(c));
  assert.deepEqual(lost, [], 'acknowledged writes missing from the values pages');
  for (const c of columns) {
    assert.ok(attempted.has(c.name), `${c.name} was never written`);
    assert.deepEqual(c.value, valueOf(c.name), c.name);
    assert.equal(c.size, c.value.length);
  }
  const sorted = [...listed.keys()].sort();
  assert.deepEqual([...listed.keys()], sorted, 'in column order');
}
