// Batch, the store's many-operations call (proto/kvs.proto, docs/ARCHITECTURE.md "The key-value
// store"), on a real group of three over mutual TLS: each operation answers what its own call
// would have (results, refusals, the role check), a batch over the limits is refused whole with
// nothing in it applied, a backup passes a batch on, Gets past the reply budget are asked again
// alone, and the cluster client sends concurrent operations as batches, each answered right.
// BatchStream, the same batches as messages on one stream: many at once past the node's bound
// on one stream, each answered by its id; one refused whole says so on every operation.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import * as grpc from '@grpc/grpc-js';
import { status as GrpcStatus } from '@grpc/grpc-js';
import { fromGrpcError, isPennError } from '../../cluster/common/errors.ts';
import { NodeClient, type BatchOperation, type BatchResult__Output } from '../../cluster/kvs/client.ts';
import { ClusterClient } from '../../cluster/kvs/cluster-client.ts';
import { BatchStream, type BatchCall } from '../../cluster/kvs/batch-stream.ts';
import { KeyValueClient } from '../../cluster/kvs/io/wire.ts';
import { channelOptions } from '../../cluster/common/grpc.ts';
import { channelCredentials } from '../../cluster/common/tls/credentials.ts';
import { startCluster, type TestCluster } from '../../scripts/lib/cluster.ts';

const replyBytesMax = 64 * 1024;
const valueBytesMax = 64 * 1024;
const streamInFlightMax = 4;
let cluster: TestCluster;
let primary: NodeClient;
let backup: NodeClient;

before(async () => {
  // A small reply budget, so a few 20 KiB values already go past it; a small value limit, so a
  // value over it still fits in a batch (and is refused there, as alone).
  // A small in-flight bound per BatchStream, so a burst of batches on one stream passes it.
  cluster = await startCluster({ groups: 1, replicas: 3, kvs: { batchReplyBytesMax: replyBytesMax, valueBytesMax, batchStreamInFlightMax: streamInFlightMax } });
  const s = await cluster.waitHealthy(60_000);
  const group = s.groups[0]!;
  primary = cluster.node(group.primary);
  backup = cluster.node(s.nodes.find((n) => n.group === 0 && n.id !== group.primary)!.id);
});

after(async () => {
  cluster.client.close();
  await cluster.close();
});

const b = (s: string) => Buffer.from(s);
/** What the same operation answers as its own call: its value, or its error's code and message. */
async function alone<T>(call: Promise<T>): Promise<{ ok: T } | { code: string; message: string }> {
  try {
    return { ok: await call };
  } catch (err) {
    assert.ok(isPennError(err), String(err));
    return { code: err.code, message: err.message };
  }
}
/** A batch result in the same shape. */
function asAlone(r: BatchResult__Output): { ok: unknown } | { code: string; message: string } {
  if (r.code !== GrpcStatus.OK) {
    const err = fromGrpcError({ code: r.code, details: r.message });
    return { code: err.code, message: err.message };
  }
  if (r.get) return { ok: r.get.found ? r.get.value : undefined };
  if (r.put) return { ok: undefined };
  if (r.cput) return { ok: r.cput.applied };
  if (r.delete) return { ok: r.delete.existed };
  throw new Error(`a result with no reply: ${JSON.stringify(r)}`);
}

test('mixed operations in one batch: each answers what its own call answers, a failing CPut among successes', async () => {
  const row = 'mixed#1';
  await cluster.client.put(row, 'b', 'B');
  const tooBig = Buffer.alloc(valueBytesMax + 1);
  const results = await primary.batch([
    { put: { row, column: 'a', value: b('A') } },
    { cput: { row, column: 'b', expected: b('B'), value: b('B2') } },
    { cput: { row, column: 'a2', expected: b('nope'), value: b('x') } },
    { cput: { row, column: '', value: b('x'), expect_absent: true } },
    { put: { row, column: 'big', value: tooBig } },
    { delete: { row, column: 'never' } },
    { get: { row: '', column: 'a' } },
    { get: { row, column: 'b' } },
  ]);
  const answers = results.map(asAlone);
  assert.deepEqual(answers.slice(0, 3), [{ ok: undefined }, { ok: true }, { ok: false }]);
  assert.deepEqual(answers[5], { ok: false });
  // The refusals are word for word the single calls' (sent now, after the batch; they change nothing).
  assert.deepEqual(answers[3], await alone(primary.cput(row, '', null, 'x')));
  assert.deepEqual(answers[4], await alone(primary.put(row, 'big', tooBig)));
  assert.deepEqual(answers[6], await alone(primary.get('', 'a')));
  for (const i of [3, 4, 6]) assert.equal((answers[i] as { code: string }).code, 'invalid_argument', JSON.stringify(answers[i]));
  // Concurrent with the CPut of b, the Get of b sees it before or after, never anything else.
  assert.ok(['B', 'B2'].includes(String((answers[7] as { ok: Buffer }).ok)));
  // Read back, through a backup, which passes a batch on to its primary.
  const read = (await backup.batch([{ get: { row, column: 'a' } }, { get: { row, column: 'b' } }, { get: { row, column: 'a2' } }, { get: { row, column: 'big' } }])).map(asAlone);
  assert.deepEqual(read, [{ ok: b('A') }, { ok: b('B2') }, { ok: undefined }, { ok: undefined }]);
});

