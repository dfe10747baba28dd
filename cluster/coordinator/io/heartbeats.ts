// Calls Replica/Heartbeat on every node every heartbeatIntervalMs, in parallel, never more than
// one call outstanding per node. A call may take up to heartbeatMissesMax intervals: a node that
// answers slowly (a loaded machine, a GC pause) is alive, and is not failed over; a call that
// fails counts one miss for every scheduled round it stood for, so a node that does not answer
// at all (killed, or stopped with SIGSTOP) is down after heartbeatMissesMax intervals either way
// (RAFT.md, "Timings"). A node gets its
// group's config only while its last reply showed an older epoch (the loop decides), and only
// after that config is durable. announce(group) sends the group an extra round at once, so a
// new primary hears of its election without waiting for the next tick. Only the coordinator
// group's leader runs one; the call itself is passed in (gRPC, or the simulator's network).
import type { NodeRef } from '../../common/config.ts';
import type { Logger } from '../../common/log.ts';
import type { GroupConfig, HeartbeatOutcome, NodeFigures } from '../core/types.ts';

/** One Heartbeat call to a node, with its config when it needs one; rejects on any failure. */
export type HeartbeatCall = (node: NodeRef, config: GroupConfig | null, timeoutMs: number) => Promise<NodeFigures>;

export interface HeartbeatHost {
  heartbeatPlan(node: string): { config: GroupConfig | null; ready: Promise<void> };
  heartbeatResult(node: string, outcome: HeartbeatOutcome, scheduled: boolean): void;
}

interface Peer {
  ref: NodeRef;
  /** The call outstanding, if any; its rounds rise while it runs. */
  inFlight: InFlight | null;
  /** An announce came while a call was outstanding: send another when it ends. */
  again: boolean;
}

interface InFlight {
  /** Scheduled rounds this call stands for; 0 for an announce. */
  rounds: number;
}

export class Heartbeats {
  private readonly peers: Peer[];
  private cancelTimer: (() => void) | undefined;
  private stopped = false;

  constructor(
    nodes: readonly NodeRef[],
    private readonly intervalMs: number,
    private readonly missesMax: number,
    private readonly host: HeartbeatHost,
    private readonly log: Logger,
    private readonly callNode: HeartbeatCall,
    private readonly every: (ms: number, fn: () => void) => () => void,
  ) {
    this.peers = nodes.map((ref) => ({ ref, inFlight: null, again: false }));
  }

  start(): void {
    this.round();
    this.cancelTimer = this.every(this.intervalMs, () => this.round());
  }

  announce(group: number): void {
    if (this.stopped) return;
    for (const peer of this.peers) if (peer.ref.group === group) this.send(peer, false);
  }

  stop(): void {
    this.stopped = true;
    this.cancelTimer?.();
  }

  private round(): void {
    for (const peer of this.peers) this.send(peer, true);
  }

  private send(peer: Peer, scheduled: boolean): void {
    if (peer.inFlight) {
      // The outstanding call stands for this one: its failure counts as this round's miss too.
      if (scheduled) peer.inFlight.rounds++;
      else peer.again = true;
      return;
    }
    const call = { rounds: scheduled ? 1 : 0 };
    peer.inFlight = call;
    void this.call(peer, call).finally(() => {
      peer.inFlight = null;
      if (peer.again && !this.stopped) {
        peer.again = false;
        this.send(peer, false);
      }
    });
  }

  private async call(peer: Peer, call: InFlight): Promise<void> {
    const { config, ready } = this.host.heartbeatPlan(peer.ref.id);
    try {
      await ready;
    } catch {
      return; // The persist failed and the process is stopping; reveal nothing.
    }
    if (this.stopped) return;
    let outcome: HeartbeatOutcome;
    try {
      outcome = { ok: true, reply: await this.callNode(peer.ref, config, this.intervalMs * this.missesMax) };
    } catch (err) {
      outcome = { ok: false, error: err instanceof Error ? err.message : String(err) };
      this.log.debug(`heartbeat to ${peer.ref.id} failed`, { node: peer.ref.id, err: outcome.error });
    }
    if (this.stopped) return;
    if (outcome.ok || call.rounds === 0) this.host.heartbeatResult(peer.ref.id, outcome, call.rounds > 0);
    else for (let i = 0; i < call.rounds; i++) this.host.heartbeatResult(peer.ref.id, outcome, true);
  }
}
