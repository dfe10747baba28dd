// Raft (Ongaro & Ousterhout, "In Search of an Understandable Consensus Algorithm", and etcd's
// raft package) for the coordinator group, as a pure state machine: step(state, input) returns
// the next state and effects as data. No clock, socket, file or Math.random here: time arrives in
// the inputs, randomness from the seeded generator kept in the state. RAFT.md says why each rule
// is here.
//
// Contract for the loop that runs it (io/raft-loop.ts): carry out a step's effects in this order
// — persistHardState/persistLog/persistSnapshot made durable (fsync), then send, then apply, then
// role — and never send a message produced by a step before that step's persists are durable.
// A vote, a term or an entry acknowledged to a peer must survive a crash of this process.
//
// Besides the paper: PreVote (§9.6 of Ongaro's thesis) so a member that was cut off does not
// depose a working leader when it returns, and CheckQuorum so a leader that cannot reach a
// majority steps down within an election timeout instead of serving stale answers.
import assert from 'node:assert/strict';

export interface RaftEntry {
  index: number;
  term: number;
  /** The command, opaque to Raft; '' is the no-op a new leader appends. */
  data: string;
}

export interface RaftSnapshot {
  /** The last entry the snapshot covers, and its term. index 0: the empty initial state. */
  index: number;
  term: number;
  data: string;
}

interface Envelope {
  from: string;
  to: string;
  term: number;
}

export type RaftMessage =
  | (Envelope & { type: 'vote'; pre: boolean; lastIndex: number; lastTerm: number })
  | (Envelope & { type: 'voteReply'; pre: boolean; granted: boolean })
  /** seq: the leader's round, echoed in the reply, so a reply proves contact after a confirm began. */
  | (Envelope & { type: 'append'; prevIndex: number; prevTerm: number; entries: RaftEntry[]; commit: number; seq: number })
  /** success: matchIndex is the follower's last index known to match; failure: a hint for nextIndex - 1. */
  | (Envelope & { type: 'appendReply'; success: boolean; matchIndex: number; seq: number })
  | (Envelope & { type: 'snapshot'; snapshot: RaftSnapshot });

export type RaftRole = 'follower' | 'precandidate' | 'candidate' | 'leader';

export interface RaftOptions {
  heartbeatMs: number;
  /** A follower waits a random time in [electionTimeoutMs, 2 × electionTimeoutMs) for a leader. */
  electionTimeoutMs: number;
  /** Entries sent in one append message at most. */
  batchEntriesMax: number;
}

interface Progress {
  /** The next entry to send. */
  next: number;
  /** The highest entry known to be on the peer. */
  match: number;
  /** When the peer last answered this leader (CheckQuorum). */
  heardAt: number;
  /** The highest round (append seq) the peer has answered. */
  ackedSeq: number;
}

export interface RaftState {
  readonly id: string;
  /** Every member, this one included, in a fixed order. */
  readonly members: readonly string[];
  readonly options: Readonly<RaftOptions>;
  term: number;
  /** '' when this member has not voted in `term`. */
  votedFor: string;
  snapshot: RaftSnapshot;
  /** The entries after snapshot.index, contiguous. */
  log: RaftEntry[];
  commitIndex: number;
  /** Entries up to here have been handed out in apply effects. */
  appliedIndex: number;
  role: RaftRole;
  /** '' when unknown. */
  leader: string;
  /** Members that granted this member's (pre-)vote in the current round. */
  votes: string[];
  electionDeadline: number;
  heartbeatDue: number;
  /** When an append or snapshot from the current leader last arrived (followers), for stickiness. */
  leaderContactAt: number;
  /** When the leader last checked it still reaches a majority. */
  quorumCheckAt: number;
  progress: Record<string, Progress>;
  /** The leader's current round of appends; every broadcast after a confirm starts a new one. */
  seq: number;
  /** Confirms waiting for a majority to answer a round ≥ seq. */
  confirms: { id: number; seq: number }[];
  /** xorshift32 state, never 0. */
  rng: number;
}

export type RaftInput =
  | { kind: 'tick'; now: number }
  | { kind: 'message'; message: RaftMessage; now: number }
  | { kind: 'propose'; data: string; now: number }
  /** The state machine's data at `index` (≤ appliedIndex): entries up to it are dropped. */
  | { kind: 'compact'; index: number; data: string }
  /**
   * Is this member still the leader? Answered 'confirmed' once a majority has answered a round
   * sent after this input (no other leader can have been elected before that moment), or
   * 'notLeader' (etcd's ReadIndex check, without the read).
   */
  | { kind: 'confirm'; id: number; now: number };

