// FileRaftStorage against its contract (the head of raft-storage.ts): what a resolved save() made
// durable survives a power cut at any later moment; load() cuts a torn or corrupt log tail, drops
// entries a snapshot covers, refuses a log with a gap, and never hands back entries that disagree
// with the snapshot. The disk is CrashFs, which keeps only fsync'd bytes and synced names; the
// seeded runs print their seed, and the same seed replays a failure.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isDeepStrictEqual } from 'node:util';
import { isPennError } from '../../common/errors.ts';
import { seededRandom } from '../../common/random.ts';
import { CrashFs, type CrashFsOp } from '../../kvs/io/crash-fs.ts';
import type { RaftDurable, RaftEntry, RaftSnapshot } from '../core/raft.ts';
import { FileRaftStorage, encodeRecord, type PersistEffect } from './raft-storage.ts';

const dir = '/data/coordinator/c0';
const logFile = `${dir}/log`;
const e = (index: number, term: number, data = `e${index}t${term}`): RaftEntry => ({ index, term, data });
const run = (from: number, to: number, term: number): RaftEntry[] => Array.from({ length: to - from + 1 }, (_, i) => e(from + i, term));
const hard = (term: number, votedFor: string): PersistEffect => ({ kind: 'persistHardState', term, votedFor });
const logAt = (from: number, entries: RaftEntry[]): PersistEffect => ({ kind: 'persistLog', from, entries });
const snap = (snapshot: RaftSnapshot, log: RaftEntry[]): PersistEffect => ({ kind: 'persistSnapshot', snapshot, log });
const noSnapshot: RaftSnapshot = { index: 0, term: 0, data: '' };

/** A member's directory opened the way a (re)started process opens it. */
async function boot(fs: CrashFs): Promise<{ fs: CrashFs; storage: FileRaftStorage; loaded: RaftDurable & { cutBytes: number } }> {
  const storage = new FileRaftStorage(fs, dir);
  return { fs, storage, loaded: await storage.load() };
}

const durable = (d: RaftDurable): RaftDurable => ({ term: d.term, votedFor: d.votedFor, snapshot: d.snapshot, log: d.log });

test('a fresh directory loads as term 0, no vote, the empty snapshot and no entries', async () => {
  const { loaded } = await boot(new CrashFs());
  assert.deepEqual(loaded, { term: 0, votedFor: '', snapshot: noSnapshot, log: [], cutBytes: 0 });
});

test('hard state, appends and truncation from an index round-trip through a power cut', async () => {
  const first = await boot(new CrashFs());
  await first.storage.save([hard(1, 'c0'), logAt(1, run(1, 5, 1))]);
  await first.storage.save([hard(2, ''), hard(2, 'c2')]);
  // A new leader's entries replace 4 and 5 and add 6.
  await first.storage.save([logAt(4, run(4, 6, 2))]);
  const second = await boot(first.fs.powerCut());
  assert.deepEqual(second.loaded, { term: 2, votedFor: 'c2', snapshot: noSnapshot, log: [...run(1, 3, 1), ...run(4, 6, 2)], cutBytes: 0 });
  // The reloaded storage knows where each record starts, so a truncation after a restart lands right.
  await second.storage.save([logAt(2, [e(2, 3)]), logAt(3, [e(3, 3)])]);
  const third = await boot(second.fs.powerCut());
  assert.deepEqual(third.loaded.log, [e(1, 1), e(2, 3), e(3, 3)]);
});

test('a snapshot replaces the log with the entries after it, and appends continue from there', async () => {
  const first = await boot(new CrashFs());
  await first.storage.save([hard(1, 'c0'), logAt(1, run(1, 6, 1))]);
  const snapshot = { index: 4, term: 1, data: 'state@4' };
  await first.storage.save([snap(snapshot, run(5, 6, 1))]);
  const second = await boot(first.fs.powerCut());
  assert.deepEqual(durable(second.loaded), { term: 1, votedFor: 'c0', snapshot, log: run(5, 6, 1) });
  await second.storage.save([logAt(7, [e(7, 1)])]);
  await second.storage.save([logAt(6, [e(6, 2)])]);
  const third = await boot(second.fs.powerCut());
  assert.deepEqual(third.loaded.log, [e(5, 1), e(6, 2)]);
  // A snapshot past the end of the log (installed from a leader) leaves no entries.
  await third.storage.save([snap({ index: 9, term: 2, data: 'state@9' }, []), logAt(10, [e(10, 2)])]);
  const fourth = await boot(third.fs.powerCut());
  assert.deepEqual(fourth.loaded.snapshot.index, 9);
  assert.deepEqual(fourth.loaded.log, [e(10, 2)]);
});

