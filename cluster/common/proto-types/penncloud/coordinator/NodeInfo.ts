// Generated from proto/ by `npm run gen:proto` (scripts/gen-proto.ts). Do not edit.
// Original file: proto/coordinator.proto

import type { Long } from '@grpc/proto-loader';

export interface NodeInfo {
  'id'?: (string);
  'group'?: (number);
  'address'?: (string);
  /**
   * up | down | halted | recovering
   */
  'state'?: (string);
  /**
   * primary | backup | out-of-sync | none
   */
  'role'?: (string);
  'epoch'?: (number | string | Long);
  'log_position'?: (number | string | Long);
  'checkpoint_version'?: (number | string | Long);
  'key_count'?: (number | string | Long);
  'memory_bytes'?: (number | string | Long);
  'in_sync'?: (boolean);
}

export interface NodeInfo__Output {
  'id': (string);
  'group': (number);
  'address': (string);
  /**
   * up | down | halted | recovering
   */
  'state': (string);
  /**
   * primary | backup | out-of-sync | none
   */
  'role': (string);
  'epoch': (number);
  'log_position': (number);
  'checkpoint_version': (number);
  'key_count': (number);
  'memory_bytes': (number);
  'in_sync': (boolean);
}