export type RaftEffect =
  | { kind: 'persistHardState'; term: number; votedFor: string }
  /** Drop every stored entry with index ≥ from, then append entries (which start at from). */
  | { kind: 'persistLog'; from: number; entries: RaftEntry[] }
  /** Store the snapshot, then keep exactly `log` as the entries after it. */
  | { kind: 'persistSnapshot'; snapshot: RaftSnapshot; log: RaftEntry[] }
  | { kind: 'send'; message: RaftMessage }
  | { kind: 'apply'; entries: RaftEntry[] }
  | { kind: 'applySnapshot'; snapshot: RaftSnapshot }
  | { kind: 'role'; role: RaftRole; term: number; leader: string }
  | { kind: 'proposed'; index: number; term: number }
  | { kind: 'confirmed'; ids: number[] }
  | { kind: 'notLeader'; leader: string; ids?: number[] };

export interface RaftStepResult {
  state: RaftState;
  effects: RaftEffect[];
}

export interface RaftDurable {
  term: number;
  votedFor: string;
  snapshot: RaftSnapshot;
  log: RaftEntry[];
}

/** A member as it starts: from what it persisted (nothing, the first time), as a follower. */
export function createRaft(id: string, members: readonly string[], options: RaftOptions, durable: RaftDurable, now: number, seed: number): RaftState {
  assert.ok(members.includes(id), `${id} is one of the members`);
  assert.ok(durable.log.every((e, i) => e.index === durable.snapshot.index + 1 + i), 'the log is contiguous after the snapshot');
  const s: RaftState = {
    id,
    members: [...members],
    options,
    term: durable.term,
    votedFor: durable.votedFor,
    snapshot: { ...durable.snapshot },
    log: durable.log.map((e) => ({ ...e })),
    // The snapshot holds only committed entries; the rest is learned from the leader.
    commitIndex: durable.snapshot.index,
    appliedIndex: durable.snapshot.index,
    role: 'follower',
    leader: '',
    votes: [],
    electionDeadline: 0,
    heartbeatDue: 0,
    leaderContactAt: -Infinity,
    quorumCheckAt: now,
    progress: {},
    seq: 0,
    confirms: [],
    rng: (seed >>> 0) || 0x9e3779b9,
  };
  resetElectionTimer(s, now);
  return s;
}

export function step(state: RaftState, input: RaftInput): RaftStepResult {
  const s = draft(state);
  const out: RaftEffect[] = [];
  onInput(s, out, input);
  return { state: s, effects: out };
}

/** Hands each kind of input to its handler, as onMessage does for each type of message. */
function onInput(s: RaftState, out: RaftEffect[], input: RaftInput): void {
  switch (input.kind) {
    case 'tick':
      return onTick(s, out, input.now);
    case 'message':
      return onMessage(s, out, input.message, input.now);
    case 'propose':
      return onPropose(s, out, input.data, input.now);
    case 'compact':
      return onCompact(s, out, input.index, input.data);
    case 'confirm':
      return onConfirm(s, out, input.id, input.now);
  }
}

// ---- Queries ----

export function lastIndex(s: RaftState): number {
  return s.log.length > 0 ? (s.log[s.log.length - 1] as RaftEntry).index : s.snapshot.index;
}

export function lastTerm(s: RaftState): number {
  return s.log.length > 0 ? (s.log[s.log.length - 1] as RaftEntry).term : s.snapshot.term;
}

/** The term of the entry at index, or undefined when it is not in the log or the snapshot. */
export function termAt(s: RaftState, index: number): number | undefined {
  if (index === s.snapshot.index) return s.snapshot.term;
  if (index < s.snapshot.index || index > lastIndex(s)) return undefined;
  return (s.log[index - s.snapshot.index - 1] as RaftEntry).term;
}

/** A leader may serve once an entry of its own term is committed: it then knows every committed entry. */
export function leaderReady(s: RaftState): boolean {
  return s.role === 'leader' && termAt(s, s.commitIndex) === s.term;
}

export function quorum(s: RaftState): number {
  return Math.floor(s.members.length / 2) + 1;
}

// ---- Time ----

