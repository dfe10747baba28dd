// The coordinator in the simulation: the real membership core (step(state, input) → effects)
// driven the way cluster/coordinator/io drives it — a tick every min(heartbeat, lease)/5, a
// heartbeat round every heartbeatIntervalMs with at most one call in flight per node, an extra
// round to a group on every announce — but over the fake network and clock. A persist effect is
// kept in memory and counts as durable at once, so the rule "persist before revealing" holds by
// construction; a restart builds a fresh state over the last persisted groups, as a restarted
// process does from its file.
import type { Config } from '../../cluster/common/config.ts';
import { PennError } from '../../cluster/common/errors.ts';
import { createMembership, groupConfig, heartbeatConfig, initialGroups, step } from '../../cluster/coordinator/core/membership.ts';
import type { GroupConfig, HeartbeatOutcome, Input, LeaseResult, MembershipState, NodeFigures, Reply } from '../../cluster/coordinator/core/types.ts';
import type { SimNetwork } from './sim-network.ts';
import type { SimScheduler } from './sim-scheduler.ts';
import type { Trace } from './sim-trace.ts';

export interface CoordinatorWorld {
  clock: SimScheduler;
  net: SimNetwork;
  trace: Trace;
  config: Readonly<Config>;
  /** The node's Replica/Heartbeat handler, run on the node at delivery. */
  heartbeat(node: string, config: GroupConfig | null): Promise<NodeFigures>;
  /** Every persisted change, for the checkers. */
  onPersist(groups: GroupConfig[]): void;
}

interface Peer {
  inFlight: { scheduled: boolean } | null;
  again: boolean;
}

export const coordinatorId = 'coord';

export class SimCoordinator {
  state: MembershipState;
  persisted: GroupConfig[];
  up = false;
  incarnation = 0;
  private peers = new Map<string, Peer>();

  constructor(private readonly w: CoordinatorWorld) {
    this.persisted = initialGroups(w.config);
    this.state = createMembership(w.config, record(this.persisted), w.clock.now());
  }

  get nodes(): string[] {
    return this.state.nodes.map((n) => n.id);
  }

  start(): void {
    this.incarnation++;
    this.up = true;
    this.state = createMembership(this.w.config, record(this.persisted), this.w.clock.now());
    this.peers = new Map(this.nodes.map((id) => [id, { inFlight: null, again: false }]));
    this.w.trace.add(`coordinator up (incarnation ${this.incarnation}) ${this.persisted.map(show).join(' ')}`);
    const inc = this.incarnation;
    const { heartbeatIntervalMs, leaseMs } = this.w.config.coordinator;
    const tickMs = Math.max(10, Math.floor(Math.min(heartbeatIntervalMs, leaseMs) / 5));
    const every = (ms: number, fn: () => void) => {
      const loop = () => {
        if (this.incarnation !== inc || !this.up) return;
        fn();
        this.w.clock.after(ms, loop);
      };
      loop();
    };
    every(heartbeatIntervalMs, () => this.round());
    this.w.clock.after(tickMs, () => every(tickMs, () => this.apply({ kind: 'tick', now: this.w.clock.now() })));
  }

  /** The process dies; its state in memory goes with it, the persisted groups stay. */
  crash(): void {
    if (!this.up) return;
    this.up = false;
    this.incarnation++;
    this.w.trace.add('coordinator down');
  }

  current(group = 0): GroupConfig {
    return groupConfig(this.state, group)!;
  }

  // ---- Requests from the nodes (run at delivery, on the current incarnation) ----

  renewLease(group: number, epoch: number, node: string): Promise<LeaseResult> {
    const r = this.request({ kind: 'renewLease', now: this.w.clock.now(), group, epoch, node });
    if (r.type !== 'lease') throw new PennError('internal', `unexpected ${r.type}`);
    return Promise.resolve({ granted: r.granted, config: r.config });
  }

