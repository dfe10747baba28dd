// Generated from proto/ by `npm run gen:proto` (scripts/gen-proto.ts). Do not edit.
// Original file: proto/coordinator.proto

import type * as grpc from '@grpc/grpc-js'
import type { MethodDefinition } from '@grpc/proto-loader'
import type { ClusterStatusReply as _penncloud_coordinator_ClusterStatusReply, ClusterStatusReply__Output as _penncloud_coordinator_ClusterStatusReply__Output } from '../../penncloud/coordinator/ClusterStatusReply.ts';
import type { ClusterStatusRequest as _penncloud_coordinator_ClusterStatusRequest, ClusterStatusRequest__Output as _penncloud_coordinator_ClusterStatusRequest__Output } from '../../penncloud/coordinator/ClusterStatusRequest.ts';
import type { ForcePrimaryReply as _penncloud_coordinator_ForcePrimaryReply, ForcePrimaryReply__Output as _penncloud_coordinator_ForcePrimaryReply__Output } from '../../penncloud/coordinator/ForcePrimaryReply.ts';
import type { ForcePrimaryRequest as _penncloud_coordinator_ForcePrimaryRequest, ForcePrimaryRequest__Output as _penncloud_coordinator_ForcePrimaryRequest__Output } from '../../penncloud/coordinator/ForcePrimaryRequest.ts';
import type { GetConfigRequest as _penncloud_coordinator_GetConfigRequest, GetConfigRequest__Output as _penncloud_coordinator_GetConfigRequest__Output } from '../../penncloud/coordinator/GetConfigRequest.ts';
import type { GroupConfig as _penncloud_coordinator_GroupConfig, GroupConfig__Output as _penncloud_coordinator_GroupConfig__Output } from '../../penncloud/coordinator/GroupConfig.ts';
import type { LookupReply as _penncloud_coordinator_LookupReply, LookupReply__Output as _penncloud_coordinator_LookupReply__Output } from '../../penncloud/coordinator/LookupReply.ts';
import type { LookupRequest as _penncloud_coordinator_LookupRequest, LookupRequest__Output as _penncloud_coordinator_LookupRequest__Output } from '../../penncloud/coordinator/LookupRequest.ts';
import type { MembershipRequest as _penncloud_coordinator_MembershipRequest, MembershipRequest__Output as _penncloud_coordinator_MembershipRequest__Output } from '../../penncloud/coordinator/MembershipRequest.ts';
import type { RenewLeaseReply as _penncloud_coordinator_RenewLeaseReply, RenewLeaseReply__Output as _penncloud_coordinator_RenewLeaseReply__Output } from '../../penncloud/coordinator/RenewLeaseReply.ts';
import type { RenewLeaseRequest as _penncloud_coordinator_RenewLeaseRequest, RenewLeaseRequest__Output as _penncloud_coordinator_RenewLeaseRequest__Output } from '../../penncloud/coordinator/RenewLeaseRequest.ts';

export interface CoordinatorClient extends grpc.Client {
  ClusterStatus(argument: _penncloud_coordinator_ClusterStatusRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_penncloud_coordinator_ClusterStatusReply__Output>): grpc.ClientUnaryCall;
  ClusterStatus(argument: _penncloud_coordinator_ClusterStatusRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_penncloud_coordinator_ClusterStatusReply__Output>): grpc.ClientUnaryCall;
  ClusterStatus(argument: _penncloud_coordinator_ClusterStatusRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_penncloud_coordinator_ClusterStatusReply__Output>): grpc.ClientUnaryCall;
  ClusterStatus(argument: _penncloud_coordinator_ClusterStatusRequest, callback: grpc.requestCallback<_penncloud_coordinator_ClusterStatusReply__Output>): grpc.ClientUnaryCall;
  clusterStatus(argument: _penncloud_coordinator_ClusterStatusRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_penncloud_coordinator_ClusterStatusReply__Output>): grpc.ClientUnaryCall;
  clusterStatus(argument: _penncloud_coordinator_ClusterStatusRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_penncloud_coordinator_ClusterStatusReply__Output>): grpc.ClientUnaryCall;
  clusterStatus(argument: _penncloud_coordinator_ClusterStatusRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_penncloud_coordinator_ClusterStatusReply__Output>): grpc.ClientUnaryCall;
  clusterStatus(argument: _penncloud_coordinator_ClusterStatusRequest, callback: grpc.requestCallback<_penncloud_coordinator_ClusterStatusReply__Output>): grpc.ClientUnaryCall;