function onTick(s: RaftState, out: RaftEffect[], now: number): void {
  if (s.role === 'leader') {
    if (now - s.quorumCheckAt >= s.options.electionTimeoutMs) {
      // CheckQuorum: without a majority heard from within an election timeout, others may have
      // elected a leader already; stop answering as one.
      const heard = s.members.filter((m) => m === s.id || (s.progress[m]?.heardAt ?? -Infinity) >= s.quorumCheckAt).length;
      s.quorumCheckAt = now;
      if (heard < quorum(s)) {
        becomeFollower(s, out, s.term, '', now);
        return;
      }
    }
    if (now >= s.heartbeatDue) broadcastAppend(s, out, now);
    return;
  }
  if (now >= s.electionDeadline) startElection(s, out, now, true);
}

function resetElectionTimer(s: RaftState, now: number): void {
  s.electionDeadline = now + s.options.electionTimeoutMs + Math.floor(random(s) * s.options.electionTimeoutMs);
}

function random(s: RaftState): number {
  let x = s.rng;
  x ^= x << 13;
  x ^= x >>> 17;
  x ^= x << 5;
  s.rng = x >>> 0 || 0x9e3779b9;
  return s.rng / 2 ** 32;
}

// ---- Elections ----

/** pre: a PreVote round, which changes no term; a real round follows only if a majority would vote. */
function startElection(s: RaftState, out: RaftEffect[], now: number, pre: boolean): void {
  resetElectionTimer(s, now);
  // A PreVote asks for the term a real election would use, without taking it.
  const term = s.term + 1;
  if (pre) {
    setRole(s, out, 'precandidate', s.term, '');
  } else {
    s.term = term;
    s.votedFor = s.id;
    persistHardState(s, out);
    setRole(s, out, 'candidate', s.term, '');
  }
  s.votes = [s.id];
  if (s.votes.length >= quorum(s)) {
    if (pre) startElection(s, out, now, false);
    else becomeLeader(s, out, now);
    return;
  }
  for (const to of peers(s)) {
    send(out, { type: 'vote', from: s.id, to, term, pre, lastIndex: lastIndex(s), lastTerm: lastTerm(s) });
  }
}

function onVote(s: RaftState, out: RaftEffect[], m: Extract<RaftMessage, { type: 'vote' }>, now: number): void {
  const upToDate = m.lastTerm > lastTerm(s) || (m.lastTerm === lastTerm(s) && m.lastIndex >= lastIndex(s));
  if (m.pre) {
    // Granted without changing anything here: the candidate's term would be newer, its log is
    // at least as long, and this member has no leader it heard from lately.
    const granted = m.term > s.term && upToDate && !heardFromLeaderLately(s, now);
    send(out, { type: 'voteReply', from: s.id, to: m.from, term: granted ? m.term : s.term, pre: true, granted });
    return;
  }
  // onMessage has raised s.term to m.term already when it was newer.
  const granted = m.term === s.term && upToDate && (s.votedFor === '' || s.votedFor === m.from);
  if (granted && s.votedFor === '') {
    s.votedFor = m.from;
    persistHardState(s, out);
  }
  if (granted) resetElectionTimer(s, now);
  send(out, { type: 'voteReply', from: s.id, to: m.from, term: s.term, pre: false, granted });
}

function onVoteReply(s: RaftState, out: RaftEffect[], m: Extract<RaftMessage, { type: 'voteReply' }>, now: number): void {
  const round = m.pre ? s.role === 'precandidate' && m.term === s.term + 1 : s.role === 'candidate' && m.term === s.term;
  if (!round || !m.granted) return;
  if (!s.votes.includes(m.from)) s.votes.push(m.from);
  if (s.votes.length < quorum(s)) return;
  if (m.pre) startElection(s, out, now, false);
  else becomeLeader(s, out, now);
}

/**
 * A live leader reaches its followers every heartbeatMs; three of them missed means it is gone.
 * Shorter than the election timeout on purpose: a voter that waited a whole election timeout
 * would turn down the first candidate whose timer fired just before its own (both heard the
 * dead leader last at about the same moment) and cost the group another round.
 */
function heardFromLeaderLately(s: RaftState, now: number): boolean {
  const stickyMs = Math.min(s.options.electionTimeoutMs, 3 * s.options.heartbeatMs);
  return s.role === 'leader' || (s.leader !== '' && now - s.leaderContactAt < stickyMs);
}