test('CPutAll: every expectation holds and all apply, or one fails and none does; through a backup too; malformed ones refused', async () => {
  const row = 'all#1';
  await cluster.client.put(row, 'state', 'S1');
  const lsnBefore = (await primary.status()).log_position;
  // Applied: both cells, as two consecutive log entries.
  assert.equal(await primary.cputAll([{ row, column: 'state', expected: b('S1'), value: b('S2') }, { row: 'all#2', column: 'entry', expected: null, value: b('E1') }]), true);
  assert.equal((await primary.status()).log_position, lsnBefore + 2);
  assert.equal((await cluster.client.get(row, 'state'))?.toString(), 'S2');
  assert.equal((await cluster.client.get('all#2', 'entry'))?.toString(), 'E1');
  // The first expectation is stale: nothing applies, not even the cell whose expectation holds.
  assert.equal(await primary.cputAll([{ row, column: 'state', expected: b('S1'), value: b('S3') }, { row, column: 'other', expected: null, value: b('O') }]), false);
  // The last expectation fails: the first cell is left as it was.
  assert.equal(await backup.cputAll([{ row, column: 'state', expected: b('S2'), value: b('S3') }, { row: 'all#2', column: 'entry', expected: null, value: b('E2') }]), false);
  assert.equal((await cluster.client.get(row, 'state'))?.toString(), 'S2');
  assert.equal((await cluster.client.get(row, 'other')), undefined);
  assert.equal((await cluster.client.get('all#2', 'entry'))?.toString(), 'E1');
  assert.equal((await primary.status()).log_position, lsnBefore + 2, 'nothing logged for the refused ones');
  // Through a backup, which passes it on whole; and through the cluster client.
  assert.equal(await backup.cputAll([{ row, column: 'state', expected: b('S2'), value: b('S3') }, { row, column: 'other', expected: null, value: b('O') }]), true);
  assert.deepEqual(await cluster.client.cputAll([{ row, column: 'state', expected: b('S3'), value: b('S4') }]), { applied: true, uncertain: false });
  assert.equal((await cluster.client.get(row, 'state'))?.toString(), 'S4');
  assert.equal((await cluster.client.get(row, 'other'))?.toString(), 'O');
  // Malformed: the same cell twice, none, too many, a bad name; each refused with nothing applied.
  const refused = async (cells: Parameters<NodeClient['cputAll']>[0], words: string) =>
    assert.rejects(primary.cputAll(cells), (err) => isPennError(err, 'invalid_argument') && err.message.includes(words));
  await refused([{ row, column: 'x', expected: null, value: b('1') }, { row, column: 'x', expected: null, value: b('2') }], 'only once');
  await refused([], 'holds 1 to 16 cells');
  await refused(Array.from({ length: 17 }, (_, i) => ({ row, column: `many${i}`, expected: null, value: b('v') })), 'holds 1 to 16 cells');
  await refused([{ row, column: 'y', expected: null, value: b('1') }, { row, column: '', expected: null, value: b('2') }], 'column');
  assert.equal((await cluster.client.listColumnsPage(row)).columns.length, 2, 'state and other only');
  // What the cluster client sends as one CPutAll: at most 16 cells, within kvs.batchBytesMax.
  const cell = (i: number, bytes = 1) => ({ row, column: `fit${i}`, expected: null, value: Buffer.alloc(bytes) });
  assert.equal(cluster.client.fitsCPutAll([cell(0), cell(1)]), true);
  assert.equal(cluster.client.fitsCPutAll(Array.from({ length: 17 }, (_, i) => cell(i))), false);
  assert.equal(cluster.client.fitsCPutAll([cell(0, cluster.config.kvs.batchBytesMax)]), false);
  // A caller whose role may not CPut may not CPutAll.
  const outsider = new NodeClient(cluster.config, primary.address, 10_000, { identity: 'lb' });
  try {
    await assert.rejects(outsider.cputAll([{ row, column: 'state', expected: b('S4'), value: b('stolen') }]), (err) => isPennError(err, 'permission_denied'));
  } finally {
    outsider.close();
  }
  assert.equal((await cluster.client.get(row, 'state'))?.toString(), 'S4');
});

