// Generated from proto/ by `npm run gen:proto` (scripts/gen-proto.ts). Do not edit.
// Original file: proto/kvs.proto

import type * as grpc from '@grpc/grpc-js'
import type { MethodDefinition } from '@grpc/proto-loader'
import type { BatchReply as _penncloud_kvs_BatchReply, BatchReply__Output as _penncloud_kvs_BatchReply__Output } from '../../penncloud/kvs/BatchReply.ts';
import type { BatchRequest as _penncloud_kvs_BatchRequest, BatchRequest__Output as _penncloud_kvs_BatchRequest__Output } from '../../penncloud/kvs/BatchRequest.ts';
import type { CPutReply as _penncloud_kvs_CPutReply, CPutReply__Output as _penncloud_kvs_CPutReply__Output } from '../../penncloud/kvs/CPutReply.ts';
import type { CPutRequest as _penncloud_kvs_CPutRequest, CPutRequest__Output as _penncloud_kvs_CPutRequest__Output } from '../../penncloud/kvs/CPutRequest.ts';
import type { DeleteReply as _penncloud_kvs_DeleteReply, DeleteReply__Output as _penncloud_kvs_DeleteReply__Output } from '../../penncloud/kvs/DeleteReply.ts';
import type { DeleteRequest as _penncloud_kvs_DeleteRequest, DeleteRequest__Output as _penncloud_kvs_DeleteRequest__Output } from '../../penncloud/kvs/DeleteRequest.ts';
import type { GetReply as _penncloud_kvs_GetReply, GetReply__Output as _penncloud_kvs_GetReply__Output } from '../../penncloud/kvs/GetReply.ts';
import type { GetRequest as _penncloud_kvs_GetRequest, GetRequest__Output as _penncloud_kvs_GetRequest__Output } from '../../penncloud/kvs/GetRequest.ts';
import type { ListColumnsReply as _penncloud_kvs_ListColumnsReply, ListColumnsReply__Output as _penncloud_kvs_ListColumnsReply__Output } from '../../penncloud/kvs/ListColumnsReply.ts';
import type { ListColumnsRequest as _penncloud_kvs_ListColumnsRequest, ListColumnsRequest__Output as _penncloud_kvs_ListColumnsRequest__Output } from '../../penncloud/kvs/ListColumnsRequest.ts';
import type { PutReply as _penncloud_kvs_PutReply, PutReply__Output as _penncloud_kvs_PutReply__Output } from '../../penncloud/kvs/PutReply.ts';
import type { PutRequest as _penncloud_kvs_PutRequest, PutRequest__Output as _penncloud_kvs_PutRequest__Output } from '../../penncloud/kvs/PutRequest.ts';
import type { ScanRowsReply as _penncloud_kvs_ScanRowsReply, ScanRowsReply__Output as _penncloud_kvs_ScanRowsReply__Output } from '../../penncloud/kvs/ScanRowsReply.ts';
import type { ScanRowsRequest as _penncloud_kvs_ScanRowsRequest, ScanRowsRequest__Output as _penncloud_kvs_ScanRowsRequest__Output } from '../../penncloud/kvs/ScanRowsRequest.ts';

export interface KeyValueClient extends grpc.Client {
  /**
   * Many operations in one call: each is served exactly as its own RPC would be (roles, checks,
   * the log, commit, linearizable reads), all at once so the writes share group commits, and each
   * is answered with its own status. The request may hold at most kvs.batchOpsMax operations and
   * kvs.batchBytesMax bytes of rows, columns, values and expected values; a larger one is refused
   * whole with INVALID_ARGUMENT and nothing in it runs. Operations run in the order given, but a
   * caller must treat them as concurrent: it sends only operations that could be in flight at once.
   */
  Batch(argument: _penncloud_kvs_BatchRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_penncloud_kvs_BatchReply__Output>): grpc.ClientUnaryCall;
  Batch(argument: _penncloud_kvs_BatchRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_penncloud_kvs_BatchReply__Output>): grpc.ClientUnaryCall;
  Batch(argument: _penncloud_kvs_BatchRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_penncloud_kvs_BatchReply__Output>): grpc.ClientUnaryCall;
  Batch(argument: _penncloud_kvs_BatchRequest, callback: grpc.requestCallback<_penncloud_kvs_BatchReply__Output>): grpc.ClientUnaryCall;
  /**
   * Many operations in one call: each is served exactly as its own RPC would be (roles, checks,
   * the log, commit, linearizable reads), all at once so the writes share group commits, and each
   * is answered with its own status. The request may hold at most kvs.batchOpsMax operations and
   * kvs.batchBytesMax bytes of rows, columns, values and expected values; a larger one is refused
   * whole with INVALID_ARGUMENT and nothing in it runs. Operations run in the order given, but a
   * caller must treat them as concurrent: it sends only operations that could be in flight at once.
   */
  batch(argument: _penncloud_kvs_BatchRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_penncloud_kvs_BatchReply__Output>): grpc.ClientUnaryCall;
  batch(argument: _penncloud_kvs_BatchRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_penncloud_kvs_BatchReply__Output>): grpc.ClientUnaryCall;
  batch(argument: _penncloud_kvs_BatchRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_penncloud_kvs_BatchReply__Output>): grpc.ClientUnaryCall;
  batch(argument: _penncloud_kvs_BatchRequest, callback: grpc.requestCallback<_penncloud_kvs_BatchReply__Output>): grpc.ClientUnaryCall;

