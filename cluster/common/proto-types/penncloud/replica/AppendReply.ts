// Generated from proto/ by `npm run gen:proto` (scripts/gen-proto.ts). Do not edit.
// Original file: proto/replica.proto

import type { Long } from '@grpc/proto-loader';

export interface AppendReply {
  /**
   * The backup's last lsn that is fsync'd.
   */
  'durable_lsn'?: (number | string | Long);
}

export interface AppendReply__Output {
  /**
   * The backup's last lsn that is fsync'd.
   */
  'durable_lsn': (number);
}
