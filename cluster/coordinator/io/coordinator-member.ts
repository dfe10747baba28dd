// One member of the coordinator group (RAFT.md): a Raft loop that agrees with the other members
// on the membership record, and — only while this member is the leader and has committed an
// entry of its own term — a membership loop and the heartbeats to every storage node. A member
// that is not the leader answers every request with UNAVAILABLE naming the leader, so clients
// find it (coordinator/client.ts).
//
// A new leader builds its membership state from the committed record and counts every lease as
// granted at the moment it took over: a lease the old leader granted was committed before this
// leader's election, so it ends within leaseMs of it, and no primary is replaced before then.
// It goes on renewing the same primaries, so a leader change alone stops no writes.
import type { CoordinatorRef, Config } from '../../common/config.ts';
import { PennError } from '../../common/errors.ts';
import type { Logger } from '../../common/log.ts';
import { createMembership, leaseWaitMs } from '../core/membership.ts';
import type { CoordinatorInfo } from '../core/status.ts';
import { createRaft, lastIndex, leaderReady, type RaftEntry, type RaftMessage, type RaftRole, type RaftState } from '../core/raft.ts';
import { applyCommand, decodeSnapshot, encodeCommand, encodeSnapshot, type Command, type ReplicatedState } from '../core/replicated.ts';
import { Heartbeats, type HeartbeatCall } from './heartbeats.ts';
import { MembershipLoop } from './membership-loop.ts';
import { NotLeaderError, RaftLoop } from './raft-loop.ts';
import type { RaftStorage } from './raft-storage.ts';

export interface MemberDeps {
  id: string;
  config: Readonly<Config>;
  members: CoordinatorRef[];
  log: Logger;
  storage: RaftStorage;
  sendRaft(message: RaftMessage): void;
  heartbeat: HeartbeatCall;
  now(): number;
  every(ms: number, fn: () => void): () => void;
  /** Seeds the election timer's randomness. */
  seed: number;
  /** The disk failed: the process must stop. */
  onFatal(err: unknown): void;
  /** Each committed entry once applied here, in order (the simulator checks that members agree). */
  onApplied?(entry: RaftEntry): void;
}

/** What ClusterStatus and the admin console show of a member. */
export interface MemberView {
  id: string;
  role: RaftRole;
  term: number;
  leader: string;
  commitIndex: number;
  lastIndex: number;
  snapshotIndex: number;
}

interface Leading {
  term: number;
  loop: MembershipLoop;
  heartbeats: Heartbeats;
}

export class CoordinatorMember {
  private replicated!: ReplicatedState;
  private raft!: RaftLoop;
  private leading: Leading | undefined;
  private stopped = false;

  constructor(private readonly d: MemberDeps) {}

  async start(): Promise<void> {
    const durable = await this.d.storage.load();
    const { config, log } = this.d;
    if (durable.cutBytes > 0) log.warn(`cut ${durable.cutBytes} bytes of torn log tail`);
    this.replicated = decodeSnapshot(durable.snapshot.data, config);
    const options = {
      heartbeatMs: config.coordinator.raftHeartbeatMs,
      electionTimeoutMs: config.coordinator.electionTimeoutMs,
      batchEntriesMax: 256,
    };
    const ids = this.d.members.map((m) => m.id);
    const state = createRaft(this.d.id, ids, options, durable, this.d.now(), this.d.seed);
    this.raft = new RaftLoop(state, {
      storage: this.d.storage,
      send: (m) => this.d.sendRaft(m),
      now: this.d.now,
      every: this.d.every,
      log,
      onApply: (entries) => {
        for (const e of entries) {
          this.replicated = applyCommand(this.replicated, e.data);
          this.d.onApplied?.(e);
        }
      },
      onApplySnapshot: (snap) => {
        this.replicated = decodeSnapshot(snap.data, config);
      },
      onBatch: (s) => this.checkLeadership(s),
      snapshotData: () => encodeSnapshot(this.replicated),
      snapshotEveryEntries: config.coordinator.snapshotEveryEntries,
      onFatal: (err) => {
        this.stopLeading('the disk failed');
        this.d.onFatal(err);
      },
    });
    log.info(`coordinator ${this.d.id} loaded term ${durable.term}, snapshot at ${durable.snapshot.index}, ${durable.log.length} log entries`, {
      members: ids,
    });
    this.raft.start(Math.max(5, Math.floor(config.coordinator.raftHeartbeatMs / 2)));
  }

  receive(message: RaftMessage): void {
    if (!this.stopped) this.raft.receive(message);
  }