  /**
   * The same as Batch, as messages on one long-lived stream per client and node: a request's id
   * comes back on its reply; requests are served at once, side by side, and answered as each
   * finishes. A request the node refuses whole is answered with that status on every operation.
   * The stream ends with UNAVAILABLE when the node shuts down. Saves a call's set-up per batch.
   */
  BatchStream(metadata: grpc.Metadata, options?: grpc.CallOptions): grpc.ClientDuplexStream<_penncloud_kvs_BatchRequest, _penncloud_kvs_BatchReply__Output>;
  BatchStream(options?: grpc.CallOptions): grpc.ClientDuplexStream<_penncloud_kvs_BatchRequest, _penncloud_kvs_BatchReply__Output>;
  /**
   * The same as Batch, as messages on one long-lived stream per client and node: a request's id
   * comes back on its reply; requests are served at once, side by side, and answered as each
   * finishes. A request the node refuses whole is answered with that status on every operation.
   * The stream ends with UNAVAILABLE when the node shuts down. Saves a call's set-up per batch.
   */
  batchStream(metadata: grpc.Metadata, options?: grpc.CallOptions): grpc.ClientDuplexStream<_penncloud_kvs_BatchRequest, _penncloud_kvs_BatchReply__Output>;
  batchStream(options?: grpc.CallOptions): grpc.ClientDuplexStream<_penncloud_kvs_BatchRequest, _penncloud_kvs_BatchReply__Output>;

  CPut(argument: _penncloud_kvs_CPutRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_penncloud_kvs_CPutReply__Output>): grpc.ClientUnaryCall;
  CPut(argument: _penncloud_kvs_CPutRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_penncloud_kvs_CPutReply__Output>): grpc.ClientUnaryCall;
  CPut(argument: _penncloud_kvs_CPutRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_penncloud_kvs_CPutReply__Output>): grpc.ClientUnaryCall;
  CPut(argument: _penncloud_kvs_CPutRequest, callback: grpc.requestCallback<_penncloud_kvs_CPutReply__Output>): grpc.ClientUnaryCall;
  cPut(argument: _penncloud_kvs_CPutRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_penncloud_kvs_CPutReply__Output>): grpc.ClientUnaryCall;
  cPut(argument: _penncloud_kvs_CPutRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_penncloud_kvs_CPutReply__Output>): grpc.ClientUnaryCall;
  cPut(argument: _penncloud_kvs_CPutRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_penncloud_kvs_CPutReply__Output>): grpc.ClientUnaryCall;
  cPut(argument: _penncloud_kvs_CPutRequest, callback: grpc.requestCallback<_penncloud_kvs_CPutReply__Output>): grpc.ClientUnaryCall;

  Delete(argument: _penncloud_kvs_DeleteRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_penncloud_kvs_DeleteReply__Output>): grpc.ClientUnaryCall;
  Delete(argument: _penncloud_kvs_DeleteRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_penncloud_kvs_DeleteReply__Output>): grpc.ClientUnaryCall;
  Delete(argument: _penncloud_kvs_DeleteRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_penncloud_kvs_DeleteReply__Output>): grpc.ClientUnaryCall;
  Delete(argument: _penncloud_kvs_DeleteRequest, callback: grpc.requestCallback<_penncloud_kvs_DeleteReply__Output>): grpc.ClientUnaryCall;
  delete(argument: _penncloud_kvs_DeleteRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_penncloud_kvs_DeleteReply__Output>): grpc.ClientUnaryCall;
  delete(argument: _penncloud_kvs_DeleteRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_penncloud_kvs_DeleteReply__Output>): grpc.ClientUnaryCall;
  delete(argument: _penncloud_kvs_DeleteRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_penncloud_kvs_DeleteReply__Output>): grpc.ClientUnaryCall;
  delete(argument: _penncloud_kvs_DeleteRequest, callback: grpc.requestCallback<_penncloud_kvs_DeleteReply__Output>): grpc.ClientUnaryCall;

