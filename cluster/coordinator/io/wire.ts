// The coordinator's messages as they cross the wire (proto field names, snake_case) and the
// conversions to and from the core's plain objects. Shared by the server, the heartbeats and
// CoordinatorClient so each field is named in one place.
import { PennError } from '../../common/errors.ts';
import { loadProto, serviceClient } from '../../common/grpc.ts';
import type { RaftEntry, RaftMessage, RaftSnapshot } from '../core/raft.ts';
import type { ClusterStatus, CoordinatorInfo, NodeStatus } from '../core/status.ts';
import type { ForceResult, GroupConfig, LookupResult, NodeFigures } from '../core/types.ts';

const coordinatorProto = loadProto('coordinator.proto');
export const CoordinatorService = serviceClient(coordinatorProto, 'penncloud.coordinator.Coordinator');
export const ReplicaService = serviceClient(loadProto('replica.proto'), 'penncloud.replica.Replica');
export const CoordinatorPeerService = serviceClient(coordinatorProto, 'penncloud.coordinator.CoordinatorPeer');

export interface WireRaftMessage {
  type: string;
  from: string;
  to: string;
  term: number;
  pre: boolean;
  last_index: number;
  last_term: number;
  granted: boolean;
  prev_index: number;
  prev_term: number;
  entries: RaftEntry[];
  commit: number;
  success: boolean;
  match_index: number;
  snapshot: RaftSnapshot | null;
  seq: number;
}

export function raftToWire(m: RaftMessage): Partial<WireRaftMessage> {
  const base = { type: m.type, from: m.from, to: m.to, term: m.term };
  switch (m.type) {
    case 'vote':
      return { ...base, pre: m.pre, last_index: m.lastIndex, last_term: m.lastTerm };
    case 'voteReply':
      return { ...base, pre: m.pre, granted: m.granted };
    case 'append':
      return { ...base, prev_index: m.prevIndex, prev_term: m.prevTerm, entries: m.entries, commit: m.commit, seq: m.seq };
    case 'appendReply':
      return { ...base, success: m.success, match_index: m.matchIndex, seq: m.seq };
    case 'snapshot':
      return { ...base, snapshot: m.snapshot };
  }
}

/** A message from another member; anything malformed is refused as INVALID_ARGUMENT. */
export function raftFromWire(w: WireRaftMessage): RaftMessage {
  const base = { from: w.from, to: w.to, term: w.term };
  switch (w.type) {
    case 'vote':
      return { ...base, type: 'vote', pre: w.pre, lastIndex: w.last_index, lastTerm: w.last_term };
    case 'voteReply':
      return { ...base, type: 'voteReply', pre: w.pre, granted: w.granted };
    case 'append':
      return { ...base, type: 'append', prevIndex: w.prev_index, prevTerm: w.prev_term, entries: w.entries.map((e) => ({ index: e.index, term: e.term, data: e.data })), commit: w.commit, seq: w.seq };
    case 'appendReply':
      return { ...base, type: 'appendReply', success: w.success, matchIndex: w.match_index, seq: w.seq };
    case 'snapshot':
      if (!w.snapshot) throw new PennError('invalid_argument', 'a snapshot message without its snapshot');
      return { ...base, type: 'snapshot', snapshot: { index: w.snapshot.index, term: w.snapshot.term, data: w.snapshot.data } };
    default:
      throw new PennError('invalid_argument', `unknown raft message type "${w.type}"`);
  }
}

export interface WireGroupConfig {
  group: number;
  epoch: number;
  primary: string;
  in_sync: string[];
  primary_incarnation: string;
}

export interface WireNodeAddress {
  id: string;
  address: string;
}

export interface WireLookupReply {
  group: number;
  assigned: WireNodeAddress | null;
  primary: WireNodeAddress | null;
  epoch: number;
}

export interface WireNodeInfo {
  id: string;
  group: number;
  address: string;
  state: string;
  role: string;
  epoch: number;
  log_position: number;
  checkpoint_version: number;
  key_count: number;
  memory_bytes: number;
  in_sync: boolean;
}

export interface WireCoordinatorInfo {
  id: string;
  address: string;
  role: string;
  term: number;
  match_index: number;
}

export interface WireClusterStatusReply {
  nodes: WireNodeInfo[];
  groups: WireGroupConfig[];
  coordinators: WireCoordinatorInfo[];
}

