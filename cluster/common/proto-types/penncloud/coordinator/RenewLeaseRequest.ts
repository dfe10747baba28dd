// Generated from proto/ by `npm run gen:proto` (scripts/gen-proto.ts). Do not edit.
// Original file: proto/coordinator.proto

import type { Long } from '@grpc/proto-loader';

export interface RenewLeaseRequest {
  'group'?: (number);
  'epoch'?: (number | string | Long);
  'node'?: (string);
}

export interface RenewLeaseRequest__Output {
  'group': (number);
  'epoch': (number);
  'node': (string);
}
