// Raft messages between coordinator members over gRPC (CoordinatorPeer in coordinator.proto).
// Sending is fire-and-forget: Raft tolerates lost, late and duplicated messages, and a reply
// travels the other way as a message of its own. Messages to a peer go on one long-lived
// StepStream: its heartbeats, a lease's confirming rounds and their answers, tens a second, were
// a large share of an idle cluster's CPU as calls of their own. A peer that is down or stalled
// costs memory that stays bounded: past the stream's buffer, messages are dropped (Raft sends
// them again), and a stream that cannot send for a call's deadline is given up and opened anew.
import * as grpc from '@grpc/grpc-js';
import type { Config, CoordinatorRef } from '../../common/config.ts';
import { PennError } from '../../common/errors.ts';
import { channelOptions, toServiceError, unary } from '../../common/grpc.ts';
import type { Logger } from '../../common/log.ts';
import { addGuardedService, callerOf } from '../../common/tls/credentials.ts';
import type { RaftMessage } from '../core/raft.ts';
import { CoordinatorPeerService, raftFromWire, raftToWire, type RaftMessage__Output, type StepAck, type WireRaftMessage } from './wire.ts';

type StepCall = grpc.ClientWritableStream<WireRaftMessage>;

interface Peer {
  id: string;
  client: grpc.Client;
  stream: StepCall | null;
  /** When the open stream last stopped taking messages (its buffer full), or null. */
  blockedSinceMs: number | null;
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
      this.peers.set(m.id, { id: m.id, client: new CoordinatorPeerService(m.address, credentials, channelOptions), stream: null, blockedSinceMs: null });
    }
  }

  send(message: RaftMessage): void {
    const peer = this.peers.get(message.to);
    if (!peer) return;
    let stream = peer.stream ?? this.open(peer);
    if (stream.writableNeedDrain) {
      const now = Date.now();
      peer.blockedSinceMs ??= now;
      if (now - peer.blockedSinceMs < this.timeoutMs) return;
      this.drop(peer, stream);
      stream = this.open(peer);
    }
    stream.write(raftToWire(message));
  }

  close(): void {
    for (const p of this.peers.values()) {
      if (p.stream) this.drop(p, p.stream);
      p.client.close();
    }
  }

  private open(peer: Peer): StepCall {
    const client = peer.client as unknown as { StepStream: (callback: (err: grpc.ServiceError | null) => void) => StepCall };
    const stream = client.StepStream((err) => {
      if (peer.stream === stream) peer.stream = null;
      if (err && err.code !== grpc.status.CANCELLED) this.log.debug(`raft messages to ${peer.id} stopped`, { err: err.details || err.message });
    });
    stream.on('drain', () => {
      if (peer.stream === stream) peer.blockedSinceMs = null;
    });
    peer.stream = stream;
    peer.blockedSinceMs = null;
    return stream;
  }

  private drop(peer: Peer, stream: StepCall): void {
    if (peer.stream === stream) peer.stream = null;
    stream.cancel();
  }
}

/**
 * Serves CoordinatorPeer: each message goes to the member's Raft loop, from members only.
 * Answers the function that ends every open StepStream (the member's stop: otherwise they hold
 * the server's graceful shutdown until its grace runs out).
 */
export function addPeerService(
  server: grpc.Server,
  config: Readonly<Config>,
  self: string,
  members: CoordinatorRef[],
  receive: (m: RaftMessage) => void,
  log: Logger,
): () => void {
  const ids = new Set(members.map((m) => m.id));
  const checked = (w: RaftMessage__Output, call: Parameters<typeof callerOf>[0]): RaftMessage => {
    const message = raftFromWire(w);
    if (message.to !== self || !ids.has(message.from)) {
      throw new PennError('invalid_argument', `a raft message from ${message.from} to ${message.to} reached ${self}`);
    }
    // A member speaks only for itself: its certificate names it.
    const caller = callerOf(call);
    if (caller && caller.name !== message.from) {
      throw new PennError('permission_denied', `${caller.name} may not send raft messages as ${message.from}`);
    }
    return message;
  };
  const open = new Set<(err: unknown) => void>();
  addGuardedService(server, config, CoordinatorPeerService.service, { Step: ['coordinator'], StepStream: ['coordinator'] }, {
    Step: unary(log, 'Step', (w: RaftMessage__Output, call) => {
      receive(checked(w, call));
      return {};
    }),
    // The messages of one peer, each taken as Step takes it; the first refused ends the stream with its status.
    StepStream: (call: grpc.ServerReadableStream<RaftMessage__Output, StepAck>, callback: grpc.sendUnaryData<StepAck>) => {
      let ended = false;
      const end = (err: unknown) => {
        if (ended) return;
        ended = true;
        open.delete(end);
        callback(err === null ? null : toServiceError(log, 'StepStream', err), {});
      };
      open.add(end);
      call.on('data', (w: RaftMessage__Output) => {
        if (ended) return;
        try {
          receive(checked(w, call));
        } catch (err) {
          end(err);
        }
      });
      call.on('end', () => end(null));
      call.on('cancelled', () => {
        ended = true;
        open.delete(end);
      });
    },
  });
  return () => {
    for (const end of [...open]) end(new PennError('unavailable', 'the coordinator is shutting down'));
  };
}
