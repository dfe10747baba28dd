// The coordinator group in the simulation: three real CoordinatorMember instances (c0, c1, c2,
// cluster/coordinator/io/coordinator-member.ts) — the Raft core and loop, the membership loop,
// the heartbeats — each on FileRaftStorage over its own crash-prone disk, its Raft messages on
// the fake network (loss, delay, partitions), its heartbeats to the storage nodes on the same
// network, and its own clock (drift, stalls; sim-clock.ts). What main.ts and io/coordinator.ts
// add around a member (gRPC servers and clients, the real clock) is replaced, nothing else.
//
// The storage nodes reach the group through port(): the real client's leader search
// (cluster/coordinator/leader-call.ts) over the fake network, as CoordinatorClient does over gRPC.
import { isDeepStrictEqual } from 'node:util';
import { allNodes, coordinatorMembers, type Config, type CoordinatorRef } from '../../cluster/common/config.ts';
import { PennError } from '../../cluster/common/errors.ts';
import { groupConfig } from '../../cluster/coordinator/core/membership.ts';
import type { RaftEntry, RaftMessage } from '../../cluster/coordinator/core/raft.ts';
import type { GroupConfig, NodeFigures } from '../../cluster/coordinator/core/types.ts';
import { CoordinatorMember } from '../../cluster/coordinator/io/coordinator-member.ts';
import type { MembershipLoop } from '../../cluster/coordinator/io/membership-loop.ts';
import { FileRaftStorage } from '../../cluster/coordinator/io/raft-storage.ts';
import { callLeader, type LeaderSearch } from '../../cluster/coordinator/leader-call.ts';
import type { CoordinatorPort } from '../../cluster/kvs/replication/ports.ts';
import { ProcessClock } from './sim-clock.ts';
import { SimDisk } from './sim-disk.ts';
import { SimProcess } from './sim-process.ts';
import type { SimNetwork } from './sim-network.ts';
import type { RaftChecks } from './sim-raft-checks.ts';
import type { SimScheduler } from './sim-scheduler.ts';
import { traceLogger, type Trace } from './sim-trace.ts';

export interface GroupWorld {
  clock: SimScheduler;
  net: SimNetwork;
  trace: Trace;
  config: Readonly<Config>;
  checks: RaftChecks;
  /** The node's Replica/Heartbeat handler, run on the node at delivery. */
  heartbeat(node: string, config: GroupConfig | null): Promise<NodeFigures>;
  /** Seeded: election seeds, clock origins, disk latencies. */
  random: () => number;
  fsyncMsMax: number;
  /** The rate of a machine's clock (1: exact). */
  rate(id: string): number;
  violation(what: string): void;
}

export class SimMember extends SimProcess {
  member: CoordinatorMember | null = null;
  clock: ProcessClock | null = null;
  private readonly disk: SimDisk;

  constructor(
    readonly ref: CoordinatorRef,
    private readonly g: SimCoordinators,
    private readonly w: GroupWorld,
  ) {
    super();
    this.disk = new SimDisk(w.clock, w.random, w.fsyncMsMax);
  }

  get id(): string {
    return this.ref.id;
  }

