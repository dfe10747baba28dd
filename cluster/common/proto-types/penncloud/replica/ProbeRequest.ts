// Generated from proto/ by `npm run gen:proto` (scripts/gen-proto.ts). Do not edit.
// Original file: proto/replica.proto

import type { GroupConfig as _penncloud_coordinator_GroupConfig, GroupConfig__Output as _penncloud_coordinator_GroupConfig__Output } from '../../penncloud/coordinator/GroupConfig.ts';

export interface ProbeRequest {
  'config'?: (_penncloud_coordinator_GroupConfig | null);
}

export interface ProbeRequest__Output {
  'config': (_penncloud_coordinator_GroupConfig__Output | null);
}
