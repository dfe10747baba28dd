// Generated from proto/ by `npm run gen:proto` (scripts/gen-proto.ts). Do not edit.
// Original file: proto/coordinator.proto

import type { NodeInfo as _penncloud_coordinator_NodeInfo, NodeInfo__Output as _penncloud_coordinator_NodeInfo__Output } from '../../penncloud/coordinator/NodeInfo.ts';
import type { GroupConfig as _penncloud_coordinator_GroupConfig, GroupConfig__Output as _penncloud_coordinator_GroupConfig__Output } from '../../penncloud/coordinator/GroupConfig.ts';
import type { CoordinatorInfo as _penncloud_coordinator_CoordinatorInfo, CoordinatorInfo__Output as _penncloud_coordinator_CoordinatorInfo__Output } from '../../penncloud/coordinator/CoordinatorInfo.ts';

export interface ClusterStatusReply {
  'nodes'?: (_penncloud_coordinator_NodeInfo)[];
  'groups'?: (_penncloud_coordinator_GroupConfig)[];
  /**
   * The coordinator group as its leader (the member answering) sees it.
   */
  'coordinators'?: (_penncloud_coordinator_CoordinatorInfo)[];
}

export interface ClusterStatusReply__Output {
  'nodes': (_penncloud_coordinator_NodeInfo__Output)[];
  'groups': (_penncloud_coordinator_GroupConfig__Output)[];
  /**
   * The coordinator group as its leader (the member answering) sees it.
   */
  'coordinators': (_penncloud_coordinator_CoordinatorInfo__Output)[];
}
