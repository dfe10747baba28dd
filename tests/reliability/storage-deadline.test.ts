// Nothing hangs (docs/ARCHITECTURE.md, "Time budgets"), at the client library: a ClusterClient with an operation
// deadline (the frontends' and the mail daemon's) answers UNAVAILABLE in time when a group
// cannot serve — every replica paused with SIGSTOP, so calls get no answer at all rather than a
// quick refusal — and when the coordinators are paused; and it works again once they resume.
// Then the unknown outcome: a CPut whose reply is lost (a proxy swallows it) applied, and the
// retry must report it applied, and a read-modify-write (web/lib/server/cells.ts) must apply
// its change once.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ClusterClient, isStorageUnavailable } from '../../cluster/kvs/cluster-client.ts';
import { updateCell, type CellCodec } from '../../web/lib/server/cells.ts';
import { startCluster, type TestCluster } from '../../scripts/lib/cluster.ts';
import { startReplyDroppingProxy } from '../lib/reply-dropping-proxy.ts';

/**
 * "Answers rather than hangs" is the property; how fast is not what these tests measure. The
 * deadline is 2.5 s (`timeouts.interactiveOperationMs`); this bound only separates an answer from the
 * 10–15 s the retries used to take, with room for a loaded machine. The times are printed.
 */
const answerBoundMs = 5000;

async function timedFailure(what: string, op: () => Promise<unknown>): Promise<number> {
  const started = performance.now();
  const err = await op().then(
    () => assert.fail(`${what} succeeded although its storage cannot serve`),
    (e: unknown) => e,
  );
  const ms = Math.round(performance.now() - started);
  console.log(`${what}: ${(err as Error).message.slice(0, 140)} after ${ms} ms`);
  assert.ok(isStorageUnavailable(err), `${what} failed with something else: ${String(err)}`);
  assert.ok(ms < answerBoundMs, `${what} took ${ms} ms to answer`);
  return ms;
}

function signal(cluster: TestCluster, names: string[], sig: 'SIGSTOP' | 'SIGCONT'): void {
  for (const name of names) cluster.services.get(name)!.child.kill(sig);
}

test('an operation deadline answers UNAVAILABLE in time when a group or the coordinators are paused, and works after', async () => {
  const cluster = await startCluster({ groups: 1, replicas: 3 });
  const client = new ClusterClient(cluster.config, { operationDeadlineMs: cluster.config.timeouts.interactiveOperationMs });
  const nodes = cluster.nodes.map((n) => n.id);
  // Whatever is not a storage node is the coordinator (one today, a group of them later).
  const coordinators = [...cluster.services.keys()].filter((name) => !nodes.includes(name));
  let paused: string[] = [];
  try {
    await client.put('deadline#row', 'c', 'before');
    paused = nodes;
    signal(cluster, paused, 'SIGSTOP');
    await timedFailure('get with every replica paused', () => client.get('deadline#row', 'c'));
    await timedFailure('cput with every replica paused', () => client.cput('deadline#row', 'c', 'before', 'during'));
    signal(cluster, paused, 'SIGCONT');
    paused = [];
    await cluster.waitHealthy(60_000);
    assert.equal((await client.get('deadline#row', 'c'))?.toString(), 'before');

    // A client that has no assignment yet must ask a coordinator, which does not answer.
    const fresh = new ClusterClient(cluster.config, { operationDeadlineMs: cluster.config.timeouts.interactiveOperationMs });
    try {
      paused = coordinators;
      signal(cluster, paused, 'SIGSTOP');
      await timedFailure('get with the coordinators paused', () => fresh.get('deadline#row', 'c'));
      signal(cluster, paused, 'SIGCONT');
      paused = [];
      await cluster.waitHealthy(60_000);
      assert.equal((await fresh.get('deadline#row', 'c'))?.toString(), 'before');
    } finally {
      fresh.close();
    }
  } finally {
    signal(cluster, paused, 'SIGCONT');
    client.close();
    await cluster.close();
  }
});

test('a CPut whose reply was lost reports applied, and a read-modify-write applies its change once', async () => {
  // Plain text on loopback, so the proxy can see the marker in the request: what is tested is
  // the client's handling of a lost reply, which does not depend on the wire's encryption.
  const cluster = await startCluster({ groups: 1, replicas: 3, config: { tls: { mode: 'plaintext' } } });
  // A call gives up after 1 s without a reply, and the operation has time to retry elsewhere.
  const client = new ClusterClient(cluster.config, { operationDeadlineMs: 8000, callTimeoutMs: 1000 });
  const primary = await cluster.primaryOf(0);
  const through = async (marker: string) => {
    const proxy = await startReplyDroppingProxy(cluster.config.kvs.nodes[primary]!, marker);
    client.prefer({ group: 0, nodeId: primary, address: proxy.address });
    return proxy;
  };
  try {
    const first = await through('lost-reply-1');
    const applied = await client.cput('lost#row', 'plain', null, 'value lost-reply-1');
    await first.close();
    assert.equal(first.dropped, 1, 'the proxy should have swallowed the reply of the CPut');
    assert.equal((await client.get('lost#row', 'plain'))?.toString(), 'value lost-reply-1');
    assert.equal(applied, true, 'the CPut applied, so it must say so');

    interface Counter {
      n: number;
      tag: string;
    }
    const codec: CellCodec<Counter> = {
      decode: (v) => JSON.parse(v.toString('utf8')) as Counter,
      encode: (c) => Buffer.from(JSON.stringify(c), 'utf8'),
    };
    await client.put('lost#row', 'counter', codec.encode({ n: 0, tag: '' }));
    const second = await through('lost-reply-2');
    const result = await updateCell(client, 'lost#row', 'counter', codec, (c) => ({ n: (c?.n ?? 0) + 1, tag: 'lost-reply-2' }));
    await second.close();
    assert.equal(second.dropped, 1, 'the proxy should have swallowed the reply of the CPut');
    const stored = codec.decode((await client.get('lost#row', 'counter'))!);
    console.log(`after one increment whose reply was lost: n = ${stored.n}`);
    assert.equal(stored.n, 1, 'the increment was applied more than once');
    assert.equal(result?.n, 1);
  } finally {
    client.close();
    await cluster.close();
  }
});
