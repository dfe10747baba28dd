// The store against its promises: reads see every applied write, checkpoints and log replay
// restore state, a torn tail is cut, acknowledged writes survive a power cut at any moment
// (CrashFs, seeded: a failure prints its seed), memory stays within budget, and two stores
// converge through readLog / truncateLogAfter / snapshot + installSnapshot.
import { after, test } from 'node:test';
import { seededRandom } from '../../common/random.ts';
import assert from 'node:assert/strict';
import fsp from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { PennError, isPennError } from '../../common/errors.ts';
import { silentLogger } from '../../common/log.ts';
import type { ColumnInfo, LogEntry } from '../core/types.ts';
import { CrashFs } from './crash-fs.ts';
import type { FileSystem } from '../../common/files.ts';
import { Store, type StoreOptions, type WriteOp } from './store.ts';
import { storeCells } from '../../../tests/lib/store-cells.ts';

const KiB = 1024;
const MiB = 1024 * KiB;
const tmpRoot = await fsp.mkdtemp(path.join(os.tmpdir(), 'kvs-store-test-'));
after(() => fsp.rm(tmpRoot, { recursive: true, force: true }));
let dirCount = 0;
const newDir = () => path.join(tmpRoot, `node${dirCount++}`);

function options(dir: string, more: Partial<StoreOptions> = {}): StoreOptions {
  return {
    dir,
    log: silentLogger,
    memoryBytesMax: 4 * MiB,
    tabletBytesMax: 1 * MiB,
    checkpointEveryWrites: 100_000,
    autoCheckpoint: false,
    ...more,
  };
}

const v = (s: string) => Buffer.from(s);
type PutOp = Extract<WriteOp, { kind: 'put' }>;
const put = (row: string, column: string, value: string): PutOp => ({ kind: 'put', row, column, value: v(value) });
const isCode = (code: PennError['code']) => (err: unknown) => isPennError(err, code);

/** Proposes and waits until the write is durable, as an acknowledged client write does. */
async function write(store: Store, op: WriteOp, epoch = 0): Promise<LogEntry | null> {
  const { entry } = await store.propose(epoch, op);
  if (entry) await store.waitDurable(entry.lsn);
  return entry;
}

/** Every column of a row, page by page. */
async function listColumns(store: Store, row: string): Promise<ColumnInfo[]> {
  const columns: ColumnInfo[] = [];
  for (let after = '', more = true; more; after = columns.at(-1)?.name ?? '') {
    const page = await store.listColumnsPage(row, { after, prefix: '', limit: 50, bytesMax: 1 << 20 });
    columns.push(...page.columns);
    more = page.more;
  }
  return columns;
}

/** Every cell, through scanRows paging and get. */
async function contents(store: Store): Promise<Map<string, string>> {
  const cells = new Map<string, string>();
  for await (const cell of storeCells(store, 7)) {
    assert.equal(cell.value?.length, cell.size);
    cells.set(`${cell.row}/${cell.column}`, (cell.value as Buffer).toString('latin1'));
  }
  return cells;
}

