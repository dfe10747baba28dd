// A whole Raft group in memory, for raft.test.ts (test code only). Members are stepped one input
// at a time; the network is the list of messages in flight, which the test delivers, drops,
// duplicates or reorders; each member's durable store is rebuilt from its persist effects only,
// and a crash restarts the member from that store alone (optionally cut partway through a
// step's effects, which are carried out in the order the core gave them). After every step the
// group checks Raft's guarantees:
//   - at most one leader per term (Election Safety);
//   - an index once applied anywhere holds the same entry on every member, for good, and each
//     member applies indices in order, once (State Machine Safety);
//   - a leader's log holds every entry committed in an earlier term (Leader Completeness);
//   - what the core holds as term, vote, snapshot and log equals what its persist effects stored;
//   - an entry a member acknowledged in a successful appendReply stays in its log, through
//     crashes, until a leader's append or snapshot replaces it (its persist came first);
//   - a confirm resolves only if no leader of a later term was elected before it was asked.
import assert from 'node:assert/strict';
import { isDeepStrictEqual } from 'node:util';
import {
  createRaft,
  step,
  termAt,
  lastIndex,
  type RaftDurable,
  type RaftEffect,
  type RaftEntry,
  type RaftInput,
  type RaftMessage,
  type RaftOptions,
  type RaftState,
} from './raft.ts';

export const testOptions: RaftOptions = { heartbeatMs: 10, electionTimeoutMs: 100, batchEntriesMax: 3 };

export function emptyDurable(): RaftDurable {
  return { term: 0, votedFor: '', snapshot: { index: 0, term: 0, data: '' }, log: [] };
}

/** Stores one persist effect the way io/raft-storage.ts does, checking it keeps the log whole. */
export function persist(d: RaftDurable, e: RaftEffect): void {
  if (e.kind === 'persistHardState') {
    assert.ok(e.term >= d.term, `the term goes back from ${d.term} to ${e.term}`);
    d.term = e.term;
    d.votedFor = e.votedFor;
  } else if (e.kind === 'persistLog') {
    const last = d.log.length > 0 ? (d.log[d.log.length - 1] as RaftEntry).index : d.snapshot.index;
    assert.ok(e.from > d.snapshot.index && e.from <= last + 1, `persistLog from ${e.from} leaves a gap or rewrites the snapshot (${d.snapshot.index}..${last})`);
    assert.ok(e.entries.every((x, i) => x.index === e.from + i), 'persistLog entries start at from, contiguous');
    d.log = [...d.log.filter((x) => x.index < e.from), ...e.entries.map((x) => ({ ...x }))];
  } else if (e.kind === 'persistSnapshot') {
    assert.ok(e.snapshot.index >= d.snapshot.index, 'a snapshot never goes back');
    assert.ok(e.log.every((x, i) => x.index === e.snapshot.index + 1 + i), 'the log after a snapshot starts right after it');
    d.snapshot = { ...e.snapshot };
    d.log = e.log.map((x) => ({ ...x }));
  }
}

const clone = (d: RaftDurable): RaftDurable => ({ ...d, snapshot: { ...d.snapshot }, log: d.log.map((x) => ({ ...x })) });

interface Member {
  state: RaftState;
  store: RaftDurable;
  /** The state machine: every applied entry, entry i at [i - 1]. Its snapshot is this as JSON. */
  applied: RaftEntry[];
  /** index → term of entries this member acknowledged and no leader has replaced since. */
  acked: Map<number, number>;
  restarts: number;
}

export interface GroupOptions {
  options?: RaftOptions;
  seed?: number;
  /** Durable state to start a member from (default: empty). */
  durable?: Record<string, RaftDurable>;
}

export class RaftGroup {
  now = 0;
  inflight: RaftMessage[] = [];
  /** Members whose messages are lost, both ways, as they are sent. */
  readonly isolated = new Set<string>();
  /** Every index applied anywhere, and the entry it holds. */
  readonly committed = new Map<number, RaftEntry>();
  /** Confirm ids answered 'confirmed' / 'notLeader', in order. */
  readonly confirmed: number[] = [];
  readonly refused: number[] = [];
  /** How much of Raft a schedule exercised, so a property test can insist on coverage. */
  readonly seen = { truncations: 0, snapshotsInstalled: 0, crashesMidStep: 0 };
  readonly options: RaftOptions;
  private steps = 0;
  private readonly byId = new Map<string, Member>();
  private readonly seed: number;
  /** The term of the leader that first committed each index. */
  private readonly committedIn = new Map<number, number>();
  private readonly leaderOf = new Map<number, string>();
  private readonly electedAtStep = new Map<number, number>();
  private readonly asked = new Map<number, { term: number; step: number }>();