  /**
   * The administrator's last resort (docs/ARCHITECTURE.md rule 5; `npm run admin -- force-primary`):
   * when every in-sync replica of a group is down, make this live node its only in-sync member
   * and primary at a new epoch, with the log it has. FAILED_PRECONDITION while an in-sync
   * replica is not down; UNAVAILABLE when the node is not up or the old lease may still run.
   */
  ForcePrimary(argument: _penncloud_coordinator_ForcePrimaryRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_penncloud_coordinator_ForcePrimaryReply__Output>): grpc.ClientUnaryCall;
  ForcePrimary(argument: _penncloud_coordinator_ForcePrimaryRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_penncloud_coordinator_ForcePrimaryReply__Output>): grpc.ClientUnaryCall;
  ForcePrimary(argument: _penncloud_coordinator_ForcePrimaryRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_penncloud_coordinator_ForcePrimaryReply__Output>): grpc.ClientUnaryCall;
  ForcePrimary(argument: _penncloud_coordinator_ForcePrimaryRequest, callback: grpc.requestCallback<_penncloud_coordinator_ForcePrimaryReply__Output>): grpc.ClientUnaryCall;
  /**
   * The administrator's last resort (docs/ARCHITECTURE.md rule 5; `npm run admin -- force-primary`):
   * when every in-sync replica of a group is down, make this live node its only in-sync member
   * and primary at a new epoch, with the log it has. FAILED_PRECONDITION while an in-sync
   * replica is not down; UNAVAILABLE when the node is not up or the old lease may still run.
   */
  forcePrimary(argument: _penncloud_coordinator_ForcePrimaryRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_penncloud_coordinator_ForcePrimaryReply__Output>): grpc.ClientUnaryCall;
  forcePrimary(argument: _penncloud_coordinator_ForcePrimaryRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_penncloud_coordinator_ForcePrimaryReply__Output>): grpc.ClientUnaryCall;
  forcePrimary(argument: _penncloud_coordinator_ForcePrimaryRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_penncloud_coordinator_ForcePrimaryReply__Output>): grpc.ClientUnaryCall;
  forcePrimary(argument: _penncloud_coordinator_ForcePrimaryRequest, callback: grpc.requestCallback<_penncloud_coordinator_ForcePrimaryReply__Output>): grpc.ClientUnaryCall;

  GetConfig(argument: _penncloud_coordinator_GetConfigRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_penncloud_coordinator_GroupConfig__Output>): grpc.ClientUnaryCall;
  GetConfig(argument: _penncloud_coordinator_GetConfigRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_penncloud_coordinator_GroupConfig__Output>): grpc.ClientUnaryCall;
  GetConfig(argument: _penncloud_coordinator_GetConfigRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_penncloud_coordinator_GroupConfig__Output>): grpc.ClientUnaryCall;
  GetConfig(argument: _penncloud_coordinator_GetConfigRequest, callback: grpc.requestCallback<_penncloud_coordinator_GroupConfig__Output>): grpc.ClientUnaryCall;
  getConfig(argument: _penncloud_coordinator_GetConfigRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_penncloud_coordinator_GroupConfig__Output>): grpc.ClientUnaryCall;
  getConfig(argument: _penncloud_coordinator_GetConfigRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_penncloud_coordinator_GroupConfig__Output>): grpc.ClientUnaryCall;
  getConfig(argument: _penncloud_coordinator_GetConfigRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_penncloud_coordinator_GroupConfig__Output>): grpc.ClientUnaryCall;
  getConfig(argument: _penncloud_coordinator_GetConfigRequest, callback: grpc.requestCallback<_penncloud_coordinator_GroupConfig__Output>): grpc.ClientUnaryCall;