  async start(): Promise<void> {
    const inc = this.beginStart();
    if (inc === null) return;
    const { w, id } = this;
    const clock = new ProcessClock(w.clock, w.rate(id), Math.floor(w.random() * 100_000));
    this.clock = clock;
    w.trace.add(`${id} starting (incarnation ${inc})`);
    const storage = w.checks.watch(id, inc, new FileRaftStorage(this.disk.fileSystem((ms) => clock.sleep(ms)), `/sim/coordinator/${id}`));
    const member = new CoordinatorMember({
      id,
      config: w.config,
      members: this.g.refs,
      log: traceLogger(w.trace, `${id}: `),
      storage,
      sendRaft: (m) => {
        w.checks.sent(m, inc);
        w.net.post(id, inc, m.to, `raft-${m.type}`, () => this.g.member(m.to).receive(structuredClone(m)));
        this.g.emit({ kind: 'sent', member: id, message: m });
      },
      heartbeat: (node, config, timeoutMs) =>
        clock.gate(w.net.call(id, inc, node.id, 'heartbeat', clock.toWorld(timeoutMs), () => w.heartbeat(node.id, config))),
      now: () => clock.now(),
      every: (ms, fn) => clock.every(ms, fn),
      seed: 1 + Math.floor(w.random() * 2 ** 31),
      onFatal: (err) => w.violation(`${id}/${inc} stopped on a disk error: ${err instanceof Error ? err.message : String(err)}`),
      onApplied: (entry) => w.checks.applied(id, inc, entry),
    });
    try {
      await member.start();
    } catch (err) {
      w.violation(`${id} failed to start: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
      return;
    }
    if (this.incarnation !== inc) return; // crashed while loading
    this.member = member;
    this.status = 'up';
    const v = member.view();
    w.trace.add(`${id} up: term ${v.term}, snapshot ${v.snapshotIndex}, last ${v.lastIndex}`);
  }

  /** Power cut: the process and its unsynced writes are gone. */
  crash(): void {
    if (!this.endIncarnation()) return;
    this.member = null;
    this.clock?.kill();
    this.disk.powerCut();
    this.w.checks.powerCut(this.id);
    this.w.trace.add(`${this.id} crashed`);
  }

  /** SIGSTOP for worldMs, then SIGCONT. */
  stall(worldMs: number): void {
    if (this.status === 'down' || !this.clock) return;
    this.clock.stall(worldMs);
    this.w.trace.add(`${this.id} stalled for ${worldMs} ms`);
  }

  receive(m: RaftMessage): void {
    const { member, clock } = this;
    if (member && clock) clock.run(() => member.receive(m));
  }

  /** A node's call, run here at delivery: the leader's membership loop answers; others refuse naming it. */
  serve<T>(fn: (loop: MembershipLoop) => Promise<T>): Promise<T> {
    const { member, clock } = this;
    if (!member || !clock) return Promise.reject(new PennError('unavailable', `${this.id} is ${this.status}`));
    return clock.serve(() => fn(member.membership()));
  }

  /** The membership loop when this member leads (and has committed an entry of its term). */
  leading(): MembershipLoop | null {
    // A follower's refusal builds an error with a stack: not on every quiet instant.
    if (this.member?.view().role !== 'leader') return null;
    try {
      return this.member.membership();
    } catch {
      return null;
    }
  }
}

/** What scripted faults may wait for: a member sent a message, an entry was first applied (by `member`). */
export type RaftEvent = { kind: 'sent'; member: string; message: RaftMessage } | { kind: 'committed'; member: string; entry: RaftEntry };

export class SimCoordinators {
  /** Called on every RaftEvent, synchronously: a fault may cut the power between two sends. */
  readonly observers = new Set<(e: RaftEvent) => void>();
  readonly refs: CoordinatorRef[];
  readonly members: SimMember[];
  /** The storage nodes' ids. */
  readonly nodes: string[];

  constructor(private readonly w: GroupWorld) {
    this.refs = coordinatorMembers(w.config);
    this.members = this.refs.map((ref) => new SimMember(ref, this, w));
    this.nodes = allNodes(w.config).map((n) => n.id);
  }

  get ids(): string[] {
    return this.refs.map((r) => r.id);
  }

  emit(e: RaftEvent): void {
    if (this.observers.size === 0) return;
    for (const fn of [...this.observers]) fn(e);
  }

  member(id: string): SimMember {
    const m = this.members.find((x) => x.id === id);
    if (!m) throw new Error(`no coordinator member ${id}`);
    return m;
  }

  start(): void {
    for (const m of this.members) void m.start();
  }

  /** The member serving as leader (of the highest term, if an old one has not noticed yet), or null. */
  leader(): SimMember | null {
    let best: SimMember | null = null;
    for (const m of this.members) {
      if (m.leading() && (!best || m.member!.view().term > best.member!.view().term)) best = m;
    }
    return best;
  }

  get up(): boolean {
    return this.leader() !== null;
  }

  /** The config as the leader holds it; without a leader, the newest committed one. */
  current(group = 0): GroupConfig {
    const loop = this.leader()?.leading();
    if (loop) return groupConfig(loop.current(), group)!;
    const state = this.w.checks.stateAt(this.w.checks.committedIndex)!;
    return { ...state.record.groups[group]!, inSync: [...state.record.groups[group]!.inSync] };
  }

  /** Checks at a quiet instant (sim-raft-checks.ts). */
  quiet(): void {
    this.w.checks.quiet(Math.floor(this.members.length / 2) + 1);
  }

  /** Every member up, one leader serving, all at the same commit, holding the committed state. */
  converged(): boolean {
    if (!this.members.every((m) => m.status === 'up' && m.member)) return false;
    const leader = this.leader();
    if (!leader) return false;
    const views = this.members.map((m) => m.member!.view());
    const commit = this.w.checks.committedIndex;
    if (!views.every((v) => v.commitIndex === commit && v.term === views[0]!.term)) return false;
    return this.members.every((m) => isDeepStrictEqual(m.member!.committed(), this.w.checks.stateAt(commit)));
  }

  describe(): string {
    return this.members
      .map((m) => {
        if (!m.member) return `${m.id} ${m.status}`;
        const v = m.member.view();
        return `${m.id} ${v.role}${m.leading() ? ' (serving)' : ''}${m.clock?.stalled ? ' stalled' : ''} t${v.term} commit ${v.commitIndex} last ${v.lastIndex} snap ${v.snapshotIndex}`;
      })
      .join('; ');
  }

  /**
   * A storage node's CoordinatorPort, bound to one incarnation of it: each call searches for the
   * leader within one deadline, as the CoordinatorClient kvs/main.ts gives a node does.
   */
  port(node: string, nodeInc: number, clock: ProcessClock): CoordinatorPort {
    const search: LeaderSearch = { addresses: this.refs.map((r) => r.address), leader: 0, now: () => clock.now(), sleep: (ms) => clock.sleep(ms) };
    const timeoutMs = Math.max(100, this.w.config.coordinator.leaseMs / 3);
    const call = <T>(kind: string, fn: (loop: MembershipLoop) => Promise<T>) =>
      callLeader(search, timeoutMs, (i, tries) => {
        const m = this.members[i]!;
        return this.w.net.call(node, nodeInc, m.id, kind, clock.toWorld(tries), () => m.serve(fn));
      });
    return {
      renewLease: (group, epoch, id) => call('renewLease', (l) => l.renewLease(group, epoch, id)).then((r) => ({ granted: r.granted, config: copyConfig(r.config) })),
      reportFailure: (c) => call('reportFailure', (l) => l.reportFailure(c.group, c.epoch, c.primary, c.node)).then(copyConfig),
      requestJoin: (c) => call('requestJoin', (l) => l.requestJoin(c.group, c.epoch, c.primary, c.node, c.lsn, c.requestId ?? 0)).then(copyConfig),
      getConfig: (group) => call('getConfig', (l) => l.getConfig(group)).then(copyConfig),
    };
  }
}

function copyConfig(c: GroupConfig): GroupConfig {
  return { ...c, inSync: [...c.inSync] };
}

/** A config on one line, every field included (two configs are equal when these are). */
export function show(c: GroupConfig): string {
  const { group, epoch, primary, inSync, ...rest } = c;
  const more = Object.entries(rest).map(([k, v]) => ` ${k}=${String(v)}`);
  return `[g${group} e${epoch} p=${primary || '-'} in=${inSync.join(',')}${more.join('')}]`;
}