  constructor(
    readonly ids: string[],
    opts: GroupOptions = {},
  ) {
    this.options = opts.options ?? testOptions;
    this.seed = opts.seed ?? 1;
    for (const [i, id] of ids.entries()) {
      const store = clone(opts.durable?.[id] ?? emptyDurable());
      const member: Member = { state: createRaft(id, ids, this.options, clone(store), 0, this.seed * 31 + i), store, applied: [], acked: new Map(), restarts: 0 };
      member.applied = this.machineAt(store);
      this.byId.set(id, member);
    }
  }

  state(id: string): RaftState {
    return this.member(id).state;
  }

  store(id: string): RaftDurable {
    return this.member(id).store;
  }

  applied(id: string): RaftEntry[] {
    return this.member(id).applied;
  }

  leaders(): string[] {
    return this.ids.filter((id) => this.state(id).role === 'leader');
  }

  /**
   * Steps a member and carries out the effects in order. With cutAt, the member crashes after
   * its first cutAt effects: the rest are lost, and it restarts from its store.
   */
  input(id: string, input: RaftInput, cutAt?: number): RaftEffect[] {
    const member = this.member(id);
    this.steps++;
    const { state, effects } = step(member.state, input);
    if (input.kind === 'confirm' && state.role === 'leader') this.asked.set(input.id, { term: state.term, step: this.steps });
    const done = cutAt === undefined ? effects.length : Math.min(cutAt, effects.length);
    for (const e of effects.slice(0, done)) this.carryOut(member, state, e);
    if (cutAt !== undefined) {
      this.seen.crashesMidStep++;
      // Its election stands even if it crashes now (the votes were given and persisted). What it
      // holds as committed does not count unless an apply effect got out: a crash before its own
      // persist leaves an entry on a "majority" that never was durable, and no one saw it.
      this.checkLeader(id, state, false);
      this.restart(id);
      return effects.slice(0, done);
    }
    member.state = state;
    this.checkMember(id);
    return effects;
  }

  /** Delivers the message at position i of the network (any order: the test picks). */
  deliver(i: number, cutAt?: number): RaftEffect[] {
    const [m] = this.inflight.splice(i, 1);
    assert.ok(m, `a message at ${i}`);
    return this.input(m.to, { kind: 'message', message: m, now: this.now }, cutAt);
  }

  /** Delivers messages first in, first out, new ones included, while `which` lets them. */
  deliverAll(which: (m: RaftMessage) => boolean = () => true, max = 10_000): void {
    for (let n = 0; n < max; n++) {
      const i = this.inflight.findIndex(which);
      if (i === -1) return;
      this.deliver(i);
    }
    assert.fail(`the network did not quiesce in ${max} deliveries`);
  }

  /** Time passes by ms; then each of `who` (default: everyone) gets a tick. */
  tick(ms: number, who: string[] = this.ids): void {
    this.now += ms;
    for (const id of who) this.input(id, { kind: 'tick', now: this.now });
  }

  propose(id: string, data: string): RaftEffect[] {
    return this.input(id, { kind: 'propose', data, now: this.now });
  }

  confirm(id: string, confirmId: number): RaftEffect[] {
    return this.input(id, { kind: 'confirm', id: confirmId, now: this.now });
  }

  /** Snapshots the member's state machine at its applied index. */
  compact(id: string): RaftEffect[] {
    const member = this.member(id);
    assert.equal(member.applied.length, member.state.appliedIndex);
    return this.input(id, { kind: 'compact', index: member.state.appliedIndex, data: JSON.stringify(member.applied) });
  }

  /** Power off and on: the member keeps only its store. */
  restart(id: string): void {
    const member = this.member(id);
    member.restarts++;
    const seed = this.seed * 31 + this.ids.indexOf(id) + 1000 * member.restarts;
    member.state = createRaft(id, this.ids, this.options, clone(member.store), this.now, seed);
    member.applied = this.machineAt(member.store);
    this.checkMember(id);
  }

  /** Ticks only `id` until its election timer fires, then lets every message through. */
  elect(id: string): void {
    this.now = Math.max(this.now, this.state(id).electionDeadline);
    this.input(id, { kind: 'tick', now: this.now });
    this.deliverAll();
    assert.equal(this.state(id).role, 'leader', `${id} won the election`);
  }

  private member(id: string): Member {
    const m = this.byId.get(id);
    assert.ok(m, `member ${id}`);
    return m;
  }

  private machineAt(store: RaftDurable): RaftEntry[] {
    const entries = store.snapshot.data === '' ? [] : (JSON.parse(store.snapshot.data) as RaftEntry[]);
    assert.equal(entries.length, store.snapshot.index, 'a snapshot holds its state machine');
    return entries;
  }