test('get, put, delete, listColumns and scanRows paging', async () => {
  const store = await Store.open(options(newDir()));
  for (const row of ['bob', 'alice', 'carol', 'al']) {
    for (const col of ['z', 'a', 'm']) await write(store, put(row, col, `${row}.${col}`));
  }
  assert.deepEqual(await store.get('alice', 'm'), v('alice.m'));
  assert.equal(await store.get('alice', 'x'), undefined);
  assert.deepEqual(await listColumns(store, 'alice'), [
    { name: 'a', size: 7 },
    { name: 'm', size: 7 },
    { name: 'z', size: 7 },
  ]);
  const del = await store.propose(0, { kind: 'delete', row: 'alice', column: 'm' });
  assert.equal(del.existed, true);
  assert.equal(del.entry?.kind, 'delete');
  const again = await store.propose(0, { kind: 'delete', row: 'alice', column: 'm' });
  assert.deepEqual(again, { entry: null, existed: false }, 'deleting an absent cell logs nothing');

  const page1 = await store.scanRows('', 2);
  assert.deepEqual(page1.rows.map((r) => r.row), ['al', 'alice']);
  assert.equal(page1.nextAfterRow, 'alice');
  assert.deepEqual(page1.rows[1]?.columns.map((c) => c.name), ['a', 'z']);
  const page2 = await store.scanRows(page1.nextAfterRow, 2);
  assert.deepEqual(page2.rows.map((r) => r.row), ['bob', 'carol']);
  assert.equal(page2.nextAfterRow, '', 'the last page says there is no more');
  assert.deepEqual(await store.scanRows('carol', 5), { rows: [], nextAfterRow: '' });

  await store.waitDurable(13);
  const f = store.figures();
  assert.equal(f.keyCount, 11);
  assert.equal(f.lastLsn, 13);
  assert.equal(f.durableLsn, 13);
  await assert.rejects(store.get('a\0b', 'c'), isCode('invalid_argument'));
  await assert.rejects(store.propose(0, put('\uD800x', 'c', 'v')), isCode('invalid_argument'));
  assert.equal((await store.propose(0, put('\u{1F431}', 'c', 'v'))).entry?.lsn, 14, 'a surrogate pair is fine');
  await store.close();
  await assert.rejects(store.get('alice', 'a'), isCode('unavailable'));
});

/**
 * A store of 16 KiB tablets in 64 KiB of memory holding row 'a', then row 'wide' of `count`
 * columns (col000, col001, …) of `valueBytes` each, so that it straddles tablet splits, then
 * row `lastRow`; the wide row's column names in order.
 */
async function storeWithWideRow(count: number, valueBytes: number, lastRow: string): Promise<{ store: Store; columns: string[] }> {
  const store = await Store.open(options(newDir(), { tabletBytesMax: 16 * KiB, memoryBytesMax: 64 * KiB }));
  await store.propose(0, put('a', 'x', 'before'));
  const columns: string[] = [];
  for (let i = 0; i < count; i++) {
    const name = `col${String(i).padStart(3, '0')}`;
    columns.push(name);
    await store.propose(0, put('wide', name, 'w'.repeat(valueBytes)));
  }
  await store.propose(0, put(lastRow, 'x', 'after'));
  return { store, columns };
}

test('a row wider than a tablet straddles splits and still reads as one row', async () => {
  const { store, columns } = await storeWithWideRow(200, 500, 'z');
  await store.waitDurable(store.figures().lastLsn);
  assert.deepEqual((await listColumns(store, 'wide')).map((c) => c.name), columns);
  const page = await store.scanRows('', 2);
  assert.deepEqual(page.rows.map((r) => r.row), ['a', 'wide']);
  assert.equal(page.rows[1]?.columns.length, 200);
  assert.equal(page.nextAfterRow, 'wide');
  assert.deepEqual((await store.scanRows('wide', 2)).rows.map((r) => r.row), ['z']);
  assert.ok(store.figures().memoryBytes <= 64 * KiB + 16 * KiB);
  await store.close();
});

test('listColumnsPage pages a row across tablet splits and evictions, in order, within its caps', async () => {
  const { store, columns } = await storeWithWideRow(600, 100, 'wide2');
  for (const gone of ['col000', 'col250', 'col599']) await store.propose(0, { kind: 'delete', row: 'wide', column: gone });
  await store.waitDurable(store.lastLsn);
  const kept = columns.filter((c) => !['col000', 'col250', 'col599'].includes(c));
  const query = { after: '', prefix: '', limit: 7, bytesMax: 1 << 20 };

  const listed: string[] = [];
  for (let after = '', more = true; more; ) {
    const page = await store.listColumnsPage('wide', { ...query, after });
    assert.ok(page.columns.length <= 7 && page.columns.length > 0);
    assert.ok(page.columns.every((c) => c.size === 100));
    listed.push(...page.columns.map((c) => c.name));
    more = page.more;
    after = listed[listed.length - 1]!;
  }
  assert.deepEqual(listed, kept, 'every column once, in order, none of the deleted ones');
  assert.ok(store.figures().memoryBytes <= 64 * KiB + 16 * KiB, 'tablets were evicted while paging');

  const last = await store.listColumnsPage('wide', { ...query, after: 'col591' });
  assert.deepEqual(last.columns.map((c) => c.name), ['col592', 'col593', 'col594', 'col595', 'col596', 'col597', 'col598']);
  assert.equal(last.more, false, 'a full page that reaches the end of the row');
  const prefixed = await store.listColumnsPage('wide', { ...query, prefix: 'col25', limit: 100 });
  assert.deepEqual(prefixed.columns.map((c) => c.name), ['col251', 'col252', 'col253', 'col254', 'col255', 'col256', 'col257', 'col258', 'col259']);
  assert.equal(prefixed.more, false);
  const capped = await store.listColumnsPage('wide', { ...query, limit: 1000, bytesMax: 10 * (6 + 19) });
  assert.equal(capped.columns.length, 10, 'the byte cap');
  assert.equal(capped.more, true);
  assert.deepEqual(await store.listColumnsPage('empty', query), { columns: [], more: false });
  assert.deepEqual(await store.listColumnsPage('wide2', query), { columns: [{ name: 'x', size: 5 }], more: false });
  await store.close();
});

