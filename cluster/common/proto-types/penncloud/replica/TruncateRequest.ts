// Generated from proto/ by `npm run gen:proto` (scripts/gen-proto.ts). Do not edit.
// Original file: proto/replica.proto

import type { GroupConfig as _penncloud_coordinator_GroupConfig, GroupConfig__Output as _penncloud_coordinator_GroupConfig__Output } from '../../penncloud/coordinator/GroupConfig.ts';
import type { Long } from '@grpc/proto-loader';

export interface TruncateRequest {
  'config'?: (_penncloud_coordinator_GroupConfig | null);
  /**
   * Drop every entry after this lsn.
   */
  'after_lsn'?: (number | string | Long);
}

export interface TruncateRequest__Output {
  'config': (_penncloud_coordinator_GroupConfig__Output | null);
  /**
   * Drop every entry after this lsn.
   */
  'after_lsn': (number);
}
