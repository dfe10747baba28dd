// Generated from proto/ by `npm run gen:proto` (scripts/gen-proto.ts). Do not edit.
// Original file: proto/kvs.proto

import type { Long } from '@grpc/proto-loader';

export interface NodeStatus {
  'node_id'?: (string);
  'group'?: (number);
  /**
   * up | halted | recovering
   */
  'state'?: (string);
  /**
   * primary | backup | standalone | none
   */
  'role'?: (string);
  'epoch'?: (number | string | Long);
  /**
   * Sequence number of the last write in this node's log.
   */
  'log_position'?: (number | string | Long);
  'checkpoint_version'?: (number | string | Long);
  'key_count'?: (number | string | Long);
  /**
   * Bytes of tablets in memory, and the process's resident set size.
   */
  'memory_bytes'?: (number | string | Long);
  'rss_bytes'?: (number | string | Long);
  /**
   * fsyncs of the log since start, and writes they made durable (group commit: writes per fsync).
   */
  'log_fsyncs'?: (number | string | Long);
  'log_entries_synced'?: (number | string | Long);
}

export interface NodeStatus__Output {
  'node_id': (string);
  'group': (number);
  /**
   * up | halted | recovering
   */
  'state': (string);
  /**
   * primary | backup | standalone | none
   */
  'role': (string);
  'epoch': (number);
  /**
   * Sequence number of the last write in this node's log.
   */
  'log_position': (number);
  'checkpoint_version': (number);
  'key_count': (number);
  /**
   * Bytes of tablets in memory, and the process's resident set size.
   */
  'memory_bytes': (number);
  'rss_bytes': (number);
  /**
   * fsyncs of the log since start, and writes they made durable (group commit: writes per fsync).
   */
  'log_fsyncs': (number);
  'log_entries_synced': (number);
}