test('CPut applies only when the expectation holds, and is logged as the PUT it became', async () => {
  const store = await Store.open(options(newDir()));
  const absent = await store.propose(0, { ...put('r', 'c', 'one'), expect: { absent: true } });
  assert.equal(absent.entry?.kind, 'put');
  const notAbsent = await store.propose(0, { ...put('r', 'c', 'two'), expect: { absent: true } });
  assert.deepEqual(notAbsent, { entry: null, existed: true });
  const wrong = await store.propose(0, { ...put('r', 'c', 'two'), expect: { value: v('nope') } });
  assert.equal(wrong.entry, null);
  const wrongAbsent = await store.propose(0, { ...put('r', 'x', 'two'), expect: { value: v('') } });
  assert.equal(wrongAbsent.entry, null, 'an absent cell never matches an expected value');
  const right = await store.propose(0, { ...put('r', 'c', 'two'), expect: { value: v('one') } });
  assert.equal(right.existed, true);
  assert.deepEqual(right.entry, { kind: 'put', lsn: 2, epoch: 0, row: 'r', column: 'c', value: v('two') });
  assert.equal(store.figures().lastLsn, 2, 'CPuts that did not apply are not logged');
  assert.deepEqual(await store.get('r', 'c'), v('two'));
  await store.close();
});

test('proposeAll applies all or none: consecutive lsns, one failed expectation writes nothing, a reopen replays both', async () => {
  const dir = newDir();
  const store = await Store.open(options(dir));
  await write(store, put('u', 'state', 'S1'));
  const stale = await store.proposeAll(0, [{ ...put('u', 'state', 'S2'), expect: { value: v('S0') } }, { ...put('u', 'entry', 'E'), expect: { absent: true } }]);
  assert.deepEqual(stale, { entries: null, existed: [true, false] });
  const taken = await store.proposeAll(0, [{ ...put('u', 'state', 'S2'), expect: { value: v('S1') } }, { ...put('u', 'state2', 'E'), expect: { value: v('x') } }]);
  assert.equal(taken.entries, null, 'the second expectation fails: the first cell is not written either');
  assert.deepEqual(await store.get('u', 'state'), v('S1'));
  assert.equal(store.figures().lastLsn, 1);
  const both = await store.proposeAll(0, [{ ...put('u', 'state', 'S2'), expect: { value: v('S1') } }, { ...put('u', 'entry', 'E'), expect: { absent: true } }]);
  assert.deepEqual(both.entries?.map((e) => [e.lsn, e.column]), [[2, 'state'], [3, 'entry']]);
  await store.waitDurable(3);
  await store.abandon();
  const reopened = await Store.open(options(dir));
  assert.deepEqual([await reopened.get('u', 'state'), await reopened.get('u', 'entry')], [v('S2'), v('E')]);
  assert.equal(reopened.figures().lastLsn, 3);
  await reopened.close();
});

