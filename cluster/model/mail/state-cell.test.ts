// The state cell's changes when a CPut's reply is lost: applied once, whatever the client was
// told. The stand-in below is a ClusterClient as seen from one writer in a failover: its CPut
// applies, another writer's change lands on top, and the answer is "not applied" — what the real
// client reports when its read-back finds the other writer's bytes. tests/mail/folders-model
// runs the same race on a real cluster with kill -9.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { ClusterClient } from '../../kvs/cluster-client.ts';
import { cputAllCellsMax, namesEachCellOnce } from '../../kvs/core/batch.ts';
import { PennError } from '../../common/errors.ts';
import { stateColumn, usageRow } from './mailbox.ts';
import { applyCounts, decodeState, folderById, type CountChange } from './mailbox-state.ts';
import { StateCell } from './state-cell.ts';

class OneCell {
  readonly cells = new Map<string, Buffer>();
  /** Runs once, after the next CPut applied: the other writer's turn, before the answer comes back. */
  lostReply: (() => Promise<void>) | undefined;
  gets = 0;
  async get(r: string, c: string) {
    this.gets++;
    return this.cells.get(`${r}/${c}`);
  }
  async cput(r: string, c: string, expected: Buffer | null, v: Buffer | string) {
    const current = this.cells.get(`${r}/${c}`);
    if (expected === null ? current !== undefined : !current?.equals(expected)) return false;
    this.cells.set(`${r}/${c}`, Buffer.from(v));
    const other = this.lostReply;
    if (!other) return true;
    this.lostReply = undefined;
    await other();
    return false;
  }
  /**
   * The next CPutAll's fate in a crash, before its answer: only its first cell (the state) made
   * it to the new primary's log, or all of them did; either way the answer is lost.
   */
  crash: 'first cell only' | 'whole' | undefined;
  cputAllCalls = 0;
  /** A CPutAll's real bounds on cells; bytes and groups never stand in the way here. */
  fitsCPutAll(cells: readonly { row: string; column: string }[]) {
    return cells.length <= cputAllCellsMax && namesEachCellOnce(cells);
  }
  /** Runs once, right after a crash left its prefix: what happens before the writer reads again. */
  afterCrash: (() => void) | undefined;
  async cputAll(cells: { row: string; column: string; expected: Buffer | null; value: Buffer }[]) {
    this.cputAllCalls++;
    // As the node refuses it (kvs/io/node.ts).
    if (!namesEachCellOnce(cells)) throw new PennError('invalid_argument', 'a CPutAll may name a cell only once');
    const holds = cells.every((c) => {
      const current = this.cells.get(`${c.row}/${c.column}`);
      return c.expected === null ? current === undefined : current?.equals(c.expected);
    });
    if (!holds) return { applied: false, uncertain: false };
    const crash = this.crash;
    this.crash = undefined;
    for (const c of crash === 'first cell only' ? cells.slice(0, 1) : cells) this.cells.set(`${c.row}/${c.column}`, c.value);
    if (crash) {
      this.afterCrash?.();
      this.afterCrash = undefined;
    }
    return crash ? { applied: false, uncertain: true } : { applied: true, uncertain: false };
  }
  async listColumnsPage() {
    return { columns: [], more: false };
  }
}

const arrival = (bytes: number): CountChange => ({ folder: 'inbox', total: 1, unread: 1, bytes });
const deliver = (cell: StateCell, user: string, bytes: number) => cell.change(user, (s) => ({ state: applyCounts(s, [arrival(bytes)]), result: bytes }));