test('a batch over kvs.batchOpsMax or kvs.batchBytesMax is refused whole, naming the limit, and none of it applied', async () => {
  const { batchOpsMax, batchBytesMax } = cluster.config.kvs;
  const row = 'limits#1';
  const many = Array.from({ length: batchOpsMax + 1 }, (_, i): BatchOperation => ({ put: { row, column: `c${i}`, value: b('v') } }));
  await assert.rejects(primary.batch(many), (err) => isPennError(err, 'invalid_argument') && err.message.includes(`at most ${batchOpsMax} operations`) && err.message.includes(`holds ${batchOpsMax + 1}`));
  const half = Buffer.alloc(Math.ceil(batchBytesMax / 2));
  const heavy: BatchOperation[] = [{ put: { row, column: 'h1', value: half } }, { put: { row, column: 'h2', value: half } }];
  await assert.rejects(primary.batch(heavy), (err) => isPennError(err, 'invalid_argument') && err.message.includes(`at most ${batchBytesMax} bytes`));
  const page = await cluster.client.listColumnsPage(row);
  assert.deepEqual(page.columns, [], 'nothing of a refused batch was written');
});

test('a caller whose role may not call an operation is refused per operation, as its own call is', async () => {
  const row = 'roles#1';
  await cluster.client.put(row, 'secret', 'S');
  const ops: BatchOperation[] = [
    { get: { row, column: 'secret' } },
    { put: { row, column: 'secret', value: b('stolen') } },
    { cput: { row, column: 'secret', expected: b('S'), value: b('stolen') } },
    { delete: { row, column: 'secret' } },
  ];
  for (const identity of ['c0', 'lb']) {
    const outsider = new NodeClient(cluster.config, primary.address, 10_000, { identity });
    try {
      const answers = (await outsider.batch(ops)).map(asAlone);
      const own = [
        await alone(outsider.get(row, 'secret')),
        await alone(outsider.put(row, 'secret', 'stolen')),
        await alone(outsider.cput(row, 'secret', 'S', 'stolen')),
        await alone(outsider.delete(row, 'secret')),
      ];
      assert.deepEqual(answers, own, `${identity}: a batch answers each refusal as its own call does`);
      for (const a of answers) assert.equal((a as { code: string }).code, 'permission_denied');
    } finally {
      outsider.close();
    }
  }
  assert.equal((await cluster.client.get(row, 'secret'))?.toString(), 'S', 'the refused operations changed nothing');
});

test('Gets past the reply budget are answered "send alone" and the client asks for them itself', async () => {
  const row = 'large#1';
  const values = Array.from({ length: 6 }, (_, i) => Buffer.alloc(20 * 1024, String(i)));
  await Promise.all(values.map((v, i) => cluster.client.put(row, `v${i}`, v)));
  const results = await primary.batch(values.map((_, i) => ({ get: { row, column: `v${i}` } })));
  const fitted = results.filter((r) => r.get?.found).length;
  assert.equal(fitted, Math.floor(replyBytesMax / (20 * 1024)), 'the reply holds what fits in kvs.batchReplyBytesMax');
  assert.ok(results.slice(fitted).every((r) => r.send_alone && r.code === GrpcStatus.OK));
  const client = new ClusterClient(cluster.config, { retryDeadlineMs: 20_000 });
  try {
    const read = await Promise.all(values.map((_, i) => client.get(row, `v${i}`)));
    read.forEach((v, i) => assert.ok(v?.equals(values[i]!), `value ${i}`));
    assert.ok(client.batchFigures().batches >= 1);
  } finally {
    client.close();
  }
});