function becomeLeader(s: RaftState, out: RaftEffect[], now: number): void {
  setRole(s, out, 'leader', s.term, s.id);
  s.progress = {};
  // Not heard yet: a peer counts as reachable (status, CheckQuorum) only once it has answered
  // this leader; the first quorum check comes an election timeout after quorumCheckAt.
  for (const p of peers(s)) s.progress[p] = { next: lastIndex(s) + 1, match: 0, heardAt: -Infinity, ackedSeq: 0 };
  s.quorumCheckAt = now;
  // A no-op of its own term lets the new leader commit what earlier leaders left (§5.4.2).
  appendOwn(s, out, '');
  broadcastAppend(s, out, now);
  maybeCommit(s, out);
}

function becomeFollower(s: RaftState, out: RaftEffect[], term: number, leader: string, now: number): void {
  if (term > s.term) {
    s.term = term;
    s.votedFor = '';
    persistHardState(s, out);
  }
  s.votes = [];
  s.progress = {};
  dropConfirms(s, out, leader);
  if (leader !== '') s.leaderContactAt = now;
  setRole(s, out, 'follower', s.term, leader);
  resetElectionTimer(s, now);
}

// ---- Messages ----

function onMessage(s: RaftState, out: RaftEffect[], m: RaftMessage, now: number): void {
  if (m.to !== s.id || !s.members.includes(m.from) || m.from === s.id) return;
  if (m.term > s.term) {
    if (m.type === 'vote' && m.pre) return onVote(s, out, m, now);
    if (m.type === 'voteReply' && m.pre && m.granted) return onVoteReply(s, out, m, now);
    // Leader stickiness: a member that heard from a live leader lately ignores a vote request
    // (the requester was cut off, or its timer ran early); it must not depose the leader.
    if (m.type === 'vote' && heardFromLeaderLately(s, now)) return;
    const fromLeader = m.type === 'append' || m.type === 'snapshot';
    becomeFollower(s, out, m.term, fromLeader ? m.from : '', now);
  } else if (m.term < s.term) {
    // Tell a stale leader or candidate the newer term, so it steps down.
    if (m.type === 'append' || m.type === 'snapshot') {
      send(out, { type: 'appendReply', from: s.id, to: m.from, term: s.term, success: false, matchIndex: 0, seq: 0 });
    } else if (m.type === 'vote') {
      send(out, { type: 'voteReply', from: s.id, to: m.from, term: s.term, pre: m.pre, granted: false });
    }
    return;
  }
  switch (m.type) {
    case 'vote':
      return onVote(s, out, m, now);
    case 'voteReply':
      return onVoteReply(s, out, m, now);
    case 'append':
      return onAppend(s, out, m, now);
    case 'snapshot':
      return onSnapshot(s, out, m, now);
    case 'appendReply':
      return onAppendReply(s, out, m, now);
  }
}

/** A message of the current term from the leader: follow it. */
function followLeader(s: RaftState, out: RaftEffect[], leader: string, now: number): void {
  assert.ok(s.role !== 'leader', `two leaders in term ${s.term}: ${s.id} and ${leader}`);
  if (s.role !== 'follower' || s.leader !== leader) setRole(s, out, 'follower', s.term, leader);
  s.votes = [];
  s.leaderContactAt = now;
  resetElectionTimer(s, now);
}

function onAppend(s: RaftState, out: RaftEffect[], m: Extract<RaftMessage, { type: 'append' }>, now: number): void {
  followLeader(s, out, m.from, now);
  let prevIndex = m.prevIndex;
  let prevTerm = m.prevTerm;
  let entries = m.entries;
  if (prevIndex < s.snapshot.index) {
    // Entries up to the snapshot are committed, so they match: skip them.
    entries = entries.filter((e) => e.index > s.snapshot.index);
    if (entries.length === 0) return reply(s, out, m.from, true, Math.max(s.snapshot.index, m.prevIndex + m.entries.length), m.seq);
    prevIndex = s.snapshot.index;
    prevTerm = s.snapshot.term;
  }
  if (termAt(s, prevIndex) !== prevTerm) {
    // Not matched here: the leader backs up to at most our last entry.
    return reply(s, out, m.from, false, Math.min(lastIndex(s), prevIndex - 1), m.seq);
  }
  let from = -1;
  for (const e of entries) {
    const have = termAt(s, e.index);
    if (have === e.term) continue;
    assert.ok(e.index > s.commitIndex, `a committed entry ${e.index} would be overwritten`);
    from = e.index;
    break;
  }
  if (from !== -1) {
    const keep = from - s.snapshot.index - 1;
    const added = entries.filter((e) => e.index >= from).map((e) => ({ ...e }));
    s.log = [...s.log.slice(0, keep), ...added];
    out.push({ kind: 'persistLog', from, entries: added });
  }
  const matched = prevIndex + entries.length;
  const commit = Math.min(m.commit, matched);
  if (commit > s.commitIndex) {
    s.commitIndex = commit;
    applyCommitted(s, out);
  }
  reply(s, out, m.from, true, matched, m.seq);
}

