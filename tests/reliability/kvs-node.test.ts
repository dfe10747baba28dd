// A real storage node over real gRPC: input validation, per-cell atomicity of CPut, the memory
// budget, paging, restart, Halt and Revive, and one process per node directory.
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { NodeClient } from '../../cluster/kvs/client.ts';
import { PennError } from '../../cluster/common/errors.ts';
import { startService } from '../../scripts/lib/processes.ts';
import { startSingleNode, type SingleNode } from '../../scripts/lib/single-node.ts';

const MiB = 1024 * 1024;

async function rejects(promise: Promise<unknown>, code: string, message: RegExp): Promise<void> {
  await assert.rejects(promise, (err: unknown) => {
    assert.ok(err instanceof PennError, `expected a PennError, got ${String(err)}`);
    assert.equal(err.code, code);
    assert.match(err.message, message);
    return true;
  });
}

describe('a storage node over gRPC', () => {
  let node: SingleNode;
  before(async () => {
    node = await startSingleNode({ memoryBytesMax: 8 * MiB, tabletBytesMax: 1 * MiB, valueBytesMax: 4 * MiB });
  });
  after(async () => node?.close());

  test('bad input gets INVALID_ARGUMENT with a clear message, and the node keeps serving', async () => {
    const c = node.client;
    await rejects(c.put('', 'col', 'v'), 'invalid_argument', /row must be a non-empty string/);
    await rejects(c.put('alice#x', '', 'v'), 'invalid_argument', /column must be a non-empty string/);
    await rejects(c.put('a'.repeat(1025), 'col', 'v'), 'invalid_argument', /row is 1025 bytes; the limit is 1024/);
    await rejects(c.get('alice#x', 'c'.repeat(2000)), 'invalid_argument', /column is 2000 bytes/);
    await rejects(c.put('alice#x', 'col', Buffer.alloc(4 * MiB + 1)), 'invalid_argument', /value is 4194305 bytes; the limit is 4194304/);
    await rejects(c.cput('alice#x', 'col', Buffer.alloc(4 * MiB + 1), 'v'), 'invalid_argument', /expected is/);
    await rejects(c.put('al\0ice', 'col', 'v'), 'invalid_argument', /must not contain NUL/);
    await c.put('alice#x', 'col', Buffer.alloc(4 * MiB, 7));
    assert.equal((await c.get('alice#x', 'col'))?.length, 4 * MiB);
    assert.equal((await c.status()).state, 'up');
  });

  test('64 clients racing CPut on one cell with the same expected value: exactly one wins each round', async () => {
    const clients = Array.from({ length: 64 }, () => new NodeClient(node.config, node.address));
    try {
      await node.client.put('race#cell', 'v', 'round-0');
      for (let round = 1; round <= 20; round++) {
        const results = await Promise.all(
          clients.map((c, i) => c.cput('race#cell', 'v', `round-${round - 1}`, `round-${round}-by-${i}`)),
        );
        const winners = results.flatMap((applied, i) => (applied ? [i] : []));
        assert.equal(winners.length, 1, `round ${round}: winners ${winners.join(',')}`);
        const stored = (await node.client.get('race#cell', 'v'))?.toString();
        assert.equal(stored, `round-${round}-by-${winners[0]}`);
        await node.client.put('race#cell', 'v', `round-${round}`);
      }
      const absentRace = await Promise.all(clients.map((c, i) => c.cput('race#new', 'v', null, `by-${i}`)));
      assert.equal(absentRace.filter(Boolean).length, 1);
    } finally {
      clients.forEach((c) => c.close());
    }
  });

  test('writing ten times the memory budget keeps memory near the budget, and every value reads back', async () => {
    const value = (i: number) => Buffer.alloc(64 * 1024, i % 251);
    const total = 10 * 8 * MiB;
    const count = total / (64 * 1024);
    for (let i = 0; i < count; i += 16) {
      await Promise.all(Array.from({ length: 16 }, (_, j) => node.client.put(`big#${String(i + j).padStart(5, '0')}`, 'v', value(i + j))));
    }
    const status = await node.client.status();
    assert.ok(status.memory_bytes <= 8 * MiB + 2 * MiB, `tablets in memory: ${status.memory_bytes}`);
    // The process holds the budget, one tablet being loaded, and the runtime; not the 80 MiB written.
    assert.ok(status.rss_bytes < 220 * MiB, `resident memory ${Math.round(status.rss_bytes / MiB)} MiB`);
    for (let i = 0; i < count; i += 37) {
      const got = await node.client.get(`big#${String(i).padStart(5, '0')}`, 'v');
      assert.ok(got?.equals(value(i)), `value ${i} reads back after eviction`);
    }
  });

  test('ScanRows pages through rows in order without repeats', async () => {
    for (let i = 0; i < 25; i++) await node.client.put(`scan#${String(i).padStart(2, '0')}`, 'c', `v${i}`);
    const seen: string[] = [];
    let after = 'scan#';
    for (;;) {
      const page = await node.client.scanRows(after, 10);
      const mine = page.rows.filter((r) => r.row.startsWith('scan#'));
      seen.push(...mine.map((r) => r.row));
      if (mine.length < page.rows.length || !page.nextAfterRow) break;
      after = page.nextAfterRow;
    }
    assert.deepEqual(seen, Array.from({ length: 25 }, (_, i) => `scan#${String(i).padStart(2, '0')}`));
    assert.deepEqual(await node.client.listColumns('scan#03'), [{ name: 'c', size: 2 }]);
  });

  test('Halt answers UNAVAILABLE; Revive brings every value back from disk', async () => {
    await node.client.put('halt#k', 'c', 'kept');
    await node.client.halt();
    await rejects(node.client.get('halt#k', 'c'), 'unavailable', /halted/);
    assert.equal((await node.client.status()).state, 'halted');
    await node.client.revive();
    assert.equal((await node.client.get('halt#k', 'c'))?.toString(), 'kept');
  });

  test('a clean stop checkpoints; the restarted node has every value', async () => {
    await node.client.put('restart#k', 'c', 'v1');
    const before = await node.client.status();
    await node.service.stop();
    await node.restart();
    const after = await node.client.status();
    assert.equal(after.checkpoint_version, before.checkpoint_version + 1);
    assert.equal((await node.client.get('restart#k', 'c'))?.toString(), 'v1');
    assert.equal(after.key_count, before.key_count);
  });

  test('a second process for the same node exits at start, and the node keeps serving; after kill -9 the lock is taken over', async () => {
    await node.client.put('lock#k', 'c', 'v1');
    const second = startService(node.env, 'g0r0-second', 'cluster/kvs/main.ts', ['g0r0']);
    assert.equal(await second.exited, 1);
    await second.stop(); // the log file closes
    const log = await readFile(path.join(node.env.dir, 'g0r0-second.log'), 'utf8');
    assert.match(log, /kvs\/g0r0 is in use by process \d+ \(g0r0\)/);
    await node.client.put('lock#k', 'c', 'v2');
    assert.equal((await node.client.get('lock#k', 'c'))?.toString(), 'v2');
    // A LOCK left by a killed process names a process that is gone: the next start takes it.
    await node.service.kill9();
    await node.restart();
    assert.equal((await node.client.get('lock#k', 'c'))?.toString(), 'v2');
  });
});
