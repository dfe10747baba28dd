// Generated from proto/ by `npm run gen:proto` (scripts/gen-proto.ts). Do not edit.
// Original file: proto/kvs.proto

import type { GetRequest as _penncloud_kvs_GetRequest, GetRequest__Output as _penncloud_kvs_GetRequest__Output } from '../../penncloud/kvs/GetRequest.ts';
import type { PutRequest as _penncloud_kvs_PutRequest, PutRequest__Output as _penncloud_kvs_PutRequest__Output } from '../../penncloud/kvs/PutRequest.ts';
import type { CPutRequest as _penncloud_kvs_CPutRequest, CPutRequest__Output as _penncloud_kvs_CPutRequest__Output } from '../../penncloud/kvs/CPutRequest.ts';
import type { DeleteRequest as _penncloud_kvs_DeleteRequest, DeleteRequest__Output as _penncloud_kvs_DeleteRequest__Output } from '../../penncloud/kvs/DeleteRequest.ts';
import type { CPutAllRequest as _penncloud_kvs_CPutAllRequest, CPutAllRequest__Output as _penncloud_kvs_CPutAllRequest__Output } from '../../penncloud/kvs/CPutAllRequest.ts';

export interface BatchOperation {
  'get'?: (_penncloud_kvs_GetRequest | null);
  'put'?: (_penncloud_kvs_PutRequest | null);
  'cput'?: (_penncloud_kvs_CPutRequest | null);
  'delete'?: (_penncloud_kvs_DeleteRequest | null);
  'cput_all'?: (_penncloud_kvs_CPutAllRequest | null);
  'op'?: "get"|"put"|"cput"|"delete"|"cput_all";
}

export interface BatchOperation__Output {
  'get'?: (_penncloud_kvs_GetRequest__Output | null);
  'put'?: (_penncloud_kvs_PutRequest__Output | null);
  'cput'?: (_penncloud_kvs_CPutRequest__Output | null);
  'delete'?: (_penncloud_kvs_DeleteRequest__Output | null);
  'cput_all'?: (_penncloud_kvs_CPutAllRequest__Output | null);
  'op'?: "get"|"put"|"cput"|"delete"|"cput_all";
}