describe('mailbox state cell', () => {
  test('a change whose CPut applied but answered "not applied" is not applied again', async () => {
    const store = new OneCell();
    const cluster = store as unknown as ClusterClient;
    const ours = new StateCell(cluster);
    const theirs = new StateCell(cluster);
    await deliver(ours, 'pat', 100);
    store.lostReply = async () => {
      await deliver(theirs, 'pat', 10);
    };
    assert.equal(await deliver(ours, 'pat', 1000), 1000);
    const state = decodeState((await store.get(usageRow('pat'), stateColumn))!)!;
    assert.equal(folderById(state, 'inbox')?.total, 3, 'three messages, each counted once');
    assert.equal(state.bytes, 1110);
  });

  test('a change that did not apply is applied on the newer state', async () => {
    const store = new OneCell();
    const cluster = store as unknown as ClusterClient;
    const cell = new StateCell(cluster);
    await deliver(cell, 'pat', 100);
    // The other writer gets in first: our CPut finds its value and really fails.
    const first = store.cput.bind(store);
    let raced = false;
    store.cput = async (r, c, expected, v) => {
      if (!raced) {
        raced = true;
        await deliver(new StateCell(cluster), 'pat', 10);
      }
      return first(r, c, expected, v);
    };
    await deliver(cell, 'pat', 1000);
    const state = decodeState((await store.get(usageRow('pat'), stateColumn))!)!;
    assert.equal(folderById(state, 'inbox')?.total, 3);
    assert.equal(state.bytes, 1110);
  });

  for (const crash of ['first cell only', 'whole'] as const) {
    test(`a change written with a cell in one CPutAll whose outcome was lost (${crash} applied) ends with both, once`, async () => {
      const store = new OneCell();
      const cluster = store as unknown as ClusterClient;
      const cell = new StateCell(cluster);
      await deliver(cell, 'pat', 100);
      store.crash = crash;
      const entry = Buffer.from('the index entry');
      const result = await cell.change('pat', (s) => ({ state: applyCounts(s, [arrival(1000)]), result: 'stored', with: [{ row: 'pat#mail', column: 'inbox/1', expected: null, value: entry }] }));
      assert.equal(result, 'stored');
      const state = decodeState((await store.get(usageRow('pat'), stateColumn))!)!;
      assert.equal(folderById(state, 'inbox')?.total, 2, 'counted once');
      assert.equal(state.bytes, 1100);
      assert.deepEqual(await store.get('pat#mail', 'inbox/1'), entry);
      assert.equal(store.cputAllCalls, 1, 'the change is not tried again: only the cell is written after');
    });
  }

  test('a state known here but stale never refuses a change: "full" is read again', async () => {
    const store = new OneCell();
    const cluster = store as unknown as ClusterClient;
    const daemon = new StateCell(cluster);
    const web = new StateCell(cluster);
    const quota = 1000;
    const reserve = (cell: StateCell, bytes: number) => cell.change('pat', (s) => (s.bytes + bytes > quota ? { state: undefined, result: false } : { state: applyCounts(s, [arrival(bytes)]), result: true }));
    assert.equal(await reserve(daemon, 900), true);
    // The user deletes mail in the webmail: the daemon's known state still says 900 bytes.
    await web.change('pat', (s) => ({ state: applyCounts(s, [{ folder: 'inbox', total: -1, unread: -1, bytes: -900 }]), result: undefined }));
    assert.equal(await reserve(daemon, 200), true);
    assert.equal((await daemon.read('pat')).bytes, 200);
    assert.equal(await reserve(daemon, 900), false, 'and a mailbox really full still refuses');
  });

  test('readRecent answers the state last read or written here, without a call, for at most maxAgeMs', async () => {
    const store = new OneCell();
    const cluster = store as unknown as ClusterClient;
    let now = 1_000;
    const daemon = new StateCell(cluster, () => now);
    const web = new StateCell(cluster, () => now);
    await deliver(daemon, 'pat', 100);
    const gets = store.gets;
    assert.equal((await daemon.readRecent('pat', 1_000)).bytes, 100);
    assert.equal(store.gets, gets, 'the state the daemon just wrote, no Get');
    await deliver(web, 'pat', 10);
    const webGets = store.gets - gets;
    now += 1_000;
    assert.equal((await daemon.readRecent('pat', 1_000)).bytes, 100, 'another writer\'s change is not seen within maxAgeMs');
    now += 1;
    assert.equal((await daemon.readRecent('pat', 1_000)).bytes, 110, 'past it the cell is read');
    assert.equal(store.gets, gets + webGets + 1);
    assert.equal((await daemon.readRecent('pat', 1_000)).bytes, 110);
    assert.equal(store.gets, gets + webGets + 1, 'and that read is known from then on');
    now -= 60_000;
    await daemon.readRecent('pat', 1_000);
    assert.equal(store.gets, gets + webGets + 2, 'a clock set back reads afresh');
  });

  test('changes of one mailbox made at once go together: each applied once, in rounds of one write', async () => {
    const store = new OneCell();
    const cell = new StateCell(store as unknown as ClusterClient);
    // 20 deliveries at once, each with its index entry: the first is written alone, the 19 that
    // waited for it in the rounds after it, as many per CPutAll as it holds cells besides the state.
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        cell.change('pat', (s) => ({ state: applyCounts(s, [arrival(10 + i)]), result: s.bytes, with: [{ row: 'pat#mail', column: `inbox/${i}`, expected: null, value: Buffer.from(`entry ${i}`) }] })),
      ),
    );
    const state = decodeState((await store.get(usageRow('pat'), stateColumn))!)!;
    assert.equal(folderById(state, 'inbox')?.total, 20, 'every delivery counted, once');
    assert.equal(state.bytes, Array.from({ length: 20 }, (_, i) => 10 + i).reduce((a, b) => a + b));
    for (let i = 0; i < 20; i++) assert.deepEqual(await store.get('pat#mail', `inbox/${i}`), Buffer.from(`entry ${i}`));
    assert.equal(new Set(results).size, 20, 'each saw the state the ones before it made');
    assert.equal(store.cputAllCalls, 1 + Math.ceil(19 / (cputAllCellsMax - 1)));
  });

  test('in a round, a change that refuses or whose cell is taken fails alone; the others apply', async () => {
    const store = new OneCell();
    const cell = new StateCell(store as unknown as ClusterClient);
    await deliver(cell, 'pat', 100);
    store.cells.set('pat#mail/inbox/taken', Buffer.from('another copy'));
    const entry = (column: string) => [{ row: 'pat#mail', column, expected: null, value: Buffer.from(column) }];
    const quota = 1000;
    const reserve = (bytes: number, column: string) =>
      cell.change('pat', (s) => {
        if (s.bytes + bytes > quota) throw new Error('full');
        return { state: applyCounts(s, [arrival(bytes)]), result: column, with: entry(column) };
      });
    const outcomes = await Promise.allSettled([deliver(cell, 'pat', 1), reserve(500, 'inbox/a'), reserve(500, 'inbox/full'), reserve(10, 'inbox/taken'), reserve(20, 'inbox/b')]);
    assert.deepEqual(
      outcomes.map((o) => (o.status === 'fulfilled' ? o.value : (o.reason as Error).message)),
      [1, 'inbox/a', 'full', 'a cell written with the mailbox state changed meanwhile; try again', 'inbox/b'],
    );
    const state = decodeState((await store.get(usageRow('pat'), stateColumn))!)!;
    assert.equal(state.bytes, 100 + 1 + 500 + 20);
    assert.equal(folderById(state, 'inbox')?.total, 4);
    assert.deepEqual(await store.get('pat#mail', 'inbox/b'), Buffer.from('inbox/b'));
    assert.equal(await store.get('pat#mail', 'inbox/full'), undefined);
  });

  const entry = (column: string) => [{ row: 'pat#mail', column, expected: null, value: Buffer.from(column) }];
  const counted = (cell: StateCell, bytes: number, column?: string) =>
    cell.change('pat', (s) => ({ state: applyCounts(s, [arrival(bytes)]), result: column ?? bytes, ...(column ? { with: entry(column) } : {}) }));
  const settled = async (all: Promise<unknown>[]) => (await Promise.allSettled(all)).map((o) => (o.status === 'fulfilled' ? o.value : `${(o.reason as PennError).code}`));

  test("a round whose write applied only the state: each change's cells are written after it, and a taken cell fails only its change", async () => {
    const store = new OneCell();
    const cell = new StateCell(store as unknown as ClusterClient);
    await deliver(cell, 'pat', 100);
    // The first goes alone (no cells: a CPut); the three after it in one CPutAll, whose answer is
    // lost with only the state applied; then another copy takes the second one's column.
    store.crash = 'first cell only';
    store.afterCrash = () => store.cells.set('pat#mail/inbox/b', Buffer.from('another copy'));
    const outcomes = await settled([counted(cell, 1), counted(cell, 10, 'inbox/a'), counted(cell, 20, 'inbox/b'), counted(cell, 30, 'inbox/c')]);
    assert.deepEqual(outcomes, [1, 'inbox/a', 'aborted', 'inbox/c']);
    assert.deepEqual(await store.get('pat#mail', 'inbox/a'), Buffer.from('inbox/a'));
    assert.deepEqual(await store.get('pat#mail', 'inbox/c'), Buffer.from('inbox/c'), 'written though a change before it failed');
    assert.deepEqual(await store.get('pat#mail', 'inbox/b'), Buffer.from('another copy'));
    assert.equal(store.cputAllCalls, 1, 'the round is not written again');
  });

  test('two changes of a round that write the same cell go in different writes: the second fails alone', async () => {
    const store = new OneCell();
    const cell = new StateCell(store as unknown as ClusterClient);
    await deliver(cell, 'pat', 100);
    const outcomes = await settled([counted(cell, 1), counted(cell, 10, 'inbox/same'), counted(cell, 20, 'inbox/same'), counted(cell, 30, 'inbox/other')]);
    assert.deepEqual(outcomes, [1, 'inbox/same', 'aborted', 'inbox/other']);
    assert.equal(decodeState((await store.get(usageRow('pat'), stateColumn))!)!.bytes, 100 + 1 + 10 + 30);
  });

  test('a count taken out in a round whose state was just made from the index is skipped, even when the write is tried again', async () => {
    const store = new OneCell();
    const cell = new StateCell(store as unknown as ClusterClient);
    await deliver(cell, 'pat', 100);
    // The state is lost to a bad value: the next read makes it again from the (empty) index.
    store.cells.set(`${usageRow('pat')}/${stateColumn}`, Buffer.from('not a state'));
    // And another writer changes it between that read and the round's CPut, once.
    const cput = store.cput.bind(store);
    let raced = false;
    store.cput = async (r, c, expected, v) => {
      const current = store.cells.get(`${r}/${c}`);
      if (!raced && current && decodeState(current)) {
        raced = true;
        await deliver(new StateCell(store as unknown as ClusterClient), 'pat', 5);
      }
      return cput(r, c, expected, v);
    };
    const gone = cell.changeUnlessRebuilt('pat', (s) => ({ state: applyCounts(s, [{ folder: 'inbox', total: -1, unread: -1, bytes: -100 }]), result: undefined }));
    const outcomes = await settled([counted(cell, 1), gone, counted(cell, 10)]);
    assert.deepEqual(outcomes, [1, undefined, 10]);
    const state = decodeState((await store.get(usageRow('pat'), stateColumn))!)!;
    assert.equal(raced, true);
    assert.equal(folderById(state, 'inbox')?.total, 3, 'the other writer\'s and our two: the count taken out is not');
    assert.equal(state.bytes, 5 + 1 + 10);
  });
});
