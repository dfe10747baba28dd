// Generated from proto/ by `npm run gen:proto` (scripts/gen-proto.ts). Do not edit.
// Original file: proto/replica.proto

import type { Long } from '@grpc/proto-loader';

export interface HeartbeatReply {
  /**
   * up | halted | recovering
   */
  'state'?: (string);
  /**
   * The newest epoch this node knows for its group.
   */
  'epoch'?: (number | string | Long);
  'last_lsn'?: (number | string | Long);
  'last_epoch'?: (number | string | Long);
  'checkpoint_version'?: (number | string | Long);
  'key_count'?: (number | string | Long);
  'memory_bytes'?: (number | string | Long);
  'role'?: (string);
  /**
   * Random per process start (and per Revive): tells the coordinator the node restarted.
   */
  'incarnation'?: (string);
}

export interface HeartbeatReply__Output {
  /**
   * up | halted | recovering
   */
  'state': (string);
  /**
   * The newest epoch this node knows for its group.
   */
  'epoch': (number);
  'last_lsn': (number);
  'last_epoch': (number);
  'checkpoint_version': (number);
  'key_count': (number);
  'memory_bytes': (number);
  'role': (string);
  /**
   * Random per process start (and per Revive): tells the coordinator the node restarted.
   */
  'incarnation': (string);
}
