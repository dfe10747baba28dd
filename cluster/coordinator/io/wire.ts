// The coordinator's proto (proto/coordinator.proto): its services, loaded once, and the
// conversions between its messages and the core's plain objects. The message types are
// generated (cluster/common/proto-types/, `npm run gen:proto`): the `__Output` form is what
// arrives, with every field present as the shared loader options give it; the plain form is
// what may be sent. Shared by the server, the Raft transport, CoordinatorClient and the storage
// nodes (GroupConfig travels inside replica messages too), so each field is named in one place.
import { PennError } from '../../common/errors.ts';
import { loadProto, serviceClient } from '../../common/grpc.ts';
import type { ClusterStatusReply, ClusterStatusReply__Output } from '../../common/proto-types/penncloud/coordinator/ClusterStatusReply.ts';
import type { ForcePrimaryReply, ForcePrimaryReply__Output } from '../../common/proto-types/penncloud/coordinator/ForcePrimaryReply.ts';
import type { GroupConfig as WireGroupConfig, GroupConfig__Output } from '../../common/proto-types/penncloud/coordinator/GroupConfig.ts';
import type { LookupReply, LookupReply__Output } from '../../common/proto-types/penncloud/coordinator/LookupReply.ts';
import type { RaftMessage as WireRaftMessage, RaftMessage__Output } from '../../common/proto-types/penncloud/coordinator/RaftMessage.ts';
import type { RaftMessage } from '../core/raft.ts';
import type { ClusterStatus, CoordinatorInfo, NodeStatus } from '../core/status.ts';
import type { ForceResult, GroupConfig, LookupResult } from '../core/types.ts';

export type { GroupConfig__Output, WireGroupConfig };
export type { LookupRequest__Output } from '../../common/proto-types/penncloud/coordinator/LookupRequest.ts';
export type { MembershipRequest__Output } from '../../common/proto-types/penncloud/coordinator/MembershipRequest.ts';
export type { RenewLeaseReply, RenewLeaseReply__Output } from '../../common/proto-types/penncloud/coordinator/RenewLeaseReply.ts';
export type { RenewLeaseRequest__Output } from '../../common/proto-types/penncloud/coordinator/RenewLeaseRequest.ts';
export type { GetConfigRequest__Output } from '../../common/proto-types/penncloud/coordinator/GetConfigRequest.ts';
export type { ForcePrimaryRequest__Output } from '../../common/proto-types/penncloud/coordinator/ForcePrimaryRequest.ts';
export type { ClusterStatusReply__Output, ForcePrimaryReply__Output, LookupReply__Output, RaftMessage__Output, WireRaftMessage };
export type { StepAck } from '../../common/proto-types/penncloud/coordinator/StepAck.ts';

const coordinatorProto = loadProto('coordinator.proto');
export const CoordinatorService = serviceClient(coordinatorProto, 'penncloud.coordinator.Coordinator');
export const CoordinatorPeerService = serviceClient(coordinatorProto, 'penncloud.coordinator.CoordinatorPeer');

export function raftToWire(m: RaftMessage): WireRaftMessage {
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
export function raftFromWire(w: RaftMessage__Output): RaftMessage {
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

export function configToWire(c: GroupConfig): WireGroupConfig {
  return { group: c.group, epoch: c.epoch, primary: c.primary, in_sync: [...c.inSync], primary_incarnation: c.primaryIncarnation };
}

/** A message's config; proto3 leaves absent fields as defaults, so an absent one reads as epoch 0. */
export function configFromWire(c: GroupConfig__Output | null | undefined): GroupConfig {
  return {
    group: c?.group ?? 0,
    epoch: Number(c?.epoch ?? 0),
    primary: c?.primary ?? '',
    inSync: [...(c?.in_sync ?? [])],
    primaryIncarnation: c?.primary_incarnation ?? '',
  };
}

export function forceToWire(r: ForceResult): ForcePrimaryReply {
  return {
    config: configToWire(r.config),
    last_lsn: r.lastLsn,
    replaced: r.replaced.map((m) => ({ node: m.node, last_lsn: m.lastLsn ?? 0, reported: m.lastLsn !== null })),
  };
}

export function forceFromWire(r: ForcePrimaryReply__Output): ForceResult {
  return {
    config: configFromWire(r.config),
    lastLsn: r.last_lsn,
    replaced: r.replaced.map((m) => ({ node: m.node, lastLsn: m.reported ? m.last_lsn : null })),
  };
}

export function lookupToWire(r: LookupResult): LookupReply {
  return { group: r.group, assigned: { ...r.assigned }, primary: { ...r.primary }, epoch: r.epoch };
}

export function lookupFromWire(r: LookupReply__Output): LookupResult {
  return {
    group: r.group,
    assigned: { id: r.assigned?.id ?? '', address: r.assigned?.address ?? '' },
    primary: { id: r.primary?.id ?? '', address: r.primary?.address ?? '' },
    epoch: r.epoch,
  };
}

export function statusToWire(s: ClusterStatus): ClusterStatusReply {
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

export function statusFromWire(s: ClusterStatusReply__Output): ClusterStatus {
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
