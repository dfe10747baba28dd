// Generated from proto/ by `npm run gen:proto` (scripts/gen-proto.ts). Do not edit.
// Original file: proto/replica.proto

import type { GroupConfig as _penncloud_coordinator_GroupConfig, GroupConfig__Output as _penncloud_coordinator_GroupConfig__Output } from '../../penncloud/coordinator/GroupConfig.ts';

export interface HeartbeatRequest {
  'config'?: (_penncloud_coordinator_GroupConfig | null);
  'has_config'?: (boolean);
}

export interface HeartbeatRequest__Output {
  'config': (_penncloud_coordinator_GroupConfig__Output | null);
  'has_config': (boolean);
}