/**
 * A CrashFs that can hand back the disk as a power cut would leave it just before a chosen
 * operation on a chosen file, while the save it interrupts runs on to the end.
 */
function recordingDisk(): { fs: CrashFs; cutBefore(op: CrashFsOp, file: string, work: () => Promise<void>, random?: () => number): Promise<CrashFs> } {
  let arm: { op: CrashFsOp; file: string; random?: () => number } | undefined;
  let cut: CrashFs | undefined;
  const fs = new CrashFs({
    onOperation: (op, file) => {
      if (arm && !cut && op === arm.op && file === arm.file) cut = fs.powerCut(arm.random ? { random: arm.random } : {});
    },
  });
  return {
    fs,
    async cutBefore(op, file, work, random) {
      arm = { op, file, random };
      cut = undefined;
      await work();
      arm = undefined;
      assert.ok(cut, `the work did a ${op} of ${file}`);
      return cut;
    },
  };
}

test('a power cut mid-append loses the unsynced tail; load cuts a torn record and makes the cut durable', async () => {
  const disk = recordingDisk();
  const first = await boot(disk.fs);
  await first.storage.save([hard(1, 'c0'), logAt(1, run(1, 3, 1))]);
  // Half of the three new records' bytes reach the disk before the power goes: 4 whole, 5 torn
  // (CrashFs keeps floor(random × (unsynced + 1)) of them).
  const cut = await disk.cutBefore('sync', logFile, () => first.storage.save([logAt(4, run(4, 6, 1))]), () => 0.5);
  const second = await boot(cut);
  assert.deepEqual(second.loaded.log, run(1, 4, 1));
  const recordBytes = encodeRecord(e(5, 1)).length;
  assert.equal(second.loaded.cutBytes, Math.floor(0.5 * (3 * recordBytes + 1)) - recordBytes);
  const third = await boot(second.fs.powerCut());
  assert.equal(third.loaded.cutBytes, 0, 'the cut itself was synced');
  assert.deepEqual(third.loaded.log, run(1, 4, 1));
});

for (const [what, offsetInRecord] of [
  ['length', 0],
  ['checksum', 5],
  ['body', -1],
] as const) {
  test(`a byte flipped in the last record's ${what} cuts that record`, async () => {
    const first = await boot(new CrashFs());
    await first.storage.save([hard(1, 'c0'), logAt(1, run(1, 4, 1))]);
    const recordBytes = encodeRecord(e(4, 1)).length;
    const size = await first.fs.size(logFile);
    first.fs.flipByte(logFile, offsetInRecord < 0 ? size - 1 : size - recordBytes + offsetInRecord, 0x10);
    const second = await boot(first.fs.powerCut());
    assert.deepEqual(second.loaded.log, run(1, 3, 1));
    assert.equal(second.loaded.cutBytes, recordBytes);
    assert.equal(await second.fs.size(logFile), size - recordBytes);
  });
}

test('entries a snapshot covers are dropped on load (a power cut before the log was rewritten)', async () => {
  const disk = recordingDisk();
  const first = await boot(disk.fs);
  await first.storage.save([hard(1, 'c0'), logAt(1, run(1, 6, 1))]);
  // snapshot.json is replaced first, then the log: cut between the two.
  const snapshot = { index: 4, term: 1, data: 'state@4' };
  const cut = await disk.cutBefore('writeFile', `${logFile}.tmp`, () => first.storage.save([snap(snapshot, run(5, 6, 1))]));
  const second = await boot(cut);
  assert.deepEqual(second.loaded.snapshot, snapshot);
  assert.deepEqual(second.loaded.log, run(5, 6, 1));
  // The old records before the snapshot are still in the file: appends and truncations must
  // still land at the right offsets.
  await second.storage.save([logAt(6, run(6, 7, 2))]);
  const third = await boot(second.fs.powerCut());
  assert.deepEqual(third.loaded.log, [e(5, 1), e(6, 2), e(7, 2)]);
});

