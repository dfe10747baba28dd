import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { parseSequenceSet } from './parser.ts';
import type { MessageMeta, SystemFlag } from './ports.ts';
import { FolderView } from './view.ts';

const meta = (uid: number, flags: SystemFlag[] = []): MessageMeta => ({ uid, flags, size: 100, internalDate: new Date(0) });
const lines = (out: Buffer[]) => out.map((b) => b.toString().trimEnd());

describe('selected folder bookkeeping', () => {
  test('expunges go out highest first, so each number is right when the client applies it', () => {
    const view = new FolderView('Inbox', false, 1, [meta(10), meta(11), meta(12), meta(13), meta(14)], 0);
    // 11 and 13 are gone: as the client numbers them, 4 then 2.
    assert.deepEqual(lines(view.sync([meta(10), meta(12), meta(14)], true)), ['* 4 EXPUNGE', '* 2 EXPUNGE']);
    assert.equal(view.exists, 3);
    assert.deepEqual([1, 2, 3].map((n) => view.uidAt(n)), [10, 12, 14]);
    assert.equal(view.seqOf(14), 3);
    assert.equal(view.seqOf(13), 0);
  });

  test('while expunges may not be sent, gone messages keep their numbers; they go out later', () => {
    const view = new FolderView('Inbox', false, 1, [meta(1), meta(2), meta(3)], 0);
    assert.deepEqual(lines(view.sync([meta(1), meta(3), meta(4)], false)), ['* 4 EXISTS']);
    assert.equal(view.exists, 4);
    assert.equal(view.seqOf(3), 3);
    assert.ok(view.isGone(2));
    assert.ok(view.hasUnreported);
    assert.deepEqual(lines(view.sync([meta(1), meta(3), meta(4)], true)), ['* 2 EXPUNGE']);
    assert.equal(view.seqOf(4), 3);
    assert.ok(!view.hasUnreported);
  });

  test('new arrivals are one EXISTS; flag changes are FETCH with the new numbering', () => {
    const view = new FolderView('Inbox', false, 1, [meta(1), meta(2, ['\\Seen']), meta(3)], 0);
    const out = lines(view.sync([meta(2), meta(3, ['\\Flagged']), meta(5), meta(6)], true));
    assert.deepEqual(out, ['* 1 EXPUNGE', '* 1 FETCH (UID 2 FLAGS ())', '* 2 FETCH (UID 3 FLAGS (\\Flagged))', '* 4 EXISTS']);
    assert.deepEqual(lines(view.sync([meta(2), meta(3, ['\\Flagged']), meta(5), meta(6)], true)), []);
  });

  test('flags the session set itself are not reported again', () => {
    const view = new FolderView('Inbox', false, 1, [meta(1)], 0);
    view.setFlags(1, ['\\Seen']);
    assert.deepEqual(lines(view.sync([meta(1, ['\\Seen'])], true)), []);
  });

  test('sequence and UID sets resolve to numbers in the view, "*" the last', () => {
    const view = new FolderView('Inbox', false, 1, [meta(4), meta(8), meta(15), meta(16), meta(23), meta(42)], 0);
    const set = (s: string) => parseSequenceSet(s) as Array<[number, number]>;
    assert.deepEqual(view.resolve(set('2:4,6'), false), [2, 3, 4, 6]);
    assert.deepEqual(view.resolve(set('5:*'), false), [5, 6]);
    assert.deepEqual(view.resolve(set('*:5'), false), [5, 6]);
    assert.deepEqual(view.resolve(set('7:9'), false), []);
    assert.deepEqual(view.resolve(set('8:20'), true), [2, 3, 4]);
    assert.deepEqual(view.resolve(set('100:*'), true), [6]);
    assert.deepEqual(view.resolve(set('1:3,5,7'), true), []);
    assert.deepEqual(view.resolve(set('1:4294967295'), true), [1, 2, 3, 4, 5, 6]);
    assert.deepEqual(new FolderView('Empty', false, 1, [], 0).resolve(set('1:*'), false), []);
  });

  test('a client applying the responses in order always agrees with the view (random arrivals and expunges)', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.array(fc.boolean(), { maxLength: 30 }), fc.nat(3), fc.boolean()), { maxLength: 15 }), (steps) => {
        let store = [1, 2, 3, 4, 5].map((uid) => meta(uid));
        let next = 6;
        const view = new FolderView('Inbox', false, 1, store, 0);
        // The client's idea of the folder: UIDs by sequence number (null: arrived, UID not fetched yet).
        let client: Array<number | null> = store.map((m) => m.uid);
        for (const [keep, arrivals, expungeAllowed] of steps) {
          store = store.filter((_, i) => keep[i] ?? true);
          for (let i = 0; i < arrivals; i++) store.push(meta(next++));
          for (const line of lines(view.sync(store, expungeAllowed))) {
            const expunge = /^\* (\d+) EXPUNGE$/.exec(line);
            const exists = /^\* (\d+) EXISTS$/.exec(line);
            if (expunge) client.splice(Number(expunge[1]) - 1, 1);
            else if (exists) while (client.length < Number(exists[1])) client.push(null);
          }
          assert.equal(client.length, view.exists);
          client = client.map((uid, i) => uid ?? (view.uidAt(i + 1) as number));
          client.forEach((uid, i) => assert.equal(view.uidAt(i + 1), uid));
          if (expungeAllowed) assert.deepEqual(client, store.map((m) => m.uid));
        }
      }),
      { numRuns: 300 },
    );
  });
});
