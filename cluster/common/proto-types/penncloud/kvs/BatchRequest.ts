// Generated from proto/ by `npm run gen:proto` (scripts/gen-proto.ts). Do not edit.
// Original file: proto/kvs.proto

import type { BatchOperation as _penncloud_kvs_BatchOperation, BatchOperation__Output as _penncloud_kvs_BatchOperation__Output } from '../../penncloud/kvs/BatchOperation.ts';

export interface BatchRequest {
  'ops'?: (_penncloud_kvs_BatchOperation)[];
}

export interface BatchRequest__Output {
  'ops': (_penncloud_kvs_BatchOperation__Output)[];
}