test('a log that starts after the snapshot (a gap) is refused, not cut', async () => {
  const fs = new CrashFs();
  await fs.mkdir(dir);
  await fs.writeFileDurable(logFile, Buffer.concat(run(5, 6, 1).map(encodeRecord)));
  await fs.syncDir(dir);
  await assert.rejects(boot(fs), (err) => isPennError(err, 'failed_precondition') && /entries are missing/.test((err as Error).message));
  assert.equal(await fs.size(logFile), Buffer.concat(run(5, 6, 1).map(encodeRecord)).length, 'nothing was cut');
});

test('a power cut between a snapshot install and the log rewrite does not revive the entries it dropped', async () => {
  const disk = recordingDisk();
  const first = await boot(disk.fs);
  await first.storage.save([hard(1, 'c0'), logAt(1, run(1, 6, 1))]);
  // The leader's snapshot disagrees with this log at 5 (term 2 there), so core/raft.ts keeps no
  // entry after it: entry 6 of term 1 is from a history that lost.
  await first.storage.save([hard(2, 'c1')]);
  const installed = { index: 5, term: 2, data: 'state@5' };
  const cut = await disk.cutBefore('writeFile', `${logFile}.tmp`, () => first.storage.save([snap(installed, [])]));
  const second = await boot(cut);
  assert.deepEqual(second.loaded.snapshot, installed);
  assert.deepEqual(second.loaded.log, []);
  // And it stays gone once the new leader's entry 6 is appended after the restart.
  await second.storage.save([logAt(6, [e(6, 2)])]);
  const third = await boot(second.fs.powerCut());
  assert.deepEqual(third.loaded.log, [e(6, 2)]);
});

// ---- Power cuts at every operation of seeded random saves ----

function termIn(m: RaftDurable, index: number): number | undefined {
  if (index === m.snapshot.index) return m.snapshot.term;
  return m.log.find((x) => x.index === index)?.term;
}

function lastOf(m: RaftDurable): number {
  return m.log.length > 0 ? (m.log[m.log.length - 1] as RaftEntry).index : m.snapshot.index;
}

/** What the storage must hold after `effect`, the way core/raft.ts means it. */
function applyModel(m: RaftDurable, effect: PersistEffect): RaftDurable {
  if (effect.kind === 'persistHardState') return { ...m, term: effect.term, votedFor: effect.votedFor };
  if (effect.kind === 'persistLog') return { ...m, log: [...m.log.filter((x) => x.index < effect.from), ...effect.entries] };
  return { ...m, snapshot: effect.snapshot, log: effect.log };
}

/** A batch the core could emit: votes, appends, overwrites, compactions, installed snapshots. */
function randomBatch(rng: () => number, start: RaftDurable, names: { n: number }): PersistEffect[] {
  const pick = (lo: number, hi: number) => lo + Math.floor(rng() * (hi - lo + 1));
  const batch: PersistEffect[] = [];
  let m = start;
  for (let k = pick(1, 4); k > 0; k--) {
    const last = lastOf(m);
    const r = rng();
    let effect: PersistEffect;
    const fresh = (from: number, count: number, term: number) => Array.from({ length: count }, (_, i) => e(from + i, term, `d${names.n++}`));
    if (r < 0.15) {
      const term = m.term + pick(0, 1);
      effect = hard(term, ['', 'c0', 'c1', 'c2'][pick(0, 3)] as string);
    } else if (r < 0.5 || last === m.snapshot.index) {
      effect = logAt(last + 1, fresh(last + 1, pick(1, 4), m.term));
    } else if (r < 0.7) {
      const from = pick(m.snapshot.index + 1, last);
      effect = logAt(from, fresh(from, pick(1, 3), m.term));
    } else if (r < 0.85) {
      const index = pick(m.snapshot.index + 1, last);
      effect = snap({ index, term: termIn(m, index) as number, data: `s${names.n++}` }, m.log.filter((x) => x.index > index));
    } else {
      const index = pick(m.snapshot.index + 1, last + 3);
      const agrees = index <= last && rng() < 0.5;
      const term = agrees ? (termIn(m, index) as number) : Math.max(m.term, termIn(m, index) ?? 0) + 1;
      effect = snap({ index, term, data: `s${names.n++}` }, agrees ? m.log.filter((x) => x.index > index) : []);
    }
    batch.push(effect);
    m = applyModel(m, effect);
  }
  return batch;
}

