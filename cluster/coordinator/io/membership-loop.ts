// The loop that runs the membership core: it owns the state, feeds it inputs, and carries out
// the effects in the order REPLICATION.md needs — persist (fsync), then announce and reply.
//
// The rule that keeps epochs honest: anything that reveals a config (a reply, a heartbeat's
// config, an announce) is computed from the state at one moment and leaves only after every
// persist emitted up to that moment is durable. Persists run one after another in a chain; a
// failed one poisons the chain, so nothing is revealed after it, and the process is stopped.
import type { Logger } from '../../common/log.ts';
import { PennError } from '../../common/errors.ts';
import { groupConfig, heartbeatConfig, step } from '../core/membership.ts';
import { clusterStatus, type ClusterStatus } from '../core/status.ts';
import type { ForceResult, GroupConfig, HeartbeatOutcome, Input, LeaseResult, LookupResult, MembershipState, Reply } from '../core/types.ts';

export interface LoopDeps {
  /** Makes the configs durable; resolves only after fsync. */
  save(groups: GroupConfig[]): Promise<void>;
  /** A monotonic clock in ms. */
  now(): number;
  /** A persist failed: the disk cannot be trusted, the process must stop. */
  onFatal(err: unknown): void;
}

export class MembershipLoop {
  private persisted: Promise<void> = Promise.resolve();
  private failed = false;
  private announceTo: (group: number) => void = () => {};
  private ticker: NodeJS.Timeout | undefined;

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
    this.ticker = setInterval(() => this.apply({ kind: 'tick', now: this.deps.now() }), tickMs);
  }

  stop(): void {
    clearInterval(this.ticker);
    this.ticker = undefined;
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
    let latest: GroupConfig[] | undefined;
    const announce: number[] = [];
    for (const e of effects) {
      if (e.kind === 'log') this.log[e.level](e.msg, e.fields);
      else if (e.kind === 'persist') latest = e.groups;
      else if (e.kind === 'announce') announce.push(e.group);
      else if (e.kind === 'reply') answer = { reply: e.reply };
      else answer = { code: e.code, message: e.message };
    }
    // Each persist holds every group's config, so the last of a step covers the ones before it.
    if (latest) this.persist(latest);
    const ready = this.persisted;
    for (const group of announce) ready.then(() => this.announceTo(group), () => {});
    return { answer, ready };
  }

  private persist(groups: GroupConfig[]): void {
    const next = this.persisted.then(() => this.deps.save(groups));
    next.catch((err: unknown) => {
      if (this.failed) return;
      this.failed = true;
      this.log.error('cannot persist the membership; stopping', { err });
      this.deps.onFatal(err);
    });
    this.persisted = next;
  }
}

function unexpected(r: Reply): PennError {
  return new PennError('internal', `unexpected reply ${r.type}`);
}
