import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isPennError } from '../../common/errors.ts';
import { ConcurrencyLimit } from './concurrency-limit.ts';

function deferred() {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

test('never more than runningMax at once; the rest run in order', async () => {
  const limit = new ConcurrencyLimit(2, 10);
  let running = 0;
  let peak = 0;
  const order: number[] = [];
  const gates = Array.from({ length: 6 }, deferred);
  const tasks = gates.map((gate, i) =>
    limit.run(async () => {
      running++;
      peak = Math.max(peak, running);
      order.push(i);
      await gate.promise;
      running--;
    }),
  );
  await new Promise((r) => setImmediate(r));
  assert.equal(limit.inFlight, 2);
  assert.equal(limit.queued, 4);
  gates.forEach((g) => g.resolve());
  await Promise.all(tasks);
  assert.equal(peak, 2);
  assert.deepEqual(order, [0, 1, 2, 3, 4, 5]);
  assert.equal(limit.inFlight, 0);
});

test('a full queue refuses at once with UNAVAILABLE, and a failed task frees its slot', async () => {
  const limit = new ConcurrencyLimit(1, 1);
  const gate = deferred();
  const first = limit.run(() => gate.promise);
  const second = limit.run(async () => 'second');
  await assert.rejects(
    limit.run(async () => 'third'),
    (err) => isPennError(err, 'unavailable'),
  );
  gate.resolve();
  await first;
  assert.equal(await second, 'second');
  await assert.rejects(limit.run(() => Promise.reject(new Error('boom'))), /boom/);
  assert.equal(await limit.run(async () => 'after'), 'after');
  assert.equal(limit.inFlight, 0);
});