  Get(argument: _penncloud_kvs_GetRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_penncloud_kvs_GetReply__Output>): grpc.ClientUnaryCall;
  Get(argument: _penncloud_kvs_GetRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_penncloud_kvs_GetReply__Output>): grpc.ClientUnaryCall;
  Get(argument: _penncloud_kvs_GetRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_penncloud_kvs_GetReply__Output>): grpc.ClientUnaryCall;
  Get(argument: _penncloud_kvs_GetRequest, callback: grpc.requestCallback<_penncloud_kvs_GetReply__Output>): grpc.ClientUnaryCall;
  get(argument: _penncloud_kvs_GetRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_penncloud_kvs_GetReply__Output>): grpc.ClientUnaryCall;
  get(argument: _penncloud_kvs_GetRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_penncloud_kvs_GetReply__Output>): grpc.ClientUnaryCall;
  get(argument: _penncloud_kvs_GetRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_penncloud_kvs_GetReply__Output>): grpc.ClientUnaryCall;
  get(argument: _penncloud_kvs_GetRequest, callback: grpc.requestCallback<_penncloud_kvs_GetReply__Output>): grpc.ClientUnaryCall;

  ListColumns(argument: _penncloud_kvs_ListColumnsRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_penncloud_kvs_ListColumnsReply__Output>): grpc.ClientUnaryCall;
  ListColumns(argument: _penncloud_kvs_ListColumnsRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_penncloud_kvs_ListColumnsReply__Output>): grpc.ClientUnaryCall;
  ListColumns(argument: _penncloud_kvs_ListColumnsRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_penncloud_kvs_ListColumnsReply__Output>): grpc.ClientUnaryCall;
  ListColumns(argument: _penncloud_kvs_ListColumnsRequest, callback: grpc.requestCallback<_penncloud_kvs_ListColumnsReply__Output>): grpc.ClientUnaryCall;
  listColumns(argument: _penncloud_kvs_ListColumnsRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_penncloud_kvs_ListColumnsReply__Output>): grpc.ClientUnaryCall;
  listColumns(argument: _penncloud_kvs_ListColumnsRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_penncloud_kvs_ListColumnsReply__Output>): grpc.ClientUnaryCall;
  listColumns(argument: _penncloud_kvs_ListColumnsRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_penncloud_kvs_ListColumnsReply__Output>): grpc.ClientUnaryCall;
  listColumns(argument: _penncloud_kvs_ListColumnsRequest, callback: grpc.requestCallback<_penncloud_kvs_ListColumnsReply__Output>): grpc.ClientUnaryCall;

  Put(argument: _penncloud_kvs_PutRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_penncloud_kvs_PutReply__Output>): grpc.ClientUnaryCall;
  Put(argument: _penncloud_kvs_PutRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_penncloud_kvs_PutReply__Output>): grpc.ClientUnaryCall;
  Put(argument: _penncloud_kvs_PutRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_penncloud_kvs_PutReply__Output>): grpc.ClientUnaryCall;
  Put(argument: _penncloud_kvs_PutRequest, callback: grpc.requestCallback<_penncloud_kvs_PutReply__Output>): grpc.ClientUnaryCall;
  put(argument: _penncloud_kvs_PutRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_penncloud_kvs_PutReply__Output>): grpc.ClientUnaryCall;
  put(argument: _penncloud_kvs_PutRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_penncloud_kvs_PutReply__Output>): grpc.ClientUnaryCall;
  put(argument: _penncloud_kvs_PutRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_penncloud_kvs_PutReply__Output>): grpc.ClientUnaryCall;
  put(argument: _penncloud_kvs_PutRequest, callback: grpc.requestCallback<_penncloud_kvs_PutReply__Output>): grpc.ClientUnaryCall;

  ScanRows(argument: _penncloud_kvs_ScanRowsRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_penncloud_kvs_ScanRowsReply__Output>): grpc.ClientUnaryCall;
  ScanRows(argument: _penncloud_kvs_ScanRowsRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_penncloud_kvs_ScanRowsReply__Output>): grpc.ClientUnaryCall;
  ScanRows(argument: _penncloud_kvs_ScanRowsRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_penncloud_kvs_ScanRowsReply__Output>): grpc.ClientUnaryCall;
  ScanRows(argument: _penncloud_kvs_ScanRowsRequest, callback: grpc.requestCallback<_penncloud_kvs_ScanRowsReply__Output>): grpc.ClientUnaryCall;
  scanRows(argument: _penncloud_kvs_ScanRowsRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_penncloud_kvs_ScanRowsReply__Output>): grpc.ClientUnaryCall;
  scanRows(argument: _penncloud_kvs_ScanRowsRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_penncloud_kvs_ScanRowsReply__Output>): grpc.ClientUnaryCall;
  scanRows(argument: _penncloud_kvs_ScanRowsRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_penncloud_kvs_ScanRowsReply__Output>): grpc.ClientUnaryCall;
  scanRows(argument: _penncloud_kvs_ScanRowsRequest, callback: grpc.requestCallback<_penncloud_kvs_ScanRowsReply__Output>): grpc.ClientUnaryCall;

}

