// The loop that runs the membership core on the coordinator group's leader: it owns the state,
// feeds it inputs, and carries out the effects in the order REPLICATION.md needs — commit
// through Raft, then announce and reply.
//
// The rule that keeps epochs honest: anything that reveals a config (a reply, a heartbeat's
// config, an announce) is computed from the state at one moment and leaves only after every
// change emitted up to that moment is committed by a majority of the coordinators. A failed
// commit (leadership lost) poisons the chain, so nothing is revealed after it, and the owner
// throws this loop away; the next leader starts a new one from the committed record.
import type { Logger } from '../../common/log.ts';
import { PennError } from '../../common/errors.ts';
import { groupConfig, heartbeatConfig, step } from '../core/membership.ts';
import { clusterStatus, type ClusterStatus } from '../core/status.ts';
import type { Command } from '../core/replicated.ts';
import type { ForceResult, GroupConfig, HeartbeatOutcome, Input, LeaseResult, LookupResult, MembershipState, Reply } from '../core/types.ts';

export interface LoopDeps {
  /**
   * Has the coordinator group commit the commands (in order, after every earlier call's);
   * resolves once they are committed, rejects when they may not be (leadership lost).
   */
  commit(commands: Command[]): Promise<void>;
  /** A monotonic clock in ms. */
  now(): number;
  /** Calls fn every ms until the returned function is called. */
  every(ms: number, fn: () => void): () => void;
  /** A commit failed: this loop's state can no longer be trusted; the owner discards it. */
  onFatal(err: unknown): void;
}

export class MembershipLoop {
  private persisted: Promise<void> = Promise.resolve();
  private failed = false;
  private announceTo: (group: number) => void = () => {};
  private cancelTicker: (() => void) | undefined;

  constructor(
    private state: MembershipState,
    private readonly log: Logger,
    private readonly deps: LoopDeps,
  ) {}

  /** Where announce effects go (the heartbeats), once they exist. */
  onAnnounce(fn: (group: number) => void): void {
    this.announceTo = fn;
  }

  /** Ticks often enough that a failover follows the end of a lease closely. */
  start(tickMs: number): void {
    this.cancelTicker = this.deps.every(tickMs, () => this.apply({ kind: 'tick', now: this.deps.now() }));
  }

  stop(): void {
    this.cancelTicker?.();
    this.cancelTicker = undefined;
  }

  /** Resolves when every persist so far is durable (used at shutdown). */
  async drain(): Promise<void> {
    await this.persisted.catch(() => {});
  }

  current(): MembershipState {
    return this.state;
  }

  // ---- Inputs from the heartbeats ----

  /** What to send a node now, and the persist it must wait for first. */
  heartbeatPlan(node: string): { config: GroupConfig | null; ready: Promise<void> } {
    return { config: heartbeatConfig(this.state, node), ready: this.persisted };
  }

  heartbeatResult(node: string, outcome: HeartbeatOutcome, scheduled: boolean): void {
    this.apply({ kind: 'heartbeat', node, scheduled, ...outcome });
    this.apply({ kind: 'tick', now: this.deps.now() });
  }

  // ---- Requests from the gRPC server ----

  async lookup(row: string): Promise<LookupResult> {
    const r = await this.request({ kind: 'lookup', row });
    if (r.type !== 'lookup') throw unexpected(r);
    return { group: r.group, assigned: r.assigned, primary: r.primary, epoch: r.epoch };
  }

  async renewLease(group: number, epoch: number, node: string): Promise<LeaseResult> {
    const r = await this.request({ kind: 'renewLease', now: this.deps.now(), group, epoch, node });
    if (r.type !== 'lease') throw unexpected(r);
    return { granted: r.granted, config: r.config };
  }

  async reportFailure(group: number, epoch: number, primary: string, node: string): Promise<GroupConfig> {
    const r = await this.request({ kind: 'reportFailure', group, epoch, primary, node });
    if (r.type !== 'config') throw unexpected(r);
    return r.config;
  }

  async requestJoin(group: number, epoch: number, primary: string, node: string, lsn: number, requestId: number): Promise<GroupConfig> {
    const r = await this.request({ kind: 'requestJoin', group, epoch, primary, node, lsn, requestId });
    if (r.type !== 'config') throw unexpected(r);
    return r.config;
  }

  async forcePrimary(node: string): Promise<ForceResult> {
    const r = await this.request({ kind: 'forcePrimary', node, now: this.deps.now() });
    if (r.type !== 'forced') throw unexpected(r);
    return { config: r.config, lastLsn: r.lastLsn, replaced: r.replaced };
  }

  async getConfig(group: number): Promise<GroupConfig> {
    const config = groupConfig(this.state, group);
    if (!config) throw new PennError('invalid_argument', `unknown group ${group}: the cluster has groups 0–${this.state.groups.length - 1}`);
    await this.persisted;
    return config;
  }

  async clusterStatus(): Promise<ClusterStatus> {
    const status = clusterStatus(this.state);
    await this.persisted;
    return status;
  }

  // ---- The loop ----

  private async request(input: Input): Promise<Reply> {
    const { answer, ready } = this.apply(input);
    await ready;
    if (!answer) throw new PennError('internal', `${input.kind} produced no answer`);
    if ('code' in answer) throw new PennError(answer.code, answer.message);
    return answer.reply;
  }

  /** Steps the core and carries out its effects; `ready` resolves once they may be revealed. */
  private apply(input: Input): { answer?: { reply: Reply } | { code: PennError['code']; message: string }; ready: Promise<void> } {
    const { state, effects } = step(this.state, input);
    this.state = state;
    let answer: { reply: Reply } | { code: PennError['code']; message: string } | undefined;
    const commands: Command[] = [];
    const announce: number[] = [];
    for (const e of effects) {
      if (e.kind === 'log') this.log[e.level](e.msg, e.fields);
      else if (e.kind === 'persist') commands.push({ type: 'membership', record: e.record });
      else if (e.kind === 'grant') commands.push({ type: 'lease', group: e.group, epoch: e.epoch, node: e.node });
      else if (e.kind === 'announce') announce.push(e.group);
      else if (e.kind === 'reply') answer = { reply: e.reply };
      else answer = { code: e.code, message: e.message };
    }
    if (commands.length > 0) this.persist(commands);
    const ready = this.persisted;
    for (const group of announce) ready.then(() => this.announceTo(group), () => {});
    return { answer, ready };
  }

  /**
   * Proposed at once (the group keeps their order); `persisted` settles only when this and
   * every earlier commit have. A failure poisons the chain: nothing is revealed after it.
   */
  private persist(commands: Command[]): void {
    const committed = this.deps.commit(commands);
    // Its failure reaches onFatal through the chain; but once an earlier commit has failed the
    // chain never looks at this one, and an unobserved rejection would end the whole process
    // (Node's default for unhandled rejections) where only the leadership was lost.
    committed.catch(() => {});
    const next = this.persisted.then(() => committed);
    next.catch((err: unknown) => {
      if (this.failed) return;
      this.failed = true;
      this.deps.onFatal(err);
    });
    this.persisted = next;
  }
}

function unexpected(r: Reply): PennError {
  return new PennError('internal', `unexpected reply ${r.type}`);
}
