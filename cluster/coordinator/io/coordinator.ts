// One running coordinator member: its Raft log on disk, the gRPC services (Coordinator for
// clients and nodes, CoordinatorPeer for the other members), and — through CoordinatorMember —
// the heartbeats to every storage node while it leads. main.ts runs it as a process; a test may
// run it in its own process the same way.
import { randomInt } from 'node:crypto';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import * as grpc from '@grpc/grpc-js';
import { allNodes, coordinatorMember, coordinatorMembers, type Config, type NodeRef } from '../../common/config.ts';
import { nodeFileSystem } from '../../common/files.ts';
import { bindServer, channelOptions, shutdownServer } from '../../common/grpc.ts';
import type { Logger } from '../../common/log.ts';
import { OrderedStream, type OrderedCall } from '../../common/ordered-stream.ts';
import { channelCredentials } from '../../common/tls/credentials.ts';
import type { GroupConfig, NodeFigures } from '../core/types.ts';
import { CoordinatorMember } from './coordinator-member.ts';
import { FileRaftStorage } from './raft-storage.ts';
import { RaftTransport, addPeerService } from './raft-transport.ts';
import { addCoordinatorService } from './server.ts';
import { configToWire } from './wire.ts';
// The storage nodes' service: its proto is theirs (replica.proto), loaded once there.
import { ReplicaService, figuresFromWire, type HeartbeatReply__Output, type HeartbeatRequest } from '../../kvs/io/replica-wire.ts';

export interface RunningCoordinator {
  id: string;
  address: string;
  member: CoordinatorMember;
  stop(): Promise<void>;
}

/** Where member `id` keeps its Raft state. */
export function memberDir(config: Readonly<Config>, id: string): string {
  return path.join(config.dataDir, 'coordinator', id);
}

const every = (ms: number, fn: () => void): (() => void) => {
  const timer = setInterval(fn, ms);
  return () => clearInterval(timer);
};

/**
 * Starts serving as member `id`; rejects (a corrupt Raft state, a port in use) without leaving
 * anything running. onFatal is called when the Raft state can no longer be persisted.
 */
export async function startCoordinator(config: Readonly<Config>, id: string, log: Logger, onFatal: (err: unknown) => void): Promise<RunningCoordinator> {
  const self = coordinatorMember(config, id);
  const members = coordinatorMembers(config);
  const transport = new RaftTransport(id, members, channelCredentials(config), Math.max(100, config.coordinator.electionTimeoutMs), log);
  const nodeClients = new Map<string, grpc.Client>(
    allNodes(config).map((n) => [n.id, new ReplicaService(n.address, channelCredentials(config), channelOptions)]),
  );
  // Heartbeats go on one HeartbeatStream per node (common/ordered-stream.ts): a call's set-up,
  // ten times a second for every node, was most of an idle cluster's CPU. A failure or a
  // deadline drops the stream, so a node's heartbeat fails exactly as its own call would have.
  type HeartbeatStream = OrderedStream<HeartbeatRequest, HeartbeatReply__Output>;
  const heartbeatStreams = new Map<string, HeartbeatStream>(
    allNodes(config).map((n) => {
      const client = nodeClients.get(n.id) as unknown as { HeartbeatStream: () => OrderedCall<HeartbeatRequest, HeartbeatReply__Output> };
      return [n.id, new OrderedStream(() => client.HeartbeatStream(), `the heartbeat of ${n.id}`)];
    }),
  );
  const heartbeat = async (node: NodeRef, cfg: GroupConfig | null, timeoutMs: number): Promise<NodeFigures> => {
    const request: HeartbeatRequest = cfg ? { config: configToWire(cfg), has_config: true } : { has_config: false };
    return figuresFromWire(await (heartbeatStreams.get(node.id) as HeartbeatStream).send(request, timeoutMs));
  };
  const member = new CoordinatorMember({
    id,
    config,
    members,
    log,
    storage: new FileRaftStorage(nodeFileSystem, memberDir(config, id)),
    sendRaft: (m) => transport.send(m),
    heartbeat,
    now: () => performance.now(),
    every,
    seed: randomInt(1, 2 ** 31),
    onFatal,
  });
  const closeClients = () => {
    transport.close();
    for (const stream of heartbeatStreams.values()) stream.close();
    for (const c of nodeClients.values()) c.close();
  };

  const server = new grpc.Server(channelOptions);
  addCoordinatorService(server, config, member, log);
  const endPeerStreams = addPeerService(server, config, id, members, (m) => member.receive(m), log);
  try {
    await member.start();
    await bindServer(server, self.address, config);
  } catch (err) {
    server.forceShutdown();
    closeClients();
    await member.stop().catch(() => {});
    throw err;
  }
  const { heartbeatIntervalMs, leaseMs, electionTimeoutMs } = config.coordinator;
  log.info(`coordinator ${id} listening on ${self.address}`, { members: members.map((m) => `${m.id} ${m.address}`), heartbeatIntervalMs, leaseMs, electionTimeoutMs });

  return {
    id,
    address: self.address,
    member,
    async stop() {
      // The other members' streams would hold the graceful shutdown until its grace ran out:
      // new calls are refused first (shutdownServer), then the open streams are ended.
      const shutdown = shutdownServer(server);
      endPeerStreams();
      await shutdown;
      await member.stop();
      closeClients();
    },
  };
}