test('checkpoint then reopen', async () => {
  const dir = newDir();
  const store = await Store.open(options(dir));
  for (let i = 0; i < 200; i++) await store.propose(0, put(`row${i}`, 'c', `value ${i}`));
  await store.checkpoint();
  for (let i = 0; i < 10; i++) await store.propose(0, put(`late${i}`, 'c', `late ${i}`));
  await store.waitDurable(210);
  const before = await contents(store);
  assert.equal(store.figures().checkpointVersion, 1);
  assert.equal(store.figures().checkpointLsn, 200);
  await store.abandon();
  const reopened = await Store.open(options(dir));
  assert.deepEqual(await contents(reopened), before);
  assert.equal(reopened.figures().lastLsn, 210);
  assert.equal(reopened.figures().checkpointLsn, 200);
  await reopened.close();
  assert.equal((await fsp.stat(path.join(dir, 'wal.log'))).size, 0, 'a clean close checkpoints and empties the log');
  const third = await Store.open(options(dir));
  assert.equal(third.figures().checkpointVersion, 2);
  assert.deepEqual(await contents(third), before);
  await third.close();
});

test('reopen after many writes and no checkpoint replays the log', async () => {
  const dir = newDir();
  const store = await Store.open(options(dir, { memoryBytesMax: 256 * KiB, tabletBytesMax: 64 * KiB }));
  const expected = new Map<string, string>();
  for (let i = 0; i < 3000; i++) {
    const row = `r${(i * 7919) % 1000}`;
    const col = `c${i % 3}`;
    if (i % 10 === 9) {
      await store.propose(0, { kind: 'delete', row, column: col });
      expected.delete(`${row}/${col}`);
    } else {
      await store.propose(0, put(row, col, `v${i}`));
      expected.set(`${row}/${col}`, `v${i}`);
    }
  }
  await store.waitDurable(store.figures().lastLsn);
  const lastLsn = store.figures().lastLsn;
  assert.ok(store.figures().logFsyncs < lastLsn / 4, 'queued writes share fsyncs');
  await store.abandon();
  const reopened = await Store.open(options(dir, { memoryBytesMax: 256 * KiB, tabletBytesMax: 64 * KiB }));
  assert.equal(reopened.figures().lastLsn, lastLsn);
  assert.equal(reopened.figures().checkpointLsn, 0);
  assert.deepEqual(await contents(reopened), expected);
  await reopened.close();
});

test('a torn tail is cut: garbage appended, or a record cut in the middle', async () => {
  const dir = newDir();
  const store = await Store.open(options(dir));
  for (let i = 1; i <= 20; i++) await store.propose(0, put('r', `c${i}`, `v${i}`));
  await store.waitDurable(20);
  await store.abandon();
  const wal = path.join(dir, 'wal.log');
  const size = (await fsp.stat(wal)).size;

  await fsp.appendFile(wal, Buffer.from('garbage that is not a frame at all'));
  const s1 = await Store.open(options(dir));
  assert.equal((await fsp.stat(wal)).size, size, 'the garbage was cut');
  assert.deepEqual(await s1.get('r', 'c20'), v('v20'));
  assert.equal(s1.figures().lastLsn, 20);
  await s1.abandon();

  await fsp.truncate(wal, size - 3);
  const s2 = await Store.open(options(dir));
  assert.equal(s2.figures().lastLsn, 19, 'the torn last record is gone');
  assert.equal(await s2.get('r', 'c20'), undefined);
  assert.deepEqual(await s2.get('r', 'c19'), v('v19'));
  assert.ok((await fsp.stat(wal)).size < size - 3, 'the file was cut at the record boundary');
  // The node goes on from the cut: the next write takes lsn 20 again.
  assert.equal((await write(s2, put('r', 'new', 'x')))?.lsn, 20);
  await s2.abandon();
  const s3 = await Store.open(options(dir));
  assert.deepEqual(await s3.get('r', 'new'), v('x'));
  await s3.close();
});

test('a flipped byte in the middle of the log cuts there (checksum mismatch)', async () => {
  const disk = new CrashFs();
  const dir = '/data/kvs/g0r0';
  const store = await Store.open(options(dir, { fs: disk }));
  for (let i = 1; i <= 10; i++) await write(store, put('r', `c${String(i).padStart(2, '0')}`, 'x'.repeat(10)));
  await store.abandon();
  const recordBytes = (await disk.size(`${dir}/wal.log`)) / 10;
  disk.flipByte(`${dir}/wal.log`, recordBytes * 6 + 20);
  const reopened = await Store.open(options(dir, { fs: disk }));
  assert.equal(reopened.figures().lastLsn, 6);
  assert.equal(await disk.size(`${dir}/wal.log`), recordBytes * 6);
  await reopened.close();
});

