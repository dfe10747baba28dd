// Calls Replica/Heartbeat on every node every heartbeatIntervalMs, in parallel, with the
// interval as deadline and never more than one call outstanding per node. A node gets its
// group's config only while its last reply showed an older epoch (the loop decides), and only
// after that config is durable. announce(group) sends the group an extra round at once, so a
// new primary hears of its election without waiting for the next tick.
import * as grpc from '@grpc/grpc-js';
import type { NodeRef } from '../../common/config.ts';
import { callUnary, channelOptions } from '../../common/grpc.ts';
import type { Logger } from '../../common/log.ts';
import type { GroupConfig, HeartbeatOutcome } from '../core/types.ts';
import { ReplicaService, configToWire, figuresFromWire, type WireHeartbeatReply, type WireHeartbeatRequest } from './wire.ts';

export interface HeartbeatHost {
  heartbeatPlan(node: string): { config: GroupConfig | null; ready: Promise<void> };
  heartbeatResult(node: string, outcome: HeartbeatOutcome, scheduled: boolean): void;
}

interface Peer {
  ref: NodeRef;
  client: grpc.Client;
  /** The call outstanding, if any; `scheduled` may be raised while it runs. */
  inFlight: { scheduled: boolean } | null;
  /** An announce came while a call was outstanding: send another when it ends. */
  again: boolean;
}

export class Heartbeats {
  private readonly peers: Peer[];
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;

  constructor(
    nodes: readonly NodeRef[],
    private readonly intervalMs: number,
    private readonly host: HeartbeatHost,
    private readonly log: Logger,
  ) {
    this.peers = nodes.map((ref) => ({
      ref,
      client: new ReplicaService(ref.address, grpc.credentials.createInsecure(), channelOptions),
      inFlight: null,
      again: false,
    }));
  }

  start(): void {
    this.round();
    this.timer = setInterval(() => this.round(), this.intervalMs);
  }

  announce(group: number): void {
    if (this.stopped) return;
    for (const peer of this.peers) if (peer.ref.group === group) this.send(peer, false);
  }

  stop(): void {
    this.stopped = true;
    clearInterval(this.timer);
    for (const peer of this.peers) peer.client.close();
  }

  private round(): void {
    for (const peer of this.peers) this.send(peer, true);
  }

  private send(peer: Peer, scheduled: boolean): void {
    if (peer.inFlight) {
      // The outstanding call stands for this one: its failure counts as this round's miss.
      if (scheduled) peer.inFlight.scheduled = true;
      else peer.again = true;
      return;
    }
    const call = { scheduled };
    peer.inFlight = call;
    void this.call(peer, call).finally(() => {
      peer.inFlight = null;
      if (peer.again && !this.stopped) {
        peer.again = false;
        this.send(peer, false);
      }
    });
  }

  private async call(peer: Peer, call: { scheduled: boolean }): Promise<void> {
    const { config, ready } = this.host.heartbeatPlan(peer.ref.id);
    try {
      await ready;
    } catch {
      return; // The persist failed and the process is stopping; reveal nothing.
    }
    if (this.stopped) return;
    const request: WireHeartbeatRequest = config ? { config: configToWire(config), has_config: true } : { has_config: false };
    let outcome: HeartbeatOutcome;
    try {
      const reply = await callUnary<WireHeartbeatReply>(peer.client, 'Heartbeat', request, this.intervalMs);
      outcome = { ok: true, reply: figuresFromWire(reply) };
    } catch (err) {
      outcome = { ok: false, error: err instanceof Error ? err.message : String(err) };
      this.log.debug(`heartbeat to ${peer.ref.id} failed`, { node: peer.ref.id, err: outcome.error });
    }
    if (!this.stopped) this.host.heartbeatResult(peer.ref.id, outcome, call.scheduled);
  }
}
