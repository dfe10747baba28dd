// Generated from proto/ by `npm run gen:proto` (scripts/gen-proto.ts). Do not edit.
import type * as grpc from '@grpc/grpc-js';
import type { MessageTypeDefinition } from '@grpc/proto-loader';

import type { ClusterStatusReply as _penncloud_coordinator_ClusterStatusReply, ClusterStatusReply__Output as _penncloud_coordinator_ClusterStatusReply__Output } from './penncloud/coordinator/ClusterStatusReply.ts';
import type { ClusterStatusRequest as _penncloud_coordinator_ClusterStatusRequest, ClusterStatusRequest__Output as _penncloud_coordinator_ClusterStatusRequest__Output } from './penncloud/coordinator/ClusterStatusRequest.ts';
import type { CoordinatorClient as _penncloud_coordinator_CoordinatorClient, CoordinatorDefinition as _penncloud_coordinator_CoordinatorDefinition } from './penncloud/coordinator/Coordinator.ts';
import type { CoordinatorInfo as _penncloud_coordinator_CoordinatorInfo, CoordinatorInfo__Output as _penncloud_coordinator_CoordinatorInfo__Output } from './penncloud/coordinator/CoordinatorInfo.ts';
import type { CoordinatorPeerClient as _penncloud_coordinator_CoordinatorPeerClient, CoordinatorPeerDefinition as _penncloud_coordinator_CoordinatorPeerDefinition } from './penncloud/coordinator/CoordinatorPeer.ts';
import type { ForcePrimaryReply as _penncloud_coordinator_ForcePrimaryReply, ForcePrimaryReply__Output as _penncloud_coordinator_ForcePrimaryReply__Output } from './penncloud/coordinator/ForcePrimaryReply.ts';
import type { ForcePrimaryRequest as _penncloud_coordinator_ForcePrimaryRequest, ForcePrimaryRequest__Output as _penncloud_coordinator_ForcePrimaryRequest__Output } from './penncloud/coordinator/ForcePrimaryRequest.ts';
import type { GetConfigRequest as _penncloud_coordinator_GetConfigRequest, GetConfigRequest__Output as _penncloud_coordinator_GetConfigRequest__Output } from './penncloud/coordinator/GetConfigRequest.ts';
import type { GroupConfig as _penncloud_coordinator_GroupConfig, GroupConfig__Output as _penncloud_coordinator_GroupConfig__Output } from './penncloud/coordinator/GroupConfig.ts';
import type { LookupReply as _penncloud_coordinator_LookupReply, LookupReply__Output as _penncloud_coordinator_LookupReply__Output } from './penncloud/coordinator/LookupReply.ts';
import type { LookupRequest as _penncloud_coordinator_LookupRequest, LookupRequest__Output as _penncloud_coordinator_LookupRequest__Output } from './penncloud/coordinator/LookupRequest.ts';
import type { MembershipRequest as _penncloud_coordinator_MembershipRequest, MembershipRequest__Output as _penncloud_coordinator_MembershipRequest__Output } from './penncloud/coordinator/MembershipRequest.ts';
import type { NodeAddress as _penncloud_coordinator_NodeAddress, NodeAddress__Output as _penncloud_coordinator_NodeAddress__Output } from './penncloud/coordinator/NodeAddress.ts';
import type { NodeInfo as _penncloud_coordinator_NodeInfo, NodeInfo__Output as _penncloud_coordinator_NodeInfo__Output } from './penncloud/coordinator/NodeInfo.ts';
import type { RaftEntry as _penncloud_coordinator_RaftEntry, RaftEntry__Output as _penncloud_coordinator_RaftEntry__Output } from './penncloud/coordinator/RaftEntry.ts';
import type { RaftMessage as _penncloud_coordinator_RaftMessage, RaftMessage__Output as _penncloud_coordinator_RaftMessage__Output } from './penncloud/coordinator/RaftMessage.ts';
import type { RaftSnapshot as _penncloud_coordinator_RaftSnapshot, RaftSnapshot__Output as _penncloud_coordinator_RaftSnapshot__Output } from './penncloud/coordinator/RaftSnapshot.ts';
import type { RenewLeaseReply as _penncloud_coordinator_RenewLeaseReply, RenewLeaseReply__Output as _penncloud_coordinator_RenewLeaseReply__Output } from './penncloud/coordinator/RenewLeaseReply.ts';
import type { RenewLeaseRequest as _penncloud_coordinator_RenewLeaseRequest, RenewLeaseRequest__Output as _penncloud_coordinator_RenewLeaseRequest__Output } from './penncloud/coordinator/RenewLeaseRequest.ts';
import type { ReplacedMember as _penncloud_coordinator_ReplacedMember, ReplacedMember__Output as _penncloud_coordinator_ReplacedMember__Output } from './penncloud/coordinator/ReplacedMember.ts';
import type { StepAck as _penncloud_coordinator_StepAck, StepAck__Output as _penncloud_coordinator_StepAck__Output } from './penncloud/coordinator/StepAck.ts';