  /**
   * Which group stores a row, the node assigned to this caller (round-robin among live
   * members), the group's primary and epoch. UNAVAILABLE when no member of the group is live.
   * Clients call the primary; the assigned node is for when the group has none (it forwards).
   */
  Lookup(argument: _penncloud_coordinator_LookupRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_penncloud_coordinator_LookupReply__Output>): grpc.ClientUnaryCall;
  Lookup(argument: _penncloud_coordinator_LookupRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_penncloud_coordinator_LookupReply__Output>): grpc.ClientUnaryCall;
  Lookup(argument: _penncloud_coordinator_LookupRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_penncloud_coordinator_LookupReply__Output>): grpc.ClientUnaryCall;
  Lookup(argument: _penncloud_coordinator_LookupRequest, callback: grpc.requestCallback<_penncloud_coordinator_LookupReply__Output>): grpc.ClientUnaryCall;
  /**
   * Which group stores a row, the node assigned to this caller (round-robin among live
   * members), the group's primary and epoch. UNAVAILABLE when no member of the group is live.
   * Clients call the primary; the assigned node is for when the group has none (it forwards).
   */
  lookup(argument: _penncloud_coordinator_LookupRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_penncloud_coordinator_LookupReply__Output>): grpc.ClientUnaryCall;
  lookup(argument: _penncloud_coordinator_LookupRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_penncloud_coordinator_LookupReply__Output>): grpc.ClientUnaryCall;
  lookup(argument: _penncloud_coordinator_LookupRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_penncloud_coordinator_LookupReply__Output>): grpc.ClientUnaryCall;
  lookup(argument: _penncloud_coordinator_LookupRequest, callback: grpc.requestCallback<_penncloud_coordinator_LookupReply__Output>): grpc.ClientUnaryCall;

  /**
   * From primaries (REPLICATION.md).
   */
  RenewLease(argument: _penncloud_coordinator_RenewLeaseRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_penncloud_coordinator_RenewLeaseReply__Output>): grpc.ClientUnaryCall;
  RenewLease(argument: _penncloud_coordinator_RenewLeaseRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_penncloud_coordinator_RenewLeaseReply__Output>): grpc.ClientUnaryCall;
  RenewLease(argument: _penncloud_coordinator_RenewLeaseRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_penncloud_coordinator_RenewLeaseReply__Output>): grpc.ClientUnaryCall;
  RenewLease(argument: _penncloud_coordinator_RenewLeaseRequest, callback: grpc.requestCallback<_penncloud_coordinator_RenewLeaseReply__Output>): grpc.ClientUnaryCall;
  /**
   * From primaries (REPLICATION.md).
   */
  renewLease(argument: _penncloud_coordinator_RenewLeaseRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_penncloud_coordinator_RenewLeaseReply__Output>): grpc.ClientUnaryCall;
  renewLease(argument: _penncloud_coordinator_RenewLeaseRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_penncloud_coordinator_RenewLeaseReply__Output>): grpc.ClientUnaryCall;
  renewLease(argument: _penncloud_coordinator_RenewLeaseRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_penncloud_coordinator_RenewLeaseReply__Output>): grpc.ClientUnaryCall;
  renewLease(argument: _penncloud_coordinator_RenewLeaseRequest, callback: grpc.requestCallback<_penncloud_coordinator_RenewLeaseReply__Output>): grpc.ClientUnaryCall;

  ReportFailure(argument: _penncloud_coordinator_MembershipRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_penncloud_coordinator_GroupConfig__Output>): grpc.ClientUnaryCall;
  ReportFailure(argument: _penncloud_coordinator_MembershipRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_penncloud_coordinator_GroupConfig__Output>): grpc.ClientUnaryCall;
  ReportFailure(argument: _penncloud_coordinator_MembershipRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_penncloud_coordinator_GroupConfig__Output>): grpc.ClientUnaryCall;
  ReportFailure(argument: _penncloud_coordinator_MembershipRequest, callback: grpc.requestCallback<_penncloud_coordinator_GroupConfig__Output>): grpc.ClientUnaryCall;
  reportFailure(argument: _penncloud_coordinator_MembershipRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_penncloud_coordinator_GroupConfig__Output>): grpc.ClientUnaryCall;
  reportFailure(argument: _penncloud_coordinator_MembershipRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_penncloud_coordinator_GroupConfig__Output>): grpc.ClientUnaryCall;
  reportFailure(argument: _penncloud_coordinator_MembershipRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_penncloud_coordinator_GroupConfig__Output>): grpc.ClientUnaryCall;
  reportFailure(argument: _penncloud_coordinator_MembershipRequest, callback: grpc.requestCallback<_penncloud_coordinator_GroupConfig__Output>): grpc.ClientUnaryCall;

