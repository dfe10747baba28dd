// Generated from proto/ by `npm run gen:proto` (scripts/gen-proto.ts). Do not edit.
// Original file: proto/coordinator.proto

import type { Long } from '@grpc/proto-loader';

export interface RaftEntry {
  'index'?: (number | string | Long);
  'term'?: (number | string | Long);
  /**
   * A JSON command of core/replicated.ts; empty for a new leader's no-op.
   */
  'data'?: (string);
}

export interface RaftEntry__Output {
  'index': (number);
  'term': (number);
  /**
   * A JSON command of core/replicated.ts; empty for a new leader's no-op.
   */
  'data': (string);
}