test('a damaged MANIFEST stops the node; MANIFEST.tmp and unnamed tablet files are removed', async () => {
  const disk = new CrashFs();
  const dir = '/data/kvs/g0r1';
  const store = await Store.open(options(dir, { fs: disk }));
  await write(store, put('a', 'b', 'c'));
  await store.close();
  await disk.writeFileDurable(`${dir}/MANIFEST.tmp`, v('half a manifest'));
  await disk.writeFileDurable(`${dir}/tablets/t99-99.tab`, v('an orphan'));
  const reopened = await Store.open(options(dir, { fs: disk }));
  assert.equal(await disk.exists(`${dir}/MANIFEST.tmp`), false);
  assert.equal(await disk.exists(`${dir}/tablets/t99-99.tab`), false);
  assert.deepEqual(await reopened.get('a', 'b'), v('c'));
  await reopened.abandon();
  disk.flipByte(`${dir}/MANIFEST`, 12);
  await assert.rejects(Store.open(options(dir, { fs: disk })), isCode('internal'));
});

test('too many waiting writes are refused with resource_exhausted', async () => {
  const store = await Store.open(options(newDir(), { pendingWritesMax: 8 }));
  const results = await Promise.allSettled(Array.from({ length: 20 }, (_, i) => store.propose(0, put('r', `c${i}`, 'v'))));
  const refused = results.filter((r) => r.status === 'rejected');
  assert.ok(refused.length > 0);
  for (const r of refused) assert.ok(isPennError((r as PromiseRejectedResult).reason, 'resource_exhausted'));
  await store.close();
});

test('a failed log fsync is fatal: waiters reject, onFatal runs, everything after is refused', async () => {
  const disk = new CrashFs();
  const fatal: Error[] = [];
  const store = await Store.open(options('/data/kvs/g0r2', { fs: disk, onFatal: (err) => fatal.push(err) }));
  await write(store, put('a', 'b', 'c'));
  disk.injectFault('sync');
  const { entry } = await store.propose(0, put('a', 'b', 'd'));
  await assert.rejects(store.waitDurable((entry as LogEntry).lsn), isCode('unavailable'));
  assert.equal(fatal.length, 1);
  await assert.rejects(store.propose(0, put('a', 'b', 'e')), isCode('unavailable'));
  await assert.rejects(store.get('a', 'b'), isCode('unavailable'));
  await store.abandon();
});

// ---- Power cuts ----


const crashDir = '/data/kvs/g1r0';
const crashOptions = (fs: FileSystem) =>
  options(crashDir, { fs, memoryBytesMax: 48 * KiB, tabletBytesMax: 12 * KiB, checkpointEveryWrites: 60, autoCheckpoint: true });

interface CrashRun {
  /** Disk operations the workload made. */
  operations: number;
  /** For each key: its value after each of its writes (index 0: before any). */
  history: Map<string, (string | undefined)[]>;
  /** For each key: the history index of its last write acknowledged before the cut. */
  acked: Map<string, number>;
  afterCut: CrashFs | undefined;
  disk: CrashFs;
}

/**
 * Writers that each own a few cells and write them one at a time, waiting for durability like a
 * client; the power is cut at disk operation `cutAt` (never, if past the end).
 */
