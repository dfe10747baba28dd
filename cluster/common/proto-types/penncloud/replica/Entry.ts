// Generated from proto/ by `npm run gen:proto` (scripts/gen-proto.ts). Do not edit.
// Original file: proto/replica.proto

import type { Long } from '@grpc/proto-loader';

export interface Entry {
  'lsn'?: (number | string | Long);
  'epoch'?: (number | string | Long);
  /**
   * put | delete
   */
  'kind'?: (string);
  'row'?: (string);
  'column'?: (string);
  'value'?: (Buffer | Uint8Array | string);
}

export interface Entry__Output {
  'lsn': (number);
  'epoch': (number);
  /**
   * put | delete
   */
  'kind': (string);
  'row': (string);
  'column': (string);
  'value': (Buffer);
}
