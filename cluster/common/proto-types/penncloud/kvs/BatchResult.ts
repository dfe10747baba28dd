// Generated from proto/ by `npm run gen:proto` (scripts/gen-proto.ts). Do not edit.
// Original file: proto/kvs.proto

import type { GetReply as _penncloud_kvs_GetReply, GetReply__Output as _penncloud_kvs_GetReply__Output } from '../../penncloud/kvs/GetReply.ts';
import type { PutReply as _penncloud_kvs_PutReply, PutReply__Output as _penncloud_kvs_PutReply__Output } from '../../penncloud/kvs/PutReply.ts';
import type { CPutReply as _penncloud_kvs_CPutReply, CPutReply__Output as _penncloud_kvs_CPutReply__Output } from '../../penncloud/kvs/CPutReply.ts';
import type { DeleteReply as _penncloud_kvs_DeleteReply, DeleteReply__Output as _penncloud_kvs_DeleteReply__Output } from '../../penncloud/kvs/DeleteReply.ts';
import type { CPutAllReply as _penncloud_kvs_CPutAllReply, CPutAllReply__Output as _penncloud_kvs_CPutAllReply__Output } from '../../penncloud/kvs/CPutAllReply.ts';

/**
 * One operation's answer: `code` and `message` are the gRPC status and details its own call would
 * have answered (0, OK, with the reply of its kind filled in).
 */
export interface BatchResult {
  'code'?: (number);
  'message'?: (string);
  'get'?: (_penncloud_kvs_GetReply | null);
  'put'?: (_penncloud_kvs_PutReply | null);
  'cput'?: (_penncloud_kvs_CPutReply | null);
  'delete'?: (_penncloud_kvs_DeleteReply | null);
  /**
   * Set, with code 0 and no reply, on a Get whose value did not fit in this reply (its values are
   * held to kvs.batchReplyBytesMax): ask for it with Get on its own.
   */
  'send_alone'?: (boolean);
  'cput_all'?: (_penncloud_kvs_CPutAllReply | null);
  'reply'?: "get"|"put"|"cput"|"delete"|"cput_all";
}

/**
 * One operation's answer: `code` and `message` are the gRPC status and details its own call would
 * have answered (0, OK, with the reply of its kind filled in).
 */
export interface BatchResult__Output {
  'code': (number);
  'message': (string);
  'get'?: (_penncloud_kvs_GetReply__Output | null);
  'put'?: (_penncloud_kvs_PutReply__Output | null);
  'cput'?: (_penncloud_kvs_CPutReply__Output | null);
  'delete'?: (_penncloud_kvs_DeleteReply__Output | null);
  /**
   * Set, with code 0 and no reply, on a Get whose value did not fit in this reply (its values are
   * held to kvs.batchReplyBytesMax): ask for it with Get on its own.
   */
  'send_alone': (boolean);
  'cput_all'?: (_penncloud_kvs_CPutAllReply__Output | null);
  'reply'?: "get"|"put"|"cput"|"delete"|"cput_all";
}