async function crashWorkload(seed: number, cutAt: number): Promise<CrashRun> {
  const random = seededRandom(seed);
  const disk: CrashFs = new CrashFs({
    onOperation: () => {
      if (++run.operations === cutAt && !run.afterCut) run.afterCut = disk.powerCut({ random });
    },
  });
  const run: CrashRun = { operations: 0, history: new Map(), acked: new Map(), afterCut: undefined, disk };
  const store = await Store.open(crashOptions(disk));
  const writer = async (w: number) => {
    for (let i = 0; i < 40 && !run.afterCut; i++) {
      const row = `row${Math.floor(random() * 6)}`;
      const column = `w${w}`;
      const key = `${row}/${column}`;
      const states = run.history.get(key) ?? [undefined];
      run.history.set(key, states);
      const current = states[states.length - 1];
      const value = `${w}.${i}.` + 'x'.repeat(Math.floor(random() * 1500));
      const dice = random();
      let op: WriteOp;
      let next: string | undefined;
      if (dice < 0.15) {
        op = { kind: 'delete', row, column };
        next = undefined;
      } else if (dice < 0.3) {
        // This writer owns the cell, so it knows the value to expect.
        const expect = current === undefined ? { absent: true as const } : { value: v(current) };
        op = { kind: 'put', row, column, value: v(value), expect };
        next = value;
      } else {
        op = put(row, column, value);
        next = value;
      }
      states.push(next);
      const { entry } = await store.propose(0, op);
      if (entry) await store.waitDurable(entry.lsn);
      // A write with no entry changed nothing; the writes before it were acknowledged already.
      if (!run.afterCut) run.acked.set(key, states.length - 1);
    }
  };
  await Promise.all(Array.from({ length: 8 }, (_, w) => writer(w)));
  await store.abandon();
  return run;
}

async function checkAcknowledged(disk: CrashFs, run: CrashRun): Promise<void> {
  const store = await Store.open(crashOptions(disk));
  for (const [key, ackedAt] of run.acked) {
    const [row, column] = key.split('/') as [string, string];
    const got = (await store.get(row, column))?.toString();
    // The value is that of the last acknowledged write or of a later, unacknowledged one.
    const allowed = (run.history.get(key) ?? []).slice(ackedAt);
    assert.ok(allowed.includes(got), `${key}: got ${got?.slice(0, 12)}, acknowledged ${allowed[0]?.slice(0, 12)}`);
  }
  await store.abandon();
}

test('power cuts at random moments lose no acknowledged write (80 seeded rounds)', async () => {
  const baseSeed = Number(process.env.STORE_TEST_SEED ?? 20240611);
  const full = await crashWorkload(baseSeed, -1);
  assert.ok(full.operations > 100, 'the workload touches the disk often enough to cut it anywhere');
  for (let round = 0; round < 80; round++) {
    const seed = baseSeed + round;
    const cutAt = 1 + Math.floor(seededRandom(seed ^ 0x5eed)() * full.operations);
    try {
      const run = await crashWorkload(seed, cutAt);
      // A cut past the end of this round's workload falls after it: everything must be there.
      const disk = run.afterCut ?? run.disk.powerCut();
      await checkAcknowledged(disk, run);
      // Recovery's own repairs (the cut tail) are durable: a second cut right after changes nothing.
      const again = await Store.open(crashOptions(disk));
      await again.abandon();
      await checkAcknowledged(disk.powerCut(), run);
    } catch (err) {
      (err as Error).message = `[seed ${seed}, cut at op ${cutAt}; rerun with STORE_TEST_SEED=${seed}] ${(err as Error).message}`;
      throw err;
    }
  }
});

/** A backup installing a primary's snapshot, with the power cut at the backup's disk operation cutAt. */
async function installWithCut(cutAt: number) {
  let operations = 0;
  let armed = false;
  let afterCut: CrashFs | undefined;
  const backupDisk: CrashFs = new CrashFs({
    onOperation: () => {
      if (armed && ++operations === cutAt && !afterCut) afterCut = backupDisk.powerCut();
    },
  });
  const primary = await Store.open(options('/p', { fs: new CrashFs(), tabletBytesMax: 4 * KiB }));
  for (let i = 0; i < 40; i++) await primary.propose(1, put(`p${i % 10}`, `c${i}`, 'x'.repeat(300)));
  await primary.checkpoint();
  const backup = await Store.open(options('/b', { fs: backupDisk, tabletBytesMax: 4 * KiB }));
  for (let i = 0; i < 20; i++) await write(backup, put(`b${i}`, 'c', 'old'));
  await backup.checkpoint();
  // Past the primary's lsn: replaying these over its checkpoint would make a state of neither.
  for (let i = 0; i < 25; i++) await write(backup, put('blog', `c${i}`, 'new'));
  const full = await contents(backup);
  const states = {
    full,
    // A cut after the old log is emptied and before the new MANIFEST lands: the old checkpoint.
    checkpointOnly: new Map([...full].filter(([k]) => !k.startsWith('blog'))),
    primary: await contents(primary),
  };
  const snap = primary.snapshot();
  armed = true;
  await backup.installSnapshot(snap.manifest, async function* (file) {
    yield await primary.readSnapshotFile(file, 0, MiB);
  });
  armed = false;
  snap.release();
  await backup.abandon();
  await primary.close();
  return { operations, disk: afterCut ?? backupDisk.powerCut(), states };
}

