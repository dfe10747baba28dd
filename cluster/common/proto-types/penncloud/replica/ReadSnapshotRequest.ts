// Generated from proto/ by `npm run gen:proto` (scripts/gen-proto.ts). Do not edit.
// Original file: proto/replica.proto

import type { Long } from '@grpc/proto-loader';

export interface ReadSnapshotRequest {
  'epoch'?: (number | string | Long);
}

export interface ReadSnapshotRequest__Output {
  'epoch': (number);
}