type SubtypeConstructor<Constructor extends new (...args: any) => any, Subtype> = {
  new(...args: ConstructorParameters<Constructor>): Subtype;
};

export interface ProtoGrpcType {
  penncloud: {
    coordinator: {
      ClusterStatusReply: MessageTypeDefinition<_penncloud_coordinator_ClusterStatusReply, _penncloud_coordinator_ClusterStatusReply__Output>
      ClusterStatusRequest: MessageTypeDefinition<_penncloud_coordinator_ClusterStatusRequest, _penncloud_coordinator_ClusterStatusRequest__Output>
      Coordinator: SubtypeConstructor<typeof grpc.Client, _penncloud_coordinator_CoordinatorClient> & { service: _penncloud_coordinator_CoordinatorDefinition }
      CoordinatorInfo: MessageTypeDefinition<_penncloud_coordinator_CoordinatorInfo, _penncloud_coordinator_CoordinatorInfo__Output>
      /**
       * Between the members of the coordinator group: one Raft message (cluster/coordinator/RAFT.md).
       * Messages are one-way; an answer travels as a message the other way. Members only.
       */
      CoordinatorPeer: SubtypeConstructor<typeof grpc.Client, _penncloud_coordinator_CoordinatorPeerClient> & { service: _penncloud_coordinator_CoordinatorPeerDefinition }
      ForcePrimaryReply: MessageTypeDefinition<_penncloud_coordinator_ForcePrimaryReply, _penncloud_coordinator_ForcePrimaryReply__Output>
      ForcePrimaryRequest: MessageTypeDefinition<_penncloud_coordinator_ForcePrimaryRequest, _penncloud_coordinator_ForcePrimaryRequest__Output>
      GetConfigRequest: MessageTypeDefinition<_penncloud_coordinator_GetConfigRequest, _penncloud_coordinator_GetConfigRequest__Output>
      GroupConfig: MessageTypeDefinition<_penncloud_coordinator_GroupConfig, _penncloud_coordinator_GroupConfig__Output>
      LookupReply: MessageTypeDefinition<_penncloud_coordinator_LookupReply, _penncloud_coordinator_LookupReply__Output>
      LookupRequest: MessageTypeDefinition<_penncloud_coordinator_LookupRequest, _penncloud_coordinator_LookupRequest__Output>
      MembershipRequest: MessageTypeDefinition<_penncloud_coordinator_MembershipRequest, _penncloud_coordinator_MembershipRequest__Output>
      NodeAddress: MessageTypeDefinition<_penncloud_coordinator_NodeAddress, _penncloud_coordinator_NodeAddress__Output>
      NodeInfo: MessageTypeDefinition<_penncloud_coordinator_NodeInfo, _penncloud_coordinator_NodeInfo__Output>
      RaftEntry: MessageTypeDefinition<_penncloud_coordinator_RaftEntry, _penncloud_coordinator_RaftEntry__Output>
      RaftMessage: MessageTypeDefinition<_penncloud_coordinator_RaftMessage, _penncloud_coordinator_RaftMessage__Output>
      RaftSnapshot: MessageTypeDefinition<_penncloud_coordinator_RaftSnapshot, _penncloud_coordinator_RaftSnapshot__Output>
      RenewLeaseReply: MessageTypeDefinition<_penncloud_coordinator_RenewLeaseReply, _penncloud_coordinator_RenewLeaseReply__Output>
      RenewLeaseRequest: MessageTypeDefinition<_penncloud_coordinator_RenewLeaseRequest, _penncloud_coordinator_RenewLeaseRequest__Output>
      ReplacedMember: MessageTypeDefinition<_penncloud_coordinator_ReplacedMember, _penncloud_coordinator_ReplacedMember__Output>
      StepAck: MessageTypeDefinition<_penncloud_coordinator_StepAck, _penncloud_coordinator_StepAck__Output>
    }
  }
}
