// Issue 3, reliability 2: the seed report's unsolved case. Replica A crashes; the others take
// writes; they crash too; A comes back first. A must not become primary (it lacks the writes),
// writes answer UNAVAILABLE, and when an in-sync replica returns all of them are there.
// And ARCHITECTURE rule 5's last resort, from the same state: when the in-sync replicas cannot
// come back, an administrator forces A (`npm run admin -- force-primary`), which says what is
// lost; a lost replica that returns after all drops those writes and copies A.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import path from 'node:path';
import { test } from 'node:test';
import { promisify } from 'node:util';
import { PennError } from '../../cluster/common/errors.ts';
import { repoRoot, waitFor } from '../../scripts/lib/processes.ts';
import { startCluster, type TestCluster } from '../../scripts/lib/cluster.ts';

/** A out, `count` keys written to B and C, B and C killed, A back alone: A's group has no primary. */
async function onlyStaleReplicaLeft(cluster: TestCluster, count: number): Promise<{ a: string; b: string; c: string; keys: string[]; epoch: number }> {
  const before = await cluster.status();
  const a = before.groups[0]!.inSync.find((n) => n !== before.groups[0]!.primary)!;
  await cluster.kill9(a);
  await waitFor(async () => !(await cluster.status()).groups[0]!.inSync.includes(a), {
    timeoutMs: 15_000,
    what: `${a} to leave the in-sync set`,
  });
  const keys = Array.from({ length: count }, (_, i) => `key${i}`);
  for (let i = 0; i < keys.length; i += 50) {
    await Promise.all(keys.slice(i, i + 50).map((k) => cluster.client.put(`hard#${k.length}`, k, `value of ${k}`)));
  }
  const [b, c] = cluster.nodes.map((n) => n.id).filter((id) => id !== a);
  await Promise.all([cluster.kill9(b!), cluster.kill9(c!)]);

  cluster.start(a);
  const aUp = await waitFor(
    async () => {
      const s = await cluster.status();
      const node = s.nodes.find((n) => n.id === a)!;
      const othersDown = !s.nodes.some((n) => n.id !== a && n.state === 'up');
      // Wait out the old primary's lease too: until then the coordinator still names it.
      const settled = s.groups[0]!.primary === '' || s.groups[0]!.primary === a;
      return node.state === 'up' && othersDown && settled ? s : undefined;
    },
    { timeoutMs: 30_000, what: `${a} up, the others down, and the old primary replaced` },
  );
  assert.equal(aUp.groups[0]!.primary, '', 'no primary while only the stale replica is up');
  assert.ok(!aUp.groups[0]!.inSync.includes(a), `${a} is not in sync`);
  return { a, b: b!, c: c!, keys, epoch: aUp.groups[0]!.epoch };
}

test("a replica that crashed first never comes back as primary over the others' writes", async () => {
  const cluster = await startCluster({ groups: 1, replicas: 3 });
  try {
    const { a, b, c, keys, epoch } = await onlyStaleReplicaLeft(cluster, 1000);
    await assert.rejects(
      cluster.node(a).put('hard#x', 'late', 'write'),
      (err: unknown) => err instanceof PennError && err.code === 'unavailable',
    );
    // Several more heartbeat rounds change nothing: the group stays without a primary.
    await waitFor(async () => (await cluster.status()).nodes.find((n) => n.id === a)!.epoch >= epoch, {
      timeoutMs: 5000,
      what: `${a} to know the current epoch`,
    });
    assert.equal((await cluster.status()).groups[0]!.primary, '');

    // An in-sync replica returns: it becomes primary, A catches up from it, all writes are there.
    // Which of B and C is still in sync depends on the order the coordinator saw them go.
    const inSync = (await cluster.status()).groups[0]!.inSync;
    assert.ok(inSync.length > 0 && inSync.every((n) => n === b || n === c), `in sync: ${inSync.join(',')}`);
    const returning = inSync[0]!;
    cluster.start(returning);
    await waitFor(async () => (await cluster.status()).groups[0]!.primary === returning, {
      timeoutMs: 30_000,
      what: `${returning} to become primary`,
    });
    const values = await Promise.all(keys.map((k) => cluster.client.get(`hard#${k.length}`, k)));
    const missing = keys.filter((k, i) => values[i]?.toString() !== `value of ${k}`);
    console.log(`acknowledged writes 1000, lost ${missing.length}, primary after restart ${returning}`);
    assert.deepEqual(missing, []);
    await waitFor(async () => (await cluster.status()).nodes.find((n) => n.id === a)!.inSync, {
      timeoutMs: 30_000,
      what: `${a} to catch up and rejoin`,
    });
  } finally {
    await cluster.close();
  }
});