  reportFailure(group: number, epoch: number, primary: string, node: string): Promise<GroupConfig> {
    return Promise.resolve(this.configReply(this.request({ kind: 'reportFailure', group, epoch, primary, node })));
  }

  requestJoin(group: number, epoch: number, primary: string, node: string, lsn: number, requestId: number): Promise<GroupConfig> {
    return Promise.resolve(this.configReply(this.request({ kind: 'requestJoin', group, epoch, primary, node, lsn, requestId })));
  }

  getConfig(group: number): Promise<GroupConfig> {
    const config = groupConfig(this.state, group);
    if (!config) throw new PennError('invalid_argument', `unknown group ${group}`);
    return Promise.resolve(config);
  }

  // ---- The loop ----

  private configReply(r: Reply): GroupConfig {
    if (r.type !== 'config') throw new PennError('internal', `unexpected ${r.type}`);
    return r.config;
  }

  private request(input: Input): Reply {
    const answer = this.apply(input);
    if (!answer) throw new PennError('internal', `${input.kind} produced no answer`);
    if ('code' in answer) throw new PennError(answer.code, answer.message);
    return answer.reply;
  }

  private apply(input: Input): { reply: Reply } | { code: PennError['code']; message: string } | undefined {
    const { state, effects } = step(this.state, input);
    this.state = state;
    let answer: { reply: Reply } | { code: PennError['code']; message: string } | undefined;
    const announce: number[] = [];
    for (const e of effects) {
      if (e.kind === 'log') this.w.trace.add(`coordinator: ${e.msg}`);
      else if (e.kind === 'persist') {
        this.persisted = e.record.groups.map(copy);
        this.w.onPersist(this.persisted);
      } else if (e.kind === 'announce') announce.push(e.group);
      else if (e.kind === 'grant') continue;
      else if (e.kind === 'reply') answer = { reply: e.reply };
      else answer = { code: e.code, message: e.message };
    }
    for (const group of announce) {
      for (const n of this.state.nodes) if (n.group === group) this.send(n.id, false);
    }
    return answer;
  }

  // ---- Heartbeats ----

  private round(): void {
    for (const id of this.nodes) this.send(id, true);
  }

  private send(node: string, scheduled: boolean): void {
    const peer = this.peers.get(node)!;
    if (peer.inFlight) {
      if (scheduled) peer.inFlight.scheduled = true;
      else peer.again = true;
      return;
    }
    const call = { scheduled };
    peer.inFlight = call;
    const inc = this.incarnation;
    const config = heartbeatConfig(this.state, node);
    const interval = this.w.config.coordinator.heartbeatIntervalMs;
    const done = (outcome: HeartbeatOutcome) => {
      if (this.incarnation !== inc) return;
      peer.inFlight = null;
      this.apply({ kind: 'heartbeat', node, scheduled: call.scheduled, ...outcome });
      this.apply({ kind: 'tick', now: this.w.clock.now() });
      if (peer.again) {
        peer.again = false;
        this.send(node, false);
      }
    };
    this.w.net.call(coordinatorId, inc, node, 'heartbeat', interval, () => this.w.heartbeat(node, config)).then(
      (reply) => done({ ok: true, reply }),
      (err: unknown) => done({ ok: false, error: err instanceof Error ? err.message : String(err) }),
    );
  }
}

function copy(c: GroupConfig): GroupConfig {
  return { ...c, inSync: [...c.inSync] };
}

/** A config on one line, every field included (two configs are equal when these are). */
export function show(c: GroupConfig): string {
  const { group, epoch, primary, inSync, ...rest } = c;
  const more = Object.entries(rest).map(([k, v]) => ` ${k}=${String(v)}`);
  return `[g${group} e${epoch} p=${primary || '-'} in=${inSync.join(',')}${more.join('')}]`;
}

function record(groups: GroupConfig[]) {
  return { groups, joins: groups.map(() => ({ epoch: 0, requestId: 0 })) };
}