test('one cluster client sends concurrent operations as batches, each answered right, values read back', async () => {
  const client = new ClusterClient(cluster.config, { retryDeadlineMs: 20_000 });
  try {
    const n = 600;
    const rowOf = (i: number) => `coalesce#${i % 8}`;
    const valueOf = (i: number, round: string) => `${round}-${i}-${'x'.repeat(i % 300)}`;
    await Promise.all(Array.from({ length: n }, (_, i) => client.put(rowOf(i), `c${i}`, valueOf(i, 'first'))));
    const afterPuts = client.batchFigures();
    assert.ok(afterPuts.batches >= 1 && afterPuts.batchedOps >= n / 2, `puts went as batches: ${JSON.stringify(afterPuts)}`);
    // CPuts: the even ones expect the value they find, the odd ones a wrong one.
    const applied = await Promise.all(
      Array.from({ length: n }, (_, i) => client.cput(rowOf(i), `c${i}`, i % 2 === 0 ? valueOf(i, 'first') : 'wrong', valueOf(i, 'second'))),
    );
    applied.forEach((a, i) => assert.equal(a, i % 2 === 0, `cput ${i}`));
    const existed = await Promise.all(Array.from({ length: n }, (_, i) => (i % 3 === 0 ? client.delete(rowOf(i), `c${i}`) : client.delete(rowOf(i), `none${i}`))));
    existed.forEach((e, i) => assert.equal(e, i % 3 === 0, `delete ${i}`));
    const read = await Promise.all(Array.from({ length: n }, (_, i) => client.get(rowOf(i), `c${i}`)));
    read.forEach((v, i) => {
      const expected = i % 3 === 0 ? undefined : valueOf(i, i % 2 === 0 ? 'second' : 'first');
      assert.equal(v?.toString(), expected, `get ${i}`);
    });
    // A fresh client reads the same through single calls (one at a time: nothing to coalesce).
    const single = new ClusterClient(cluster.config, { retryDeadlineMs: 20_000, batch: false });
    try {
      for (let i = 0; i < n; i += 37) assert.equal((await single.get(rowOf(i), `c${i}`))?.toString(), read[i]?.toString(), `single get ${i}`);
    } finally {
      single.close();
    }
    // A lone operation goes on the stream as a batch of one.
    const before = client.batchFigures();
    await client.get(rowOf(1), 'c1');
    const lone = client.batchFigures();
    assert.deepEqual([lone.alone - before.alone, lone.batches - before.batches, lone.batchedOps - before.batchedOps], [0, 1, 1]);
    const f = client.batchFigures();
    console.log(`${f.batchedOps} operations in ${f.batches} batches (${(f.batchedOps / f.batches).toFixed(1)} each), ${f.alone} alone`);
  } finally {
    client.close();
  }
});

test('BatchStream: 200 batches at once on one stream, past the node\'s in-flight bound, each answered by its own id; one refused whole says so on every operation', async () => {
  const kv = new KeyValueClient(primary.address, channelCredentials(cluster.config), channelOptions) as unknown as { BatchStream: (m: grpc.Metadata) => BatchCall } & grpc.Client;
  const stream = new BatchStream(() => kv.BatchStream(new grpc.Metadata()));
  try {
    const row = 'stream#1';
    const batches = Array.from({ length: 200 }, (_, i): BatchOperation[] => [
      { put: { row, column: `p${i}`, value: b(`v${i}`) } },
      { cput: { row, column: `q${i}`, value: b(`w${i}`), expect_absent: true } },
      { get: { row, column: `never${i}` } },
    ]);
    const answers = await Promise.all(batches.map((ops) => stream.send(ops, 20_000)));
    answers.forEach((results, i) => assert.deepEqual(results.map(asAlone), [{ ok: undefined }, { ok: true }, { ok: undefined }], `batch ${i}`));
    const page = await cluster.client.listColumnsPage(row, { withValues: true });
    assert.equal(page.columns.length, 400);
    for (let i = 0; i < 200; i += 17) assert.equal((await cluster.client.get(row, `q${i}`))?.toString(), `w${i}`);
    const many = Array.from({ length: cluster.config.kvs.batchOpsMax + 1 }, (_, i): BatchOperation => ({ put: { row: 'stream#2', column: `c${i}`, value: b('v') } }));
    const refused = (await stream.send(many, 20_000)).map(asAlone);
    assert.equal(refused.length, many.length);
    for (const r of refused) assert.ok('code' in r && r.code === 'invalid_argument' && r.message.includes(`at most ${cluster.config.kvs.batchOpsMax} operations`), JSON.stringify(r));
    assert.deepEqual((await cluster.client.listColumnsPage('stream#2')).columns, [], 'nothing of the refused batch was written');
    // The stream is still open and serving.
    assert.deepEqual((await stream.send([{ get: { row, column: 'p0' } }], 20_000)).map(asAlone), [{ ok: b('v0') }]);
  } finally {
    stream.close();
    kv.close();
  }
});