function onSnapshot(s: RaftState, out: RaftEffect[], m: Extract<RaftMessage, { type: 'snapshot' }>, now: number): void {
  followLeader(s, out, m.from, now);
  const snap = m.snapshot;
  if (snap.index <= s.commitIndex) return reply(s, out, m.from, true, s.commitIndex, 0);
  // Keep the entries after the snapshot when the log agrees with it there; otherwise drop all.
  const keep = termAt(s, snap.index) === snap.term ? s.log.filter((e) => e.index > snap.index) : [];
  s.snapshot = { ...snap };
  s.log = keep;
  s.commitIndex = snap.index;
  s.appliedIndex = snap.index;
  out.push({ kind: 'persistSnapshot', snapshot: { ...snap }, log: keep.map((e) => ({ ...e })) });
  out.push({ kind: 'applySnapshot', snapshot: { ...snap } });
  reply(s, out, m.from, true, snap.index, 0);
}

function reply(s: RaftState, out: RaftEffect[], to: string, success: boolean, matchIndex: number, seq: number): void {
  send(out, { type: 'appendReply', from: s.id, to, term: s.term, success, matchIndex: Math.max(0, matchIndex), seq });
}

function onAppendReply(s: RaftState, out: RaftEffect[], m: Extract<RaftMessage, { type: 'appendReply' }>, now: number): void {
  if (s.role !== 'leader') return;
  const p = s.progress[m.from];
  if (!p) return;
  p.heardAt = now;
  if (m.seq > p.ackedSeq) {
    p.ackedSeq = m.seq;
    settleConfirms(s, out);
  }
  if (m.success) {
    if (m.matchIndex > p.match) p.match = m.matchIndex;
    p.next = Math.max(p.next, p.match + 1);
    maybeCommit(s, out);
  } else {
    p.next = Math.max(1, Math.min(p.next - 1, m.matchIndex + 1));
  }
  if (p.next <= lastIndex(s) || !m.success) sendAppend(s, out, m.from);
}

// ---- The leader's log ----

function onPropose(s: RaftState, out: RaftEffect[], data: string, now: number): void {
  if (s.role !== 'leader') {
    out.push({ kind: 'notLeader', leader: s.leader });
    return;
  }
  const entry = appendOwn(s, out, data);
  out.push({ kind: 'proposed', index: entry.index, term: entry.term });
  for (const p of peers(s)) sendAppend(s, out, p);
  s.heartbeatDue = now + s.options.heartbeatMs;
  maybeCommit(s, out);
}

function appendOwn(s: RaftState, out: RaftEffect[], data: string): RaftEntry {
  const entry = { index: lastIndex(s) + 1, term: s.term, data };
  s.log.push(entry);
  out.push({ kind: 'persistLog', from: entry.index, entries: [{ ...entry }] });
  return entry;
}

function broadcastAppend(s: RaftState, out: RaftEffect[], now: number): void {
  for (const p of peers(s)) sendAppend(s, out, p);
  s.heartbeatDue = now + s.options.heartbeatMs;
}

/** Sends the peer what it lacks from progress.next on (an empty append is the heartbeat). */
function sendAppend(s: RaftState, out: RaftEffect[], to: string): void {
  const p = s.progress[to];
  assert.ok(p, `progress for ${to}`);
  if (p.next <= s.snapshot.index) {
    send(out, { type: 'snapshot', from: s.id, to, term: s.term, snapshot: { ...s.snapshot } });
    p.next = s.snapshot.index + 1;
    return;
  }
  const prevIndex = p.next - 1;
  const prevTerm = termAt(s, prevIndex);
  assert.ok(prevTerm !== undefined, `entry ${prevIndex} is in the log`);
  const start = p.next - s.snapshot.index - 1;
  const entries = s.log.slice(start, start + s.options.batchEntriesMax).map((e) => ({ ...e }));
  send(out, { type: 'append', from: s.id, to, term: s.term, prevIndex, prevTerm, entries, commit: s.commitIndex, seq: s.seq });
  // Optimistic: later sends continue after these; a failed reply moves next back.
  p.next += entries.length;
}

