// What the replicator needs from the world, as interfaces: its peers, the coordinator, a clock
// and the store. The node wires real gRPC and real time; the simulation wires a seeded fake
// network, a fake clock and stores on a fake disk, and so replays any failure from its seed.
import type { Logger } from '../../common/log.ts';
import type { GroupConfig } from '../../coordinator/core/types.ts';
import type { LogEntry } from '../core/types.ts';
import type { PrimaryLogView } from './sync-decision.ts';

// The coordinator decides a group's membership and owns its shape; the replicator follows it.
export type { GroupConfig };

export interface LogPosition {
  /** Last lsn that is durable on the node, and its epoch. */
  lastLsn: number;
  lastEpoch: number;
  checkpointLsn: number;
  checkpointEpoch: number;
}

export interface SnapshotChunk {
  manifest?: Buffer;
  file?: string;
  offset?: number;
  data?: Buffer;
}

/** Calls from a primary to one backup, and from a backup to its primary (ReadSnapshot). */
export interface PeerTransport {
  probe(peer: string, config: GroupConfig): Promise<LogPosition>;
  truncate(peer: string, config: GroupConfig, afterLsn: number): Promise<LogPosition>;
  append(peer: string, config: GroupConfig, prevLsn: number, entries: LogEntry[]): Promise<{ durableLsn: number }>;
  installSnapshot(peer: string, config: GroupConfig): Promise<LogPosition>;
  checkpoint(peer: string, config: GroupConfig, version: number): Promise<void>;
  readSnapshot(peer: string, epoch: number): AsyncIterable<SnapshotChunk>;
}

export interface MembershipChange {
  group: number;
  epoch: number;
  primary: string;
  node: string;
  lsn: number;
  /** RequestJoin: rises with every attempt within an epoch, so a late old attempt is refused. */
  requestId?: number;
}

export interface CoordinatorPort {
  renewLease(group: number, epoch: number, node: string): Promise<{ granted: boolean; config: GroupConfig }>;
  reportFailure(change: MembershipChange): Promise<GroupConfig>;
  requestJoin(change: MembershipChange): Promise<GroupConfig>;
  getConfig(group: number): Promise<GroupConfig>;
}

/**
 * What one follower loop (follower.ts) needs from its primary's replicator: the config and term
 * it runs under, the log to stream, and where to report what the backup acknowledged. The
 * replicator implements it; the follower knows nothing else of it.
 */
export interface FollowerHost {
  readonly config: GroupConfig;
  readonly transport: PeerTransport;
  readonly clock: Clock;
  readonly log: Logger;
  isPrimary(): boolean;
  currentTerm(): number;
  logView(): PrimaryLogView;
  entriesAfter(lsn: number, bytesMax: number): Promise<LogEntry[] | 'checkpointed'>;
  waitForEntryAfter(lsn: number, waitMs: number): Promise<void>;
  resetAck(peer: string, lsn: number): void;
  ackedBy(peer: string, lsn: number): void;
  maybeJoin(peer: string, ackedLsn: number): Promise<void>;
  reportFailure(peer: string, err: unknown): Promise<void>;
  refreshConfig(): Promise<void>;
}

export interface Clock {
  now(): number;
  sleep(ms: number): Promise<void>;
}

export const realClock: Clock = {
  now: () => performance.now(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
};