test('a power cut anywhere in a snapshot install leaves the old state or the new one', async () => {
  const { operations } = await installWithCut(-1);
  assert.ok(operations > 5);
  for (let cutAt = 1; cutAt <= operations + 1; cutAt++) {
    const { disk, states } = await installWithCut(cutAt);
    const reopened = await Store.open(options('/b', { fs: disk, tabletBytesMax: 4 * KiB }));
    const got = await contents(reopened);
    const which = Object.entries(states).find(([, state]) => isDeepStrictEqual(state, got))?.[0];
    assert.ok(which, `cut at operation ${cutAt} of ${operations}: a state that is neither`);
    if (cutAt > operations) assert.equal(which, 'primary');
    await reopened.abandon();
  }
});

// ---- Memory ----

test('memory stays within budget while 10 MiB is written, read back, and replayed', async () => {
  const dir = newDir();
  const memoryBytesMax = 1 * MiB;
  const tabletBytesMax = 256 * KiB;
  const bound = memoryBytesMax + tabletBytesMax;
  const opts = options(dir, { memoryBytesMax, tabletBytesMax, checkpointEveryWrites: 1500, autoCheckpoint: true });
  const count = 2560;
  const valueOf = (i: number) => {
    const b = Buffer.alloc(4 * KiB, i % 251);
    b.writeUInt32LE(i, 0);
    return b;
  };
  const rowOf = (i: number) => `row${String(i).padStart(5, '0')}`;
  let peak = 0;
  const watch = (store: Store) => {
    peak = Math.max(peak, store.figures().memoryBytes);
    assert.ok(store.figures().memoryBytes <= bound, `memory ${store.figures().memoryBytes} over ${bound}`);
  };
  const readAll = async (store: Store) => {
    for (let i = 0; i < count; i++) {
      assert.deepEqual(await store.get(rowOf(i), `c${i % 3}`), valueOf(i), `cell ${i}`);
      watch(store);
    }
    let rows = 0;
    for (let after = ''; ; ) {
      const page = await store.scanRows(after, 100);
      rows += page.rows.length;
      watch(store);
      if (!page.nextAfterRow) break;
      after = page.nextAfterRow;
    }
    assert.equal(rows, count);
  };

  const store = await Store.open(opts);
  for (let i = 0; i < count; i++) {
    const { entry } = await store.propose(0, { kind: 'put', row: rowOf(i), column: `c${i % 3}`, value: valueOf(i) });
    if (i % 256 === 255) await store.waitDurable((entry as LogEntry).lsn);
    watch(store);
  }
  await store.waitDurable(count);
  assert.equal(store.figures().keyCount, count);
  assert.ok(store.figures().checkpointVersion >= 1, 'the standalone store checkpointed by itself');
  await readAll(store);
  await store.abandon();

  const replayed = await Store.open(opts);
  watch(replayed);
  assert.equal(replayed.figures().lastLsn, count);
  await readAll(replayed);
  await replayed.close();
  const clean = await Store.open(opts);
  await readAll(clean);
  await clean.close();
  assert.ok(peak > memoryBytesMax / 2, 'the cache was actually used');
});

// ---- Replication hooks ----

async function catchUp(from: Store, to: Store): Promise<'done' | 'checkpointed'> {
  for (;;) {
    const entries = await from.readLog(to.figures().lastLsn, 2 * KiB);
    if (entries === 'checkpointed') return 'checkpointed';
    if (entries.length === 0) return 'done';
    await to.appendEntries(entries);
  }
}

