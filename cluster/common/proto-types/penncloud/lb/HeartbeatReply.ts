// Generated from proto/ by `npm run gen:proto` (scripts/gen-proto.ts). Do not edit.
// Original file: proto/lb.proto

import type { Long } from '@grpc/proto-loader';

export interface HeartbeatReply {
  'timeout_ms'?: (number | string | Long);
}

export interface HeartbeatReply__Output {
  'timeout_ms': (number);
}
