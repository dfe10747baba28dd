// Generated from proto/ by `npm run gen:proto` (scripts/gen-proto.ts). Do not edit.
// Original file: proto/coordinator.proto

import type { Long } from '@grpc/proto-loader';

export interface RaftSnapshot {
  'index'?: (number | string | Long);
  'term'?: (number | string | Long);
  'data'?: (string);
}

export interface RaftSnapshot__Output {
  'index': (number);
  'term': (number);
  'data': (string);
}
