// The coordinator group's invariants, checked while the world runs (a violation is recorded with
// the fake time):
// - election safety: at most one member leads in a term (every append or snapshot a member sends
//   says it leads, and a new leader sends its first appends as soon as its no-op is durable);
// - state machine safety: every member applies the same entry at the same index, in order, and
//   every snapshot a member stores or loads holds exactly the state those entries make;
// - durability: a vote or an append is acknowledged only once it is on the member's disk, the
//   disk keeps what save() acknowledged through any power cut (only the batch being saved at the
//   cut may be half done), so a committed entry stays on a majority of disks for ever, restarts
//   included.
// The disks are watched through the storage the members really use (FileRaftStorage on the
// crash-prone SimDisk), wrapped so the checker sees each batch once it is durable.
import { isDeepStrictEqual } from 'node:util';
import type { Config } from '../../cluster/common/config.ts';
import type { RaftDurable, RaftEntry, RaftMessage, RaftSnapshot } from '../../cluster/coordinator/core/raft.ts';
import { applyCommand, decodeSnapshot, initialReplicated, type ReplicatedState } from '../../cluster/coordinator/core/replicated.ts';
import type { PersistEffect, RaftStorage } from '../../cluster/coordinator/io/raft-storage.ts';

/** What one member's disk holds, as of its last acknowledged save. */
interface Disk {
  /** The incarnation whose saves count; -1 after a power cut, until the next load. */
  inc: number;
  term: number;
  votedFor: string;
  snapshot: { index: number; term: number };
  /** Terms of the stored entries after the snapshot: log[k] is entry snapshot.index + 1 + k. */
  log: number[];
  /** The batch being saved: a power cut may leave it half done. */
  saving: PersistEffect[] | null;
}

export class RaftChecks {
  /** committed[i - 1]: entry i, as the first member to apply it saw it. */
  private readonly committed: RaftEntry[] = [];
  /** states[i]: the state machine after entry i (0: the initial state). */
  private readonly states: ReplicatedState[];
  private readonly leaderOfTerm = new Map<number, string>();
  private readonly disks = new Map<string, Disk>();
  /** The last index each process ("c1/3") applied. */
  private readonly appliedUpTo = new Map<string, number>();
  private readonly underReplicated = new Set<number>();
  private disksChanged = false;

  constructor(
    private readonly config: Readonly<Config>,
    private readonly violation: (what: string) => void,
    /** Each newly committed entry with the state it makes, once, and the member that applied it first. */
    private readonly onCommitted: (entry: RaftEntry, state: ReplicatedState, member: string) => void,
  ) {
    this.states = [initialReplicated(config)];
  }

  get committedIndex(): number {
    return this.committed.length;
  }

  stateAt(index: number): ReplicatedState | undefined {
    return this.states[index];
  }

  /** The storage member `id` (incarnation inc) runs on, watched. */
  watch(id: string, inc: number, inner: RaftStorage): RaftStorage {
    return {
      load: async () => {
        const durable = await inner.load();
        this.loaded(id, inc, durable);
        return durable;
      },
      save: async (batch) => {
        const disk = this.disks.get(id);
        if (disk?.inc === inc) disk.saving = batch;
        await inner.save(batch);
        this.saved(id, inc, batch);
      },
      close: () => inner.close(),
    };
  }

  /** The member's machine lost power: what it saves from now on goes to a disk that is gone. */
  powerCut(id: string): void {
    const disk = this.disks.get(id);
    if (disk) disk.inc = -1;
  }

  /** A message member m.from (incarnation inc) sends, after its step's persists are durable. */
  sent(m: RaftMessage, inc: number): void {
    if (m.type === 'append' || m.type === 'snapshot') this.leads(m.from, m.term);
    const disk = this.disks.get(m.from);
    // A dead process's sends never leave it, and its saves went to a disk that is gone.
    if (!disk || disk.inc !== inc) return;
    // Raft's contract with the disk: what a reply promises is durable before the reply leaves.
    if (m.type === 'voteReply' && !m.pre && m.granted && (disk.term !== m.term || disk.votedFor !== m.to)) {
      this.violation(`${m.from} granted ${m.to} its vote in term ${m.term} before the vote was durable (disk: term ${disk.term}, vote ${disk.votedFor || 'none'})`);
    }
    if (m.type === 'appendReply' && m.success && m.matchIndex > disk.snapshot.index + disk.log.length) {
      this.violation(`${m.from} acknowledged entries up to ${m.matchIndex} with ${disk.snapshot.index + disk.log.length} on its disk`);
    }
  }

  private leads(id: string, term: number): void {
    const other = this.leaderOfTerm.get(term);
    if (other === undefined) this.leaderOfTerm.set(term, id);
    else if (other !== id) this.violation(`two coordinator leaders in term ${term}: ${other} and ${id}`);
  }

  applied(id: string, inc: number, entry: RaftEntry): void {
    const proc = `${id}/${inc}`;
    const last = this.appliedUpTo.get(proc) ?? 0;
    if (entry.index !== last + 1) this.violation(`${proc} applied entry ${entry.index} after entry ${last}`);
    this.appliedUpTo.set(proc, entry.index);
    const known = this.committed[entry.index - 1];
    if (known) {
      if (known.term !== entry.term || known.data !== entry.data) {
        this.violation(`${proc} applied ${show(entry)} where another member applied ${show(known)}`);
      }
      return;
    }
    if (entry.index !== this.committed.length + 1) {
      this.violation(`${proc} applied entry ${entry.index} before any member applied entry ${this.committed.length + 1}`);
      return;
    }
    const state = applyCommand(this.states[this.states.length - 1]!, entry.data);
    this.committed.push({ ...entry });
    this.states.push(state);
    this.onCommitted(entry, state, id);
  }