/** Commits the highest entry of the current term stored on a majority (§5.4.2: only those count). */
function maybeCommit(s: RaftState, out: RaftEffect[]): void {
  const matches = s.members.map((m) => (m === s.id ? lastIndex(s) : (s.progress[m]?.match ?? 0))).sort((a, b) => b - a);
  const candidate = matches[quorum(s) - 1] as number;
  if (candidate <= s.commitIndex || termAt(s, candidate) !== s.term) return;
  s.commitIndex = candidate;
  applyCommitted(s, out);
}

function applyCommitted(s: RaftState, out: RaftEffect[]): void {
  if (s.commitIndex <= s.appliedIndex) return;
  const from = s.appliedIndex - s.snapshot.index;
  const entries = s.log.slice(from, s.commitIndex - s.snapshot.index).map((e) => ({ ...e }));
  s.appliedIndex = s.commitIndex;
  out.push({ kind: 'apply', entries });
}

function onConfirm(s: RaftState, out: RaftEffect[], id: number, now: number): void {
  if (s.role !== 'leader') {
    out.push({ kind: 'notLeader', leader: s.leader, ids: [id] });
    return;
  }
  // Always a new round: an answer to a round sent before this input proves nothing about the
  // moment the confirm was asked for.
  s.seq++;
  s.confirms.push({ id, seq: s.seq });
  broadcastAppend(s, out, now);
  settleConfirms(s, out);
}

function settleConfirms(s: RaftState, out: RaftEffect[]): void {
  if (s.confirms.length === 0) return;
  const acked = s.members.map((m) => (m === s.id ? Infinity : (s.progress[m]?.ackedSeq ?? 0))).sort((a, b) => b - a);
  const round = acked[quorum(s) - 1] as number;
  const done = s.confirms.filter((c) => c.seq <= round);
  if (done.length === 0) return;
  s.confirms = s.confirms.filter((c) => c.seq > round);
  out.push({ kind: 'confirmed', ids: done.map((c) => c.id) });
}

function dropConfirms(s: RaftState, out: RaftEffect[], leader: string): void {
  if (s.confirms.length === 0) return;
  out.push({ kind: 'notLeader', leader, ids: s.confirms.map((c) => c.id) });
  s.confirms = [];
}

function onCompact(s: RaftState, out: RaftEffect[], index: number, data: string): void {
  assert.ok(index <= s.appliedIndex, `compacting at ${index} beyond the applied ${s.appliedIndex}`);
  if (index <= s.snapshot.index) return;
  const term = termAt(s, index);
  assert.ok(term !== undefined, `entry ${index} is in the log`);
  s.snapshot = { index, term, data };
  s.log = s.log.filter((e) => e.index > index);
  out.push({ kind: 'persistSnapshot', snapshot: { ...s.snapshot }, log: s.log.map((e) => ({ ...e })) });
}

// ---- Helpers ----

function peers(s: RaftState): string[] {
  return s.members.filter((m) => m !== s.id);
}

function send(out: RaftEffect[], message: RaftMessage): void {
  out.push({ kind: 'send', message });
}

function persistHardState(s: RaftState, out: RaftEffect[]): void {
  out.push({ kind: 'persistHardState', term: s.term, votedFor: s.votedFor });
}

function setRole(s: RaftState, out: RaftEffect[], role: RaftRole, term: number, leader: string): void {
  const changed = s.role !== role || s.leader !== leader;
  s.role = role;
  s.leader = leader;
  if (changed) out.push({ kind: 'role', role, term, leader });
}

function draft(s: RaftState): RaftState {
  const progress: Record<string, Progress> = {};
  for (const [k, v] of Object.entries(s.progress)) progress[k] = { ...v };
  // Entries are never changed in place, only replaced, so the log array is copied shallowly.
  return { ...s, log: [...s.log], votes: [...s.votes], progress, snapshot: s.snapshot, confirms: [...s.confirms] };
}
