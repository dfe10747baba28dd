// The coordinator's messages as they cross the wire (proto field names, snake_case) and the
// conversions to and from the core's plain objects. Shared by the server, the heartbeats and
// CoordinatorClient so each field is named in one place.
import { loadProto, serviceClient } from '../../common/grpc.ts';
import type { ClusterStatus, NodeStatus } from '../core/status.ts';
import type { ForceResult, GroupConfig, LookupResult, NodeFigures } from '../core/types.ts';

export const CoordinatorService = serviceClient(loadProto('coordinator.proto'), 'penncloud.coordinator.Coordinator');
export const ReplicaService = serviceClient(loadProto('replica.proto'), 'penncloud.replica.Replica');

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

export interface WireClusterStatusReply {
  nodes: WireNodeInfo[];
  groups: WireGroupConfig[];
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