  /** At a quiet instant: is every committed entry on a majority of disks? */
  quiet(quorum: number): void {
    if (!this.disksChanged) return;
    this.disksChanged = false;
    const disks = [...this.disks.entries()];
    const from = Math.min(...disks.map(([, d]) => d.snapshot.index)) + 1;
    for (let index = from; index <= this.committed.length; index++) {
      const { term } = this.committed[index - 1]!;
      const on = disks.filter(([, d]) => holds(d, index, term)).map(([id]) => id);
      if (on.length >= quorum || this.underReplicated.has(index)) continue;
      this.underReplicated.add(index);
      this.violation(`committed entry ${index} (term ${term}) is on ${on.length} disk(s) only: ${on.join(', ') || 'none'}`);
    }
  }

  // ---- Disks ----

  private saved(id: string, inc: number, batch: PersistEffect[]): void {
    const disk = this.disks.get(id);
    if (!disk || disk.inc !== inc) return;
    disk.saving = null;
    for (const e of batch) {
      if (e.kind === 'persistHardState') {
        disk.term = e.term;
        disk.votedFor = e.votedFor;
      } else if (e.kind === 'persistLog') {
        const keep = Math.max(0, e.from - disk.snapshot.index - 1);
        disk.log = [...disk.log.slice(0, keep), ...e.entries.filter((x) => x.index > disk.snapshot.index).map((x) => x.term)];
      } else {
        this.checkSnapshot(`${id}/${inc} stored`, e.snapshot);
        disk.snapshot = { index: e.snapshot.index, term: e.snapshot.term };
        disk.log = e.log.map((x) => x.term);
        const proc = `${id}/${inc}`;
        this.appliedUpTo.set(proc, Math.max(this.appliedUpTo.get(proc) ?? 0, e.snapshot.index));
      }
    }
    this.disksChanged = true;
  }

  private loaded(id: string, inc: number, d: RaftDurable): void {
    const before = this.disks.get(id);
    if (before) this.checkSurvived(id, before, d);
    this.checkSnapshot(`${id}/${inc} loaded`, d.snapshot);
    this.disks.set(id, {
      inc,
      term: d.term,
      votedFor: d.votedFor,
      snapshot: { index: d.snapshot.index, term: d.snapshot.term },
      log: d.log.map((e) => e.term),
      saving: null,
    });
    this.appliedUpTo.set(`${id}/${inc}`, d.snapshot.index);
    this.disksChanged = true;
  }

  /** Everything acknowledged before the power cut is on the disk after it. */
  private checkSurvived(id: string, before: Disk, after: RaftDurable): void {
    const lost = (what: string) => this.violation(`${id} lost ${what} in a power cut`);
    if (after.term < before.term) lost(`term ${before.term} (loaded ${after.term})`);
    else if (after.term === before.term && before.votedFor !== '' && after.votedFor !== before.votedFor) lost(`its vote for ${before.votedFor} in term ${before.term}`);
    if (after.snapshot.index < before.snapshot.index) lost(`its snapshot at ${before.snapshot.index} (loaded ${after.snapshot.index})`);
    // The batch being saved may have cut the log: a truncation from its index on, a snapshot
    // after the entries it keeps. Entries before the cut must all be there.
    const cuts = (before.saving ?? []).map((e) => (e.kind === 'persistLog' ? e.from : e.kind === 'persistSnapshot' ? e.snapshot.index + 1 + e.log.length : Infinity));
    const cutFrom = Math.min(...cuts);
    const disk: Disk = { ...before, snapshot: after.snapshot, log: after.log.map((e) => e.term) };
    before.log.forEach((term, k) => {
      const index = before.snapshot.index + 1 + k;
      if (index < cutFrom && !holds(disk, index, term)) lost(`entry ${index} (term ${term})`);
    });
  }

  private checkSnapshot(who: string, snap: RaftSnapshot): void {
    if (snap.index === 0) return;
    const entry = this.committed[snap.index - 1];
    if (!entry) return this.violation(`${who} a snapshot at ${snap.index}, beyond every applied entry (${this.committed.length})`);
    if (entry.term !== snap.term) this.violation(`${who} a snapshot at ${snap.index} of term ${snap.term}; the entry committed there has term ${entry.term}`);
    if (!isDeepStrictEqual(decodeSnapshot(snap.data, this.config), this.states[snap.index])) {
      this.violation(`${who} a snapshot at ${snap.index} that differs from the committed entries' state: ${snap.data}`);
    }
  }
}

/** The disk holds entry index of that term (a snapshot past it holds it, checked when stored). */
function holds(d: Disk, index: number, term: number): boolean {
  if (index < d.snapshot.index) return true;
  if (index === d.snapshot.index) return d.snapshot.term === term;
  return d.log[index - d.snapshot.index - 1] === term;
}

function show(e: RaftEntry): string {
  return `entry ${e.index} (term ${e.term}) ${e.data === '' ? 'no-op' : e.data}`;
}
