// Raft messages between coordinator members over gRPC (CoordinatorPeer.Step in
// coordinator.proto). Sending is fire-and-forget: Raft tolerates lost, late and duplicated
// messages, and a reply travels as a Step call the other way. At most a bounded number of calls
// per peer are in flight, so a member that is down or stalled costs memory that stays bounded.
import * as grpc from '@grpc/grpc-js';
import type { Config, CoordinatorRef } from '../../common/config.ts';
import { PennError } from '../../common/errors.ts';
import { callUnary, channelOptions, unary } from '../../common/grpc.ts';
import type { Logger } from '../../common/log.ts';
import { addGuardedService, callerOf } from '../../common/tls/credentials.ts';
import type { RaftMessage } from '../core/raft.ts';
import { CoordinatorPeerService, raftFromWire, raftToWire, type RaftMessage__Output } from './wire.ts';

/** Calls in flight to one peer beyond which new messages are dropped (Raft sends them again). */
const inFlightMax = 64;

interface Peer {
  client: grpc.Client;
  inFlight: number;
}

export class RaftTransport {
  private readonly peers = new Map<string, Peer>();

  constructor(
    self: string,
    members: CoordinatorRef[],
    credentials: grpc.ChannelCredentials,
    private readonly timeoutMs: number,
    private readonly log: Logger,
  ) {
    for (const m of members) {
      if (m.id === self) continue;
      this.peers.set(m.id, { client: new CoordinatorPeerService(m.address, credentials, channelOptions), inFlight: 0 });
    }
  }

  send(message: RaftMessage): void {
    const peer = this.peers.get(message.to);
    if (!peer || peer.inFlight >= inFlightMax) return;
    peer.inFlight++;
    callUnary(peer.client, 'Step', raftToWire(message), this.timeoutMs)
      .catch((err: unknown) => this.log.debug(`raft ${message.type} to ${message.to} failed`, { err: (err as Error).message }))
      .finally(() => peer.inFlight--);
  }

  close(): void {
    for (const p of this.peers.values()) p.client.close();
  }
}

/** Serves CoordinatorPeer: each message goes to the member's Raft loop, from members only. */
export function addPeerService(
  server: grpc.Server,
  config: Readonly<Config>,
  self: string,
  members: CoordinatorRef[],
  receive: (m: RaftMessage) => void,
  log: Logger,
): void {
  const ids = new Set(members.map((m) => m.id));
  addGuardedService(server, config, CoordinatorPeerService.service, { Step: ['coordinator'] }, {
    Step: unary(log, 'Step', (w: RaftMessage__Output, call) => {
      const message = raftFromWire(w);
      if (message.to !== self || !ids.has(message.from)) {
        throw new PennError('invalid_argument', `a raft message from ${message.from} to ${message.to} reached ${self}`);
      }
      // A member speaks only for itself: its certificate names it.
      const caller = callerOf(call);
      if (caller && caller.name !== message.from) {
        throw new PennError('permission_denied', `${caller.name} may not send raft messages as ${message.from}`);
      }
      receive(message);
      return {};
    }),
  });
}
