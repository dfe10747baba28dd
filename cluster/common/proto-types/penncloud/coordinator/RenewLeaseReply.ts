// Generated from proto/ by `npm run gen:proto` (scripts/gen-proto.ts). Do not edit.
// Original file: proto/coordinator.proto

import type { GroupConfig as _penncloud_coordinator_GroupConfig, GroupConfig__Output as _penncloud_coordinator_GroupConfig__Output } from '../../penncloud/coordinator/GroupConfig.ts';

export interface RenewLeaseReply {
  'granted'?: (boolean);
  /**
   * The coordinator's current config of the group, so a primary learns of changes at once.
   */
  'config'?: (_penncloud_coordinator_GroupConfig | null);
}

export interface RenewLeaseReply__Output {
  'granted': (boolean);
  /**
   * The coordinator's current config of the group, so a primary learns of changes at once.
   */
  'config': (_penncloud_coordinator_GroupConfig__Output | null);
}
