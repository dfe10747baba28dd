// Generated from proto/ by `npm run gen:proto` (scripts/gen-proto.ts). Do not edit.
// Original file: proto/kvs.proto

import type { CPutRequest as _penncloud_kvs_CPutRequest, CPutRequest__Output as _penncloud_kvs_CPutRequest__Output } from '../../penncloud/kvs/CPutRequest.ts';

/**
 * Batch only: conditional puts on rows of one group, applied all or none. The primary checks
 * every expectation at one moment; when all hold, it applies the puts in the order given, as
 * consecutive log entries sharing one fsync, and answers once they are durable on every in-sync
 * replica; otherwise nothing is written (applied = false). It holds at most 16 cells,
 * each once. A failure after the request was sent leaves, as for any write, an unknown outcome,
 * and here possibly a prefix of the puts in their order (a crash between two log entries): the
 * caller reads to learn what applied.
 */
export interface CPutAllRequest {
  'cputs'?: (_penncloud_kvs_CPutRequest)[];
}

/**
 * Batch only: conditional puts on rows of one group, applied all or none. The primary checks
 * every expectation at one moment; when all hold, it applies the puts in the order given, as
 * consecutive log entries sharing one fsync, and answers once they are durable on every in-sync
 * replica; otherwise nothing is written (applied = false). It holds at most 16 cells,
 * each once. A failure after the request was sent leaves, as for any write, an unknown outcome,
 * and here possibly a prefix of the puts in their order (a crash between two log entries): the
 * caller reads to learn what applied.
 */
export interface CPutAllRequest__Output {
  'cputs': (_penncloud_kvs_CPutRequest__Output)[];
}
