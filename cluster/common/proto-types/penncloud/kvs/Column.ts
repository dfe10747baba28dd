// Generated from proto/ by `npm run gen:proto` (scripts/gen-proto.ts). Do not edit.
// Original file: proto/kvs.proto

import type { Long } from '@grpc/proto-loader';

export interface Column {
  'name'?: (string);
  'size'?: (number | string | Long);
}

export interface Column__Output {
  'name': (string);
  'size': (number);
}