export interface WireHeartbeatRequest {
  config?: WireGroupConfig;
  has_config: boolean;
}

export interface WireHeartbeatReply {
  state: string;
  epoch: number;
  last_lsn: number;
  last_epoch: number;
  checkpoint_version: number;
  key_count: number;
  memory_bytes: number;
  role: string;
  incarnation: string;
}

export function configToWire(c: GroupConfig): WireGroupConfig {
  return { group: c.group, epoch: c.epoch, primary: c.primary, in_sync: [...c.inSync], primary_incarnation: c.primaryIncarnation };
}

/** A message's config; proto3 leaves absent fields as defaults, so an absent one reads as epoch 0. */
export function configFromWire(c: WireGroupConfig | null | undefined): GroupConfig {
  return {
    group: c?.group ?? 0,
    epoch: c?.epoch ?? 0,
    primary: c?.primary ?? '',
    inSync: [...(c?.in_sync ?? [])],
    primaryIncarnation: c?.primary_incarnation ?? '',
  };
}

export interface WireForcePrimaryReply {
  config?: WireGroupConfig;
  last_lsn: number;
  replaced: { node: string; last_lsn: number; reported: boolean }[];
}

export function forceToWire(r: ForceResult): WireForcePrimaryReply {
  return {
    config: configToWire(r.config),
    last_lsn: r.lastLsn,
    replaced: r.replaced.map((m) => ({ node: m.node, last_lsn: m.lastLsn ?? 0, reported: m.lastLsn !== null })),
  };
}

export function forceFromWire(r: WireForcePrimaryReply): ForceResult {
  return {
    config: configFromWire(r.config),
    lastLsn: r.last_lsn,
    replaced: r.replaced.map((m) => ({ node: m.node, lastLsn: m.reported ? m.last_lsn : null })),
  };
}

export function lookupToWire(r: LookupResult): WireLookupReply {
  return { group: r.group, assigned: { ...r.assigned }, primary: { ...r.primary }, epoch: r.epoch };
}

export function lookupFromWire(r: WireLookupReply): LookupResult {
  return {
    group: r.group,
    assigned: { id: r.assigned?.id ?? '', address: r.assigned?.address ?? '' },
    primary: { id: r.primary?.id ?? '', address: r.primary?.address ?? '' },
    epoch: r.epoch,
  };
}

export function statusToWire(s: ClusterStatus): WireClusterStatusReply {
  return {
    nodes: s.nodes.map((n) => ({
      id: n.id,
      group: n.group,
      address: n.address,
      state: n.state,
      role: n.role,
      epoch: n.epoch,
      log_position: n.logPosition,
      checkpoint_version: n.checkpointVersion,
      key_count: n.keyCount,
      memory_bytes: n.memoryBytes,
      in_sync: n.inSync,
    })),
    groups: s.groups.map(configToWire),
    coordinators: s.coordinators.map((c) => ({ id: c.id, address: c.address, role: c.role, term: c.term, match_index: c.matchIndex })),
  };
}

export function statusFromWire(s: WireClusterStatusReply): ClusterStatus {
  return {
    nodes: s.nodes.map(
      (n): NodeStatus => ({
        id: n.id,
        group: n.group,
        address: n.address,
        state: n.state,
        role: n.role as NodeStatus['role'],
        epoch: n.epoch,
        logPosition: n.log_position,
        checkpointVersion: n.checkpoint_version,
        keyCount: n.key_count,
        memoryBytes: n.memory_bytes,
        inSync: n.in_sync,
      }),
    ),
    groups: s.groups.map(configFromWire),
    coordinators: (s.coordinators ?? []).map(
      (c): CoordinatorInfo => ({ id: c.id, address: c.address, role: c.role as CoordinatorInfo['role'], term: c.term, matchIndex: c.match_index }),
    ),
  };
}

export function figuresFromWire(r: WireHeartbeatReply): NodeFigures {
  return {
    state: r.state,
    epoch: r.epoch,
    lastLsn: r.last_lsn,
    lastEpoch: r.last_epoch,
    checkpointVersion: r.checkpoint_version,
    keyCount: r.key_count,
    memoryBytes: r.memory_bytes,
    role: r.role,
    incarnation: r.incarnation,
  };
}
