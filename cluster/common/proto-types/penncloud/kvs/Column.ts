// Generated from proto/ by `npm run gen:proto` (scripts/gen-proto.ts). Do not edit.
// Original file: proto/kvs.proto

import type { Long } from '@grpc/proto-loader';

/**
 * A column's name and value size; `value` is filled only in a ListColumns reply asked `with_values`.
 */
export interface Column {
  'name'?: (string);
  'size'?: (number | string | Long);
  'value'?: (Buffer | Uint8Array | string);
}

/**
 * A column's name and value size; `value` is filled only in a ListColumns reply asked `with_values`.
 */
export interface Column__Output {
  'name': (string);
  'size': (number);
  'value': (Buffer);
}