  /** The membership loop, when this member leads; otherwise UNAVAILABLE naming the leader. */
  membership(): MembershipLoop {
    if (this.leading) return this.leading.loop;
    throw this.notLeader();
  }

  view(): MemberView {
    const s = this.raft.current;
    return { id: this.d.id, role: s.role, term: s.term, leader: s.leader, commitIndex: s.commitIndex, lastIndex: lastIndex(s), snapshotIndex: s.snapshot.index };
  }

  /** The group as this member sees it: peers' progress is known only to a leader. */
  coordinators(): CoordinatorInfo[] {
    const s = this.raft.current;
    const now = this.d.now();
    return this.d.members.map((m): CoordinatorInfo => {
      if (m.id === this.d.id) return { ...m, role: s.role === 'leader' ? 'leader' : 'follower', term: s.term, matchIndex: lastIndex(s) };
      const p = s.progress[m.id];
      const reachable = p !== undefined && now - p.heardAt < this.d.config.coordinator.electionTimeoutMs;
      return { ...m, role: reachable ? 'follower' : 'unreachable', term: s.term, matchIndex: p?.match ?? 0 };
    });
  }

  /** The committed record and lease holders (any member, possibly behind the leader). */
  committed(): ReplicatedState {
    return this.replicated;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    const leading = this.leading;
    this.stopLeading('stopping');
    this.raft.stop();
    await leading?.loop.drain();
    await this.d.storage.close();
  }

  private notLeader(): PennError {
    const leader = this.raft.current.leader;
    const ref = this.d.members.find((m) => m.id === leader);
    if (!ref || leader === this.d.id) {
      return new PennError('unavailable', `coordinator ${this.d.id} is not the leader and knows none yet (an election is under way)`);
    }
    return new PennError('unavailable', `coordinator ${this.d.id} is not the leader; the leader is ${ref.id} [leader ${ref.address}]`);
  }

  private checkLeadership(s: RaftState): void {
    if (this.stopped) return;
    if (this.leading && (s.role !== 'leader' || s.term !== this.leading.term)) this.stopLeading(`lost leadership in term ${s.term}`);
    if (!this.leading && leaderReady(s)) this.startLeading(s.term);
  }

  private startLeading(term: number): void {
    const { config, log } = this.d;
    const state = createMembership(config, this.replicated.record, this.d.now());
    const loop = new MembershipLoop(state, log, {
      commit: (commands) => this.commit(commands),
      now: this.d.now,
      every: this.d.every,
      onFatal: (err) => {
        if (this.leading?.loop === loop) this.stopLeading(`a commit failed: ${err instanceof Error ? err.message : String(err)}`);
      },
    });
    const { heartbeatIntervalMs, heartbeatMissesMax, leaseMs } = config.coordinator;
    const heartbeats = new Heartbeats(state.nodes, heartbeatIntervalMs, heartbeatMissesMax, loop, log, this.d.heartbeat, this.d.every);
    loop.onAnnounce((group) => heartbeats.announce(group));
    this.leading = { term, loop, heartbeats };
    loop.start(Math.max(10, Math.floor(Math.min(heartbeatIntervalMs, leaseMs) / 5)));
    heartbeats.start();
    const groups = this.replicated.record.groups.map((g) => `g${g.group} epoch ${g.epoch} primary ${g.primary || 'none'}`);
    log.info(`leading the coordinator group in term ${term}; no primary is replaced for ${Math.ceil(leaseWaitMs(leaseMs))} ms`, { groups });
  }

  private stopLeading(why: string): void {
    const leading = this.leading;
    if (!leading) return;
    this.leading = undefined;
    leading.heartbeats.stop();
    leading.loop.stop();
    this.d.log.warn(`stopped leading: ${why}`);
  }

  /**
   * Membership changes and a primary's first lease of an epoch are committed; a renewal of a
   * lease the log already records needs only a confirm that this member still leads (no disk
   * write): a lease granted after that confirm still ends before any later leader's election
   * + leaseMs, which is all a new leader assumes (RAFT.md, "Leases").
   */
  private async commit(commands: Command[]): Promise<void> {
    const recorded = (c: Command) => {
      if (c.type !== 'lease') return false;
      const held = this.replicated.leases[c.group];
      return held !== undefined && held.epoch === c.epoch && held.node === c.node;
    };
    try {
      await Promise.all(commands.map((c) => (recorded(c) ? this.raft.confirm() : this.raft.propose(encodeCommand(c)))));
    } catch (err) {
      if (err instanceof NotLeaderError) throw this.notLeader();
      throw err;
    }
  }
}