/**
 * A load after a power cut during a save: models[0] is what the earlier saves made durable,
 * models[k] the state after the save's first k effects.
 */
function checkCut(loaded: RaftDurable, models: RaftDurable[], where: string): void {
  const before = models[0] as RaftDurable;
  assert.ok(models.some((m) => m.term === loaded.term && m.votedFor === loaded.votedFor), `${where}: hard state ${loaded.term}/${loaded.votedFor} is one the saves wrote`);
  assert.ok(models.some((m) => isDeepStrictEqual(m.snapshot, loaded.snapshot)), `${where}: snapshot ${loaded.snapshot.index} is one the saves wrote`);
  assert.ok(loaded.log.every((x, i) => x.index === loaded.snapshot.index + 1 + i), `${where}: the log is contiguous after the snapshot`);
  // Nothing an earlier save made durable is lost, unless this save itself replaced it.
  const holds = (m: RaftDurable, x: RaftEntry) => m.snapshot.index >= x.index || m.log.some((y) => isDeepStrictEqual(x, y));
  for (const x of before.log) {
    if (models.every((m) => holds(m, x))) assert.ok(holds(loaded, x), `${where}: entry ${x.index} (term ${x.term}) of an earlier save is lost`);
  }
  // The entries after the snapshot are a log the member really had, with that snapshot's history.
  if (loaded.log.length > 0) {
    const s = loaded.snapshot;
    const consistent = models.some(
      (m) => (m.snapshot.index === s.index ? m.snapshot.term === s.term : termIn(m, s.index) === s.term) && loaded.log.every((x) => m.log.some((y) => isDeepStrictEqual(x, y))),
    );
    assert.ok(consistent, `${where}: entries ${loaded.log[0]?.index}..${lastOf(loaded)} disagree with snapshot ${s.index} (term ${s.term})`);
  }
}

test('a power cut at any operation of a save never loses what an earlier save made durable (seeded)', async () => {
  let checked = 0;
  for (let seed = 1; seed <= 12; seed++) {
    const rng = seededRandom(seed);
    const names = { n: 0 };
    let capturing = false;
    let cuts: { op: string; fs: CrashFs }[] = [];
    let live = await boot(
      new CrashFs({
        onOperation: (op) => {
          if (capturing) cuts.push({ op, fs: live.fs.powerCut(rng() < 0.5 ? { random: rng } : {}) });
        },
      }),
    );
    let model: RaftDurable = durable(live.loaded);
    for (let save = 0; save < 30; save++) {
      const batch = randomBatch(rng, model, names);
      const models = batch.reduce((ms, effect) => [...ms, applyModel(ms[ms.length - 1] as RaftDurable, effect)], [model]);
      cuts = [];
      capturing = true;
      await live.storage.save(batch);
      capturing = false;
      model = models[models.length - 1] as RaftDurable;
      const where = (op: string) => `seed ${seed}, save ${save} (${batch.map((b) => b.kind).join(', ')}), cut before ${op}`;
      for (const cut of cuts) checkCut(durable((await boot(cut.fs)).loaded), models, where(cut.op));
      checked += cuts.length;
      const after = await boot(live.fs.powerCut());
      assert.deepEqual(durable(after.loaded), model, where('nothing: the save resolved'));
      // Sometimes carry on from one of the cut disks, as a restarted member does: its recovered
      // log (old records before the snapshot, a cut tail) must take the next saves as well.
      const from = cuts[Math.floor(rng() * cuts.length)];
      if (from && rng() < 0.25) {
        await live.storage.close();
        const restarted = await boot(from.fs);
        live = restarted;
        model = durable(restarted.loaded);
      }
    }
  }
  // Every save does a few disk operations (write, sync, a temp file, a rename, a directory sync).
  assert.ok(checked > 12 * 30 * 2, `only ${checked} power cuts were checked`);
});