test('readLog, truncateLogAfter and snapshot + installSnapshot bring a backup level', async () => {
  const primary = await Store.open(options(newDir(), { tabletBytesMax: 16 * KiB }));
  const backupDir = newDir();
  let backup = await Store.open(options(backupDir, { tabletBytesMax: 16 * KiB }));
  for (let i = 0; i < 60; i++) await primary.propose(1, put(`r${i % 20}`, `c${i}`, 'p'.repeat(i * 10)));
  await primary.waitDurable(60);

  const one = await primary.readLog(0, 1);
  assert.ok(Array.isArray(one) && one.length === 1, 'at least one entry even over bytesMax');
  // Entries not yet written to the file are read from the writer's queue.
  const queued = await Promise.all([0, 1, 2].map((i) => primary.propose(1, put('queued', `c${i}`, 'q'))));
  assert.deepEqual(await primary.readLog(60, MiB), queued.map((q) => q.entry));
  await primary.waitDurable(63);
  assert.deepEqual(await primary.readLog(61, MiB), queued.slice(1).map((q) => q.entry));
  assert.equal(await catchUp(primary, backup), 'done');
  assert.deepEqual(await contents(backup), await contents(primary));
  await assert.rejects(backup.appendEntries([{ kind: 'delete', lsn: 99, epoch: 1, row: 'a', column: 'b' }]), isCode('failed_precondition'));

  // The backup takes writes of an epoch the primary never had; the primary moves on.
  await backup.appendEntries([2, 3, 4].map((n, i): LogEntry => ({ kind: 'put', lsn: 64 + i, epoch: 2, row: 'stray', column: `c${n}`, value: v('x') })));
  for (let i = 0; i < 5; i++) await primary.propose(3, put('fresh', `c${i}`, 'y'));
  assert.equal(backup.epochAt(66), 2);
  assert.equal(backup.epochAt(63), 1);
  assert.equal(backup.lastLsnWithEpochAtMost(1), 63);
  await backup.waitDurable(66);
  await backup.truncateLogAfter(63);
  assert.equal(backup.figures().lastLsn, 63);
  assert.equal(await backup.get('stray', 'c2'), undefined);
  assert.equal(await catchUp(primary, backup), 'done');
  assert.deepEqual(await contents(backup), await contents(primary));

  // The primary checkpoints past the backup: the log no longer reaches back, a snapshot does.
  await backup.truncateLogAfter(65);
  await primary.checkpoint(7);
  for (let i = 0; i < 10; i++) await primary.propose(3, put(`late${i}`, 'c', 'z'));
  assert.equal(await catchUp(primary, backup), 'checkpointed');
  const snap = primary.snapshot();
  // Pinned: a later checkpoint on the primary does not delete the files being sent.
  await primary.propose(3, put('r1', 'c1', 'changed'));
  await primary.checkpoint();
  await backup.installSnapshot(snap.manifest, async function* (file) {
    for (let at = 0; ; at += 1000) {
      const piece = await primary.readSnapshotFile(file, at, 1000);
      if (piece.length > 0) yield piece;
      if (piece.length < 1000) return;
    }
  });
  snap.release();
  await assert.rejects(primary.readSnapshotFile(snap.files[0] as string, 0, 10), isCode('not_found'));
  assert.equal(backup.figures().lastLsn, 68);
  assert.equal(backup.figures().checkpointLsn, 68);
  assert.equal(backup.figures().checkpointVersion, 7);
  await assert.rejects(backup.truncateLogAfter(10), isCode('failed_precondition'), 'cannot cut into a checkpoint');
  // The primary's log now starts after its second checkpoint: another snapshot, then the log.
  assert.equal(await catchUp(primary, backup), 'checkpointed');
  const snap2 = primary.snapshot();
  await backup.installSnapshot(snap2.manifest, async function* (file) {
    yield await primary.readSnapshotFile(file, 0, 8 * MiB);
  });
  snap2.release();
  await primary.propose(3, put('last', 'c', 'w'));
  assert.equal(await catchUp(primary, backup), 'done');
  const expected = await contents(primary);
  assert.deepEqual(await contents(backup), expected);
  await backup.close();
  backup = await Store.open(options(backupDir, { tabletBytesMax: 16 * KiB }));
  assert.deepEqual(await contents(backup), expected);
  assert.equal(backup.figures().lastLsn, primary.figures().lastLsn);
  await backup.close();
  await primary.close();
});
