// Generated from proto/ by `npm run gen:proto` (scripts/gen-proto.ts). Do not edit.
// Original file: proto/kvs.proto

import type { BatchResult as _penncloud_kvs_BatchResult, BatchResult__Output as _penncloud_kvs_BatchResult__Output } from '../../penncloud/kvs/BatchResult.ts';
import type { Long } from '@grpc/proto-loader';

/**
 * One result per operation, in the order of the request.
 */
export interface BatchReply {
  'results'?: (_penncloud_kvs_BatchResult)[];
  'id'?: (number | string | Long);
}

/**
 * One result per operation, in the order of the request.
 */
export interface BatchReply__Output {
  'results': (_penncloud_kvs_BatchResult__Output)[];
  'id': (number);
}
