// The delivery marks (cluster/model/mail/delivery-marks-store.ts) on a real store: a copy is written
// once per key; a retry finds it through a "stored" mark, or through the copy itself when that
// mark was lost; a claim whose copy never appeared is left alone while its attempt may still
// run, then taken over; a retry the next day still finds the mark; old marks are pruned; a
// copy whose id is made as it is stored goes with its "stored" mark in one CPutAll.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { PennError } from '../../cluster/common/errors.ts';
import { claimStaleMs, dayMs, decodeMark, encodeMark, markColumn, marksRow, dayOf, deliveryKey } from '../../cluster/model/mail/delivery-marks.ts';
import { DeliveryMarks, type Copy, type MarkedCopy } from '../../cluster/model/mail/delivery-marks-store.ts';
import { startCluster, type TestCluster } from '../../scripts/lib/cluster.ts';

const copiesRow = 'copies#row';

describe('delivery marks', () => {
  let cluster: TestCluster;
  let clockMs = 100 * dayMs + 12 * 3_600_000;
  let ids = 0;
  const marks = () => new DeliveryMarks(cluster.client, () => clockMs, () => 0.5);

  /** A copy kept as one column of copiesRow; `writes` counts its writes, `failNext` makes one throw after claiming. */
  function copy(): Copy & { writes: number; failNext: boolean } {
    const c = {
      writes: 0,
      failNext: false,
      newId: () => `copy-${++ids}`,
      exists: async (id: string) => (await cluster.client.get(copiesRow, id)) !== undefined,
      write: async (id: string) => {
        if (c.failNext) {
          c.failNext = false;
          throw new PennError('unavailable', 'the copy could not be written');
        }
        c.writes++;
        await cluster.client.put(copiesRow, id, 'a copy');
      },
    };
    return c;
  }

  before(async () => {
    cluster = await startCluster({ groups: 1, replicas: 1 });
  });
  after(async () => cluster?.close());

  test('a key is written once; the retry answers the same id without writing', async () => {
    const c = copy();
    const m = marks();
    const first = await m.once('ann', 'k-once', c);
    // Right away — the "stored" mark may still be on its way — and after it has landed.
    const again = await marks().once('ann', 'k-once', c);
    await m.idle();
    const stored = decodeMark((await cluster.client.get(marksRow('ann'), markColumn(dayOf(clockMs), 'k-once')))!);
    assert.deepEqual(stored, { id: first.id, stored: true, atMs: clockMs });
    const later = await marks().once('ann', 'k-once', c);
    assert.deepEqual(first, { id: first.id, duplicate: false });
    assert.deepEqual(again, { id: first.id, duplicate: true });
    assert.deepEqual(later, { id: first.id, duplicate: true });
    assert.equal(c.writes, 1);
  });

  test('a copy whose "stored" mark was lost is found through the copy itself', async () => {
    const c = copy();
    await cluster.client.put(copiesRow, 'copy-lost-mark', 'a copy');
    await cluster.client.put(marksRow('ann'), markColumn(dayOf(clockMs), 'k-lost'), encodeMark({ id: 'copy-lost-mark', stored: false, atMs: clockMs }));
    assert.deepEqual(await marks().once('ann', 'k-lost', c), { id: 'copy-lost-mark', duplicate: true });
    assert.equal(c.writes, 0);
  });

  test('a claim without its copy waits out claimStaleMs, then is taken over under a new id', async () => {
    const c = copy();
    c.failNext = true;
    await assert.rejects(marks().once('ann', 'k-claim', c), /could not be written/);
    await assert.rejects(marks().once('ann', 'k-claim', c), (err: Error) => err instanceof PennError && err.code === 'unavailable');
    assert.equal(c.writes, 0);
    clockMs += claimStaleMs + 1;
    const taken = await marks().once('ann', 'k-claim', c);
    assert.equal(taken.duplicate, false);
    assert.equal(c.writes, 1);
    assert.deepEqual(await marks().once('ann', 'k-claim', c), { id: taken.id, duplicate: true });
  });

  test('a retry the next day still finds the mark; marks older than that are pruned', async () => {
    const c = copy();
    const first = marks();
    const stored = await first.once('bea', 'k-day', c);
    await first.once('bea', 'k-old', c);
    // The "stored" marks are written after once() returns; none may land after the pruning below.
    await first.idle();
    clockMs += dayMs;
    assert.deepEqual(await marks().once('bea', 'k-day', c), { id: stored.id, duplicate: true });
    clockMs += dayMs;
    // Two days on, neither is looked up any more, and pruning removes both.
    assert.equal(await marks().prune(marksRow('bea')), 2);
    assert.deepEqual((await cluster.client.listColumns(marksRow('bea'))).length, 0);
    assert.equal((await marks().once('bea', 'k-old', c)).duplicate, false, 'a key past the window is a new delivery');
  });

  test('across midnight: a claim of yesterday still running holds off a retry (whose claim of today is withdrawn); a stale one does not', async () => {
    const c = copy();
    const midnight = (dayOf(clockMs) + 1) * dayMs;
    clockMs = midnight - 1000;
    await cluster.client.put(marksRow('cy'), markColumn(dayOf(clockMs), 'k-mid'), encodeMark({ id: 'copy-running', stored: false, atMs: clockMs }));
    clockMs = midnight + 1000;
    await assert.rejects(marks().once('cy', 'k-mid', c), (err: Error) => err instanceof PennError && err.code === 'unavailable');
    assert.equal(await cluster.client.get(marksRow('cy'), markColumn(dayOf(clockMs), 'k-mid')), undefined, "today's claim was withdrawn");
    assert.equal(c.writes, 0);
    clockMs += claimStaleMs;
    const m = marks();
    const taken = await m.once('cy', 'k-mid', c);
    assert.equal(taken.duplicate, false);
    assert.equal(c.writes, 1);
    await m.idle();
    assert.deepEqual(decodeMark((await cluster.client.get(marksRow('cy'), markColumn(dayOf(clockMs), 'k-mid')))!), { id: taken.id, stored: true, atMs: clockMs });
    assert.deepEqual(await marks().once('cy', 'k-mid', c), { id: taken.id, duplicate: true });
  });

  test('a copy whose id is made as it is stored: written with its "stored" mark at once; a claim without an id holds off retries until stale; a declined copy gives its claim up', async () => {
    let writes = 0;
    let fail = false;
    let decline = false;
    const copy: MarkedCopy = {
      exists: async (id) => (await cluster.client.get(copiesRow, id)) !== undefined,
      write: async (stored) => {
        if (decline) return undefined;
        if (fail) throw new PennError('unavailable', 'the copy could not be written');
        const id = `marked-${++ids}`;
        writes++;
        const { applied } = await cluster.client.cputAll([{ row: copiesRow, column: id, expected: null, value: Buffer.from('a copy') }, stored(id)]);
        assert.ok(applied);
        return id;
      },
    };
    const column = markColumn(dayOf(clockMs), 'k-marked');
    const first = await marks().onceMarked('dan', 'k-marked', copy);
    assert.ok(first && !first.duplicate);
    assert.deepEqual(decodeMark((await cluster.client.get(marksRow('dan'), column))!), { id: first.id, stored: true, atMs: clockMs }, 'stored and named in the same write');
    assert.deepEqual(await marks().onceMarked('dan', 'k-marked', copy), { id: first.id, duplicate: true });
    assert.equal(writes, 1);
    // An attempt that fails after its claim leaves a claim naming no copy.
    fail = true;
    await assert.rejects(marks().onceMarked('dan', 'k-failed', copy), /could not be written/);
    fail = false;
    await assert.rejects(marks().onceMarked('dan', 'k-failed', copy), (err: Error) => err instanceof PennError && err.code === 'unavailable');
    clockMs += claimStaleMs + 1;
    const taken = await marks().onceMarked('dan', 'k-failed', copy);
    assert.ok(taken && !taken.duplicate);
    assert.equal(writes, 2);
    // Declined (a full mailbox): nothing stored, the claim given up, so a later attempt stores it.
    decline = true;
    assert.equal(await marks().onceMarked('dan', 'k-declined', copy), undefined);
    assert.deepEqual(decodeMark((await cluster.client.get(marksRow('dan'), markColumn(dayOf(clockMs), 'k-declined')))!), { id: '', stored: false, atMs: 0 });
    decline = false;
    assert.equal((await marks().onceMarked('dan', 'k-declined', copy))?.duplicate, false);
    assert.equal(writes, 3);
  });

  test('only messages with a Message-ID get a key, and the key names the copy and the bytes', () => {
    const raw = (headers: string) => Buffer.from(`${headers}Subject: s\r\n\r\nbody\r\n`);
    const withId = raw('Message-ID: <m1@x.test>\r\n');
    assert.equal(deliveryKey({ copy: 'inbox:ann', from: 'a@x.test', raw: raw('') }), undefined);
    const key = deliveryKey({ copy: 'inbox:ann', from: 'a@x.test', raw: withId });
    assert.match(key ?? '', /^[0-9a-f]{32}$/);
    assert.equal(deliveryKey({ copy: 'inbox:ann', from: 'a@x.test', raw: Buffer.from(withId) }), key);
    assert.notEqual(deliveryKey({ copy: 'inbox:bea', from: 'a@x.test', raw: withId }), key);
    assert.notEqual(deliveryKey({ copy: 'inbox:ann', from: 'b@x.test', raw: withId }), key);
    assert.notEqual(deliveryKey({ copy: 'inbox:ann', from: 'a@x.test', raw: raw('Message-ID: <m2@x.test>\r\n') }), key);
  });
});
