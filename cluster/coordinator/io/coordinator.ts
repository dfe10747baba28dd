// One running coordinator: loads the membership file, serves Coordinator, heartbeats every node.
// main.ts runs it as a process; a test may run it in its own process the same way.
import { performance } from 'node:perf_hooks';
import * as grpc from '@grpc/grpc-js';
import { coordinatorAddress, type Config } from '../../common/config.ts';
import { bindServer, channelOptions, shutdownServer } from '../../common/grpc.ts';
import type { Logger } from '../../common/log.ts';
import { createMembership } from '../core/membership.ts';
import { Heartbeats } from './heartbeats.ts';
import { MembershipLoop } from './membership-loop.ts';
import { addCoordinatorService } from './server.ts';
import { loadMembership, membershipFile, saveMembership } from './state-file.ts';

export interface RunningCoordinator {
  address: string;
  loop: MembershipLoop;
  stop(): Promise<void>;
}

/**
 * Starts serving; rejects (a corrupt membership file, a port in use) without leaving anything
 * running. onFatal is called when the membership can no longer be persisted.
 */
export async function startCoordinator(
  config: Readonly<Config>,
  log: Logger,
  onFatal: (err: unknown) => void,
): Promise<RunningCoordinator> {
  const { groups, found } = await loadMembership(config);
  const now = () => performance.now();
  const state = createMembership(config, groups, now());
  const loop = new MembershipLoop(state, log, {
    save: (g) => saveMembership(config.dataDir, g),
    now,
    onFatal,
  });
  const file = membershipFile(config.dataDir);
  const summary = groups.map((g) => `group ${g.group} epoch ${g.epoch} primary ${g.primary || 'none'} in_sync [${g.inSync.join(', ')}]`);
  log.info(found ? `loaded membership from ${file}` : `no membership file at ${file}; starting from epoch 1`, { groups: summary });

  const server = new grpc.Server(channelOptions);
  addCoordinatorService(server, loop, log);
  const address = coordinatorAddress(config);
  try {
    await bindServer(server, address);
  } catch (err) {
    server.forceShutdown();
    throw err;
  }
  const { heartbeatIntervalMs, leaseMs } = config.coordinator;
  const heartbeats = new Heartbeats(state.nodes, heartbeatIntervalMs, loop, log);
  loop.onAnnounce((group) => heartbeats.announce(group));
  loop.start(Math.max(10, Math.floor(Math.min(heartbeatIntervalMs, leaseMs) / 5)));
  heartbeats.start();
  log.info(`coordinator listening on ${address}`, { nodes: state.nodes.length, heartbeatIntervalMs, leaseMs });

  return {
    address,
    loop,
    async stop() {
      heartbeats.stop();
      loop.stop();
      await shutdownServer(server);
      await loop.drain();
    },
  };
}
