// Generated from proto/ by `npm run gen:proto` (scripts/gen-proto.ts). Do not edit.
// Original file: proto/replica.proto

import type { Long } from '@grpc/proto-loader';

export interface SnapshotChunk {
  /**
   * The first chunk carries the raw MANIFEST; later ones a file's bytes in order.
   */
  'manifest'?: (Buffer | Uint8Array | string);
  'file'?: (string);
  'offset'?: (number | string | Long);
  'data'?: (Buffer | Uint8Array | string);
}

export interface SnapshotChunk__Output {
  /**
   * The first chunk carries the raw MANIFEST; later ones a file's bytes in order.
   */
  'manifest': (Buffer);
  'file': (string);
  'offset': (number);
  'data': (Buffer);
}