  private carryOut(member: Member, next: RaftState, e: RaftEffect): void {
    const id = next.id;
    switch (e.kind) {
      case 'persistHardState':
        persist(member.store, e);
        return;
      case 'persistLog':
        if (e.from <= lastIndex(member.state)) this.seen.truncations++;
        persist(member.store, e);
        // A leader's append replaced these: losing them now is Raft's rule, not a lost write.
        for (const i of member.acked.keys()) if (i >= e.from) member.acked.delete(i);
        return;
      case 'persistSnapshot':
        persist(member.store, e);
        for (const [i, t] of member.acked) if (i > e.snapshot.index && !e.log.some((x) => x.index === i && x.term === t)) member.acked.delete(i);
        return;
      case 'send': {
        const m = e.message;
        assert.equal(m.from, id, 'a member sends as itself');
        if (m.type === 'appendReply' && m.success) {
          for (let i = next.snapshot.index + 1; i <= m.matchIndex; i++) {
            const t = termAt(next, i);
            assert.ok(t !== undefined, `${id} acknowledged ${m.matchIndex} but holds only up to ${lastIndex(next)}`);
            member.acked.set(i, t);
          }
        }
        if (!this.isolated.has(m.from) && !this.isolated.has(m.to)) this.inflight.push(structuredClone(m));
        return;
      }
      case 'apply':
        for (const x of e.entries) {
          assert.equal(x.index, member.applied.length + 1, `${id} applies ${x.index} after ${member.applied.length}`);
          this.commit(id, x);
          member.applied.push({ ...x });
        }
        return;
      case 'applySnapshot': {
        this.seen.snapshotsInstalled++;
        const entries = JSON.parse(e.snapshot.data) as RaftEntry[];
        assert.equal(entries.length, e.snapshot.index);
        for (const x of entries) this.commit(id, x);
        member.applied = entries;
        return;
      }
      case 'confirmed':
        for (const c of e.ids) this.checkConfirm(id, c);
        this.confirmed.push(...e.ids);
        return;
      case 'notLeader':
        this.refused.push(...(e.ids ?? []));
        return;
      case 'role':
      case 'proposed':
        return;
    }
  }

  private commit(id: string, x: RaftEntry): void {
    const known = this.committed.get(x.index);
    if (known) assert.deepEqual(x, known, `${id} applies at ${x.index} ${JSON.stringify(x)}, another member applied ${JSON.stringify(known)}`);
    else this.committed.set(x.index, { ...x });
  }

  private checkLeader(id: string, s: RaftState, commitsCount = true): void {
    if (s.role !== 'leader') return;
    const other = this.leaderOf.get(s.term);
    assert.ok(other === undefined || other === id, `two leaders in term ${s.term}: ${other} and ${id}`);
    if (other === undefined) {
      this.leaderOf.set(s.term, id);
      this.electedAtStep.set(s.term, this.steps);
    }
    for (const [i, t] of this.committedIn) {
      if (t >= s.term || i <= s.snapshot.index) continue;
      const want = this.committed.get(i);
      const have = s.log[i - s.snapshot.index - 1];
      assert.ok(want && isDeepStrictEqual(have, want), `leader ${id} of term ${s.term} lacks entry ${i}, committed in term ${t}`);
    }
    if (!commitsCount) return;
    // What a leader holds as committed is on a majority: record it, applied or not.
    for (let i = s.snapshot.index + 1; i <= s.commitIndex; i++) {
      this.commit(id, s.log[i - s.snapshot.index - 1] as RaftEntry);
      if (!this.committedIn.has(i)) this.committedIn.set(i, s.term);
    }
  }

  private checkMember(id: string): void {
    const { state: s, store, applied, acked } = this.member(id);
    assert.deepEqual({ term: s.term, votedFor: s.votedFor, snapshot: s.snapshot, log: s.log }, store, `${id} holds what it persisted`);
    assert.ok(s.commitIndex <= lastIndex(s), `${id} commits ${s.commitIndex} beyond its log (${lastIndex(s)})`);
    assert.equal(s.appliedIndex, s.commitIndex, `${id} applies what it commits`);
    assert.equal(applied.length, s.appliedIndex, `${id}'s state machine is at its applied index`);
    for (const [i, t] of acked) {
      assert.ok(i <= s.snapshot.index || termAt(s, i) === t, `${id} lost entry ${i} (term ${t}) it had acknowledged`);
    }
    this.checkLeader(id, s);
  }

  private checkConfirm(id: string, confirmId: number): void {
    const asked = this.asked.get(confirmId);
    assert.ok(asked, `confirm ${confirmId} was asked of a leader`);
    for (const [term, at] of this.electedAtStep) {
      assert.ok(term <= asked.term || at > asked.step, `${id} confirmed ${confirmId} (term ${asked.term}) though term ${term} had a leader before it was asked`);
    }
  }
}
