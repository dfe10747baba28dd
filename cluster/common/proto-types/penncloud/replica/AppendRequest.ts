// Generated from proto/ by `npm run gen:proto` (scripts/gen-proto.ts). Do not edit.
// Original file: proto/replica.proto

import type { GroupConfig as _penncloud_coordinator_GroupConfig, GroupConfig__Output as _penncloud_coordinator_GroupConfig__Output } from '../../penncloud/coordinator/GroupConfig.ts';
import type { Entry as _penncloud_replica_Entry, Entry__Output as _penncloud_replica_Entry__Output } from '../../penncloud/replica/Entry.ts';
import type { Long } from '@grpc/proto-loader';

export interface AppendRequest {
  'config'?: (_penncloud_coordinator_GroupConfig | null);
  /**
   * The lsn just before entries[0]; the backup's last lsn must equal it.
   */
  'prev_lsn'?: (number | string | Long);
  'entries'?: (_penncloud_replica_Entry)[];
}

export interface AppendRequest__Output {
  'config': (_penncloud_coordinator_GroupConfig__Output | null);
  /**
   * The lsn just before entries[0]; the backup's last lsn must equal it.
   */
  'prev_lsn': (number);
  'entries': (_penncloud_replica_Entry__Output)[];
}
