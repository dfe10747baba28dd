// Generated from proto/ by `npm run gen:proto` (scripts/gen-proto.ts). Do not edit.
// Original file: proto/replica.proto

import type { Long } from '@grpc/proto-loader';

export interface ProbeReply {
  'last_lsn'?: (number | string | Long);
  'last_epoch'?: (number | string | Long);
  'checkpoint_lsn'?: (number | string | Long);
  'checkpoint_epoch'?: (number | string | Long);
}

export interface ProbeReply__Output {
  'last_lsn': (number);
  'last_epoch': (number);
  'checkpoint_lsn': (number);
  'checkpoint_epoch': (number);
}
