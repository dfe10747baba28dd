// Generated from proto/ by `npm run gen:proto` (scripts/gen-proto.ts). Do not edit.
// Original file: proto/coordinator.proto

import type { GroupConfig as _penncloud_coordinator_GroupConfig, GroupConfig__Output as _penncloud_coordinator_GroupConfig__Output } from '../../penncloud/coordinator/GroupConfig.ts';
import type { ReplacedMember as _penncloud_coordinator_ReplacedMember, ReplacedMember__Output as _penncloud_coordinator_ReplacedMember__Output } from '../../penncloud/coordinator/ReplacedMember.ts';
import type { Long } from '@grpc/proto-loader';

export interface ForcePrimaryReply {
  'config'?: (_penncloud_coordinator_GroupConfig | null);
  /**
   * The forced node's last log entry: writes the replaced members had beyond it are lost.
   */
  'last_lsn'?: (number | string | Long);
  'replaced'?: (_penncloud_coordinator_ReplacedMember)[];
}

export interface ForcePrimaryReply__Output {
  'config': (_penncloud_coordinator_GroupConfig__Output | null);
  /**
   * The forced node's last log entry: writes the replaced members had beyond it are lost.
   */
  'last_lsn': (number);
  'replaced': (_penncloud_coordinator_ReplacedMember__Output)[];
}