export interface KeyValueHandlers extends grpc.UntypedServiceImplementation {
  /**
   * Many operations in one call: each is served exactly as its own RPC would be (roles, checks,
   * the log, commit, linearizable reads), all at once so the writes share group commits, and each
   * is answered with its own status. The request may hold at most kvs.batchOpsMax operations and
   * kvs.batchBytesMax bytes of rows, columns, values and expected values; a larger one is refused
   * whole with INVALID_ARGUMENT and nothing in it runs. Operations run in the order given, but a
   * caller must treat them as concurrent: it sends only operations that could be in flight at once.
   */
  Batch: grpc.handleUnaryCall<_penncloud_kvs_BatchRequest__Output, _penncloud_kvs_BatchReply>;

  /**
   * The same as Batch, as messages on one long-lived stream per client and node: a request's id
   * comes back on its reply; requests are served at once, side by side, and answered as each
   * finishes. A request the node refuses whole is answered with that status on every operation.
   * The stream ends with UNAVAILABLE when the node shuts down. Saves a call's set-up per batch.
   */
  BatchStream: grpc.handleBidiStreamingCall<_penncloud_kvs_BatchRequest__Output, _penncloud_kvs_BatchReply>;

  CPut: grpc.handleUnaryCall<_penncloud_kvs_CPutRequest__Output, _penncloud_kvs_CPutReply>;

  Delete: grpc.handleUnaryCall<_penncloud_kvs_DeleteRequest__Output, _penncloud_kvs_DeleteReply>;

  Get: grpc.handleUnaryCall<_penncloud_kvs_GetRequest__Output, _penncloud_kvs_GetReply>;

  ListColumns: grpc.handleUnaryCall<_penncloud_kvs_ListColumnsRequest__Output, _penncloud_kvs_ListColumnsReply>;

  Put: grpc.handleUnaryCall<_penncloud_kvs_PutRequest__Output, _penncloud_kvs_PutReply>;

  ScanRows: grpc.handleUnaryCall<_penncloud_kvs_ScanRowsRequest__Output, _penncloud_kvs_ScanRowsReply>;

}

export interface KeyValueDefinition extends grpc.ServiceDefinition {
  Batch: MethodDefinition<_penncloud_kvs_BatchRequest, _penncloud_kvs_BatchReply, _penncloud_kvs_BatchRequest__Output, _penncloud_kvs_BatchReply__Output>
  BatchStream: MethodDefinition<_penncloud_kvs_BatchRequest, _penncloud_kvs_BatchReply, _penncloud_kvs_BatchRequest__Output, _penncloud_kvs_BatchReply__Output>
  CPut: MethodDefinition<_penncloud_kvs_CPutRequest, _penncloud_kvs_CPutReply, _penncloud_kvs_CPutRequest__Output, _penncloud_kvs_CPutReply__Output>
  Delete: MethodDefinition<_penncloud_kvs_DeleteRequest, _penncloud_kvs_DeleteReply, _penncloud_kvs_DeleteRequest__Output, _penncloud_kvs_DeleteReply__Output>
  Get: MethodDefinition<_penncloud_kvs_GetRequest, _penncloud_kvs_GetReply, _penncloud_kvs_GetRequest__Output, _penncloud_kvs_GetReply__Output>
  ListColumns: MethodDefinition<_penncloud_kvs_ListColumnsRequest, _penncloud_kvs_ListColumnsReply, _penncloud_kvs_ListColumnsRequest__Output, _penncloud_kvs_ListColumnsReply__Output>
  Put: MethodDefinition<_penncloud_kvs_PutRequest, _penncloud_kvs_PutReply, _penncloud_kvs_PutRequest__Output, _penncloud_kvs_PutReply__Output>
  ScanRows: MethodDefinition<_penncloud_kvs_ScanRowsRequest, _penncloud_kvs_ScanRowsReply, _penncloud_kvs_ScanRowsRequest__Output, _penncloud_kvs_ScanRowsReply__Output>
}