test('force-primary, the last resort: the stale replica serves, the lost writes are named, a returning replica copies it', async () => {
  const cluster = await startCluster({ groups: 1, replicas: 3 });
  const admin = (...args: string[]) =>
    promisify(execFile)(process.execPath, ['--import', 'tsx', path.join(repoRoot, 'scripts/admin.ts'), ...args], { cwd: repoRoot, env: cluster.env.env }).then(
      (r) => ({ code: 0, out: r.stdout }),
      (err: { code?: number; stdout?: string; stderr?: string }) => ({ code: err.code ?? -1, out: `${err.stdout ?? ''}${err.stderr ?? ''}` }),
    );
  try {
    const { a, b, keys } = await onlyStaleReplicaLeft(cluster, 200);
    const aLsn = (await cluster.status()).nodes.find((n) => n.id === a)!.logPosition;

    // Without --confirm it only says what would be lost.
    const dry = await admin('force-primary', a);
    assert.equal(dry.code, 1, dry.out);
    assert.match(dry.out, new RegExp(`Forcing ${a} would lose every write beyond lsn ${aLsn}`));
    assert.equal((await cluster.status()).groups[0]!.primary, '');

    const forced = await admin('force-primary', a, '--confirm');
    assert.equal(forced.code, 0, forced.out);
    assert.match(forced.out, new RegExp(`${a} is now the primary of group 0 at epoch \\d+; its log ends at lsn ${aLsn}\\.`));
    assert.match(forced.out, /Lost: the writes beyond lsn \d+ that .*\(last seen at lsn \d+\).* acknowledged\./);
    await waitFor(async () => (await cluster.status()).groups[0]!.primary === a, { timeoutMs: 10_000, what: `${a} to serve as primary` });

    // The group serves again; what only B and C had is gone, as the command said.
    await cluster.client.put('hard#after', 'k', 'written after the force');
    const values = await Promise.all(keys.map((k) => cluster.client.get(`hard#${k.length}`, k)));
    assert.equal(values.filter((v) => v !== undefined).length, 0, 'the writes A never had');

    // B comes back after all: it drops its suffix, copies A, and rejoins with the same keys.
    cluster.start(b);
    const joined = await waitFor(
      async () => {
        const s = await cluster.status();
        const nb = s.nodes.find((n) => n.id === b)!;
        return nb.inSync && nb.logPosition === s.nodes.find((n) => n.id === a)!.logPosition ? s : undefined;
      },
      { timeoutMs: 30_000, what: `${b} to copy ${a} and rejoin` },
    );
    const keyCounts = joined.nodes.filter((n) => n.id === a || n.id === b).map((n) => n.keyCount);
    console.log(`forced ${a} at lsn ${aLsn}; lost ${keys.length} writes as reported; ${b} rejoined with key counts ${keyCounts.join(' = ')}`);
    assert.equal(keyCounts[0], keyCounts[1]);
    assert.equal((await cluster.client.get('hard#after', 'k'))?.toString(), 'written after the force');
  } finally {
    await cluster.close();
  }
});
