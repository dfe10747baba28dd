// Generated from proto/ by `npm run gen:proto` (scripts/gen-proto.ts). Do not edit.
// Original file: proto/kvs.proto

import type { BatchOperation as _penncloud_kvs_BatchOperation, BatchOperation__Output as _penncloud_kvs_BatchOperation__Output } from '../../penncloud/kvs/BatchOperation.ts';
import type { Long } from '@grpc/proto-loader';

export interface BatchRequest {
  'ops'?: (_penncloud_kvs_BatchOperation)[];
  /**
   * BatchStream only: the request's number on its stream, repeated on its reply.
   */
  'id'?: (number | string | Long);
}

export interface BatchRequest__Output {
  'ops': (_penncloud_kvs_BatchOperation__Output)[];
  /**
   * BatchStream only: the request's number on its stream, repeated on its reply.
   */
  'id': (number);
}