  RequestJoin(argument: _penncloud_coordinator_MembershipRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_penncloud_coordinator_GroupConfig__Output>): grpc.ClientUnaryCall;
  RequestJoin(argument: _penncloud_coordinator_MembershipRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_penncloud_coordinator_GroupConfig__Output>): grpc.ClientUnaryCall;
  RequestJoin(argument: _penncloud_coordinator_MembershipRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_penncloud_coordinator_GroupConfig__Output>): grpc.ClientUnaryCall;
  RequestJoin(argument: _penncloud_coordinator_MembershipRequest, callback: grpc.requestCallback<_penncloud_coordinator_GroupConfig__Output>): grpc.ClientUnaryCall;
  requestJoin(argument: _penncloud_coordinator_MembershipRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_penncloud_coordinator_GroupConfig__Output>): grpc.ClientUnaryCall;
  requestJoin(argument: _penncloud_coordinator_MembershipRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_penncloud_coordinator_GroupConfig__Output>): grpc.ClientUnaryCall;
  requestJoin(argument: _penncloud_coordinator_MembershipRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_penncloud_coordinator_GroupConfig__Output>): grpc.ClientUnaryCall;
  requestJoin(argument: _penncloud_coordinator_MembershipRequest, callback: grpc.requestCallback<_penncloud_coordinator_GroupConfig__Output>): grpc.ClientUnaryCall;

}

export interface CoordinatorHandlers extends grpc.UntypedServiceImplementation {
  ClusterStatus: grpc.handleUnaryCall<_penncloud_coordinator_ClusterStatusRequest__Output, _penncloud_coordinator_ClusterStatusReply>;

  /**
   * The administrator's last resort (docs/ARCHITECTURE.md rule 5; `npm run admin -- force-primary`):
   * when every in-sync replica of a group is down, make this live node its only in-sync member
   * and primary at a new epoch, with the log it has. FAILED_PRECONDITION while an in-sync
   * replica is not down; UNAVAILABLE when the node is not up or the old lease may still run.
   */
  ForcePrimary: grpc.handleUnaryCall<_penncloud_coordinator_ForcePrimaryRequest__Output, _penncloud_coordinator_ForcePrimaryReply>;

  GetConfig: grpc.handleUnaryCall<_penncloud_coordinator_GetConfigRequest__Output, _penncloud_coordinator_GroupConfig>;

  /**
   * Which group stores a row, the node assigned to this caller (round-robin among live
   * members), the group's primary and epoch. UNAVAILABLE when no member of the group is live.
   * Clients call the primary; the assigned node is for when the group has none (it forwards).
   */
  Lookup: grpc.handleUnaryCall<_penncloud_coordinator_LookupRequest__Output, _penncloud_coordinator_LookupReply>;

  /**
   * From primaries (REPLICATION.md).
   */
  RenewLease: grpc.handleUnaryCall<_penncloud_coordinator_RenewLeaseRequest__Output, _penncloud_coordinator_RenewLeaseReply>;

  ReportFailure: grpc.handleUnaryCall<_penncloud_coordinator_MembershipRequest__Output, _penncloud_coordinator_GroupConfig>;

  RequestJoin: grpc.handleUnaryCall<_penncloud_coordinator_MembershipRequest__Output, _penncloud_coordinator_GroupConfig>;

}

export interface CoordinatorDefinition extends grpc.ServiceDefinition {
  ClusterStatus: MethodDefinition<_penncloud_coordinator_ClusterStatusRequest, _penncloud_coordinator_ClusterStatusReply, _penncloud_coordinator_ClusterStatusRequest__Output, _penncloud_coordinator_ClusterStatusReply__Output>
  ForcePrimary: MethodDefinition<_penncloud_coordinator_ForcePrimaryRequest, _penncloud_coordinator_ForcePrimaryReply, _penncloud_coordinator_ForcePrimaryRequest__Output, _penncloud_coordinator_ForcePrimaryReply__Output>
  GetConfig: MethodDefinition<_penncloud_coordinator_GetConfigRequest, _penncloud_coordinator_GroupConfig, _penncloud_coordinator_GetConfigRequest__Output, _penncloud_coordinator_GroupConfig__Output>
  Lookup: MethodDefinition<_penncloud_coordinator_LookupRequest, _penncloud_coordinator_LookupReply, _penncloud_coordinator_LookupRequest__Output, _penncloud_coordinator_LookupReply__Output>
  RenewLease: MethodDefinition<_penncloud_coordinator_RenewLeaseRequest, _penncloud_coordinator_RenewLeaseReply, _penncloud_coordinator_RenewLeaseRequest__Output, _penncloud_coordinator_RenewLeaseReply__Output>
  ReportFailure: MethodDefinition<_penncloud_coordinator_MembershipRequest, _penncloud_coordinator_GroupConfig, _penncloud_coordinator_MembershipRequest__Output, _penncloud_coordinator_GroupConfig__Output>
  RequestJoin: MethodDefinition<_penncloud_coordinator_MembershipRequest, _penncloud_coordinator_GroupConfig, _penncloud_coordinator_MembershipRequest__Output, _penncloud_coordinator_GroupConfig__Output>
}
