// Generated from proto/ by `npm run gen:proto` (scripts/gen-proto.ts). Do not edit.
// Original file: proto/coordinator.proto

import type { NodeAddress as _penncloud_coordinator_NodeAddress, NodeAddress__Output as _penncloud_coordinator_NodeAddress__Output } from '../../penncloud/coordinator/NodeAddress.ts';
import type { Long } from '@grpc/proto-loader';

export interface LookupReply {
  'group'?: (number);
  'assigned'?: (_penncloud_coordinator_NodeAddress | null);
  /**
   * Empty id when the group has no primary.
   */
  'primary'?: (_penncloud_coordinator_NodeAddress | null);
  'epoch'?: (number | string | Long);
}

export interface LookupReply__Output {
  'group': (number);
  'assigned': (_penncloud_coordinator_NodeAddress__Output | null);
  /**
   * Empty id when the group has no primary.
   */
  'primary': (_penncloud_coordinator_NodeAddress__Output | null);
  'epoch': (number);
}
