// Generated from proto/ by `npm run gen:proto` (scripts/gen-proto.ts). Do not edit.
import type * as grpc from '@grpc/grpc-js';
import type { MessageTypeDefinition } from '@grpc/proto-loader';

import type { BatchOperation as _penncloud_kvs_BatchOperation, BatchOperation__Output as _penncloud_kvs_BatchOperation__Output } from './penncloud/kvs/BatchOperation.ts';
import type { BatchReply as _penncloud_kvs_BatchReply, BatchReply__Output as _penncloud_kvs_BatchReply__Output } from './penncloud/kvs/BatchReply.ts';
import type { BatchRequest as _penncloud_kvs_BatchRequest, BatchRequest__Output as _penncloud_kvs_BatchRequest__Output } from './penncloud/kvs/BatchRequest.ts';
import type { BatchResult as _penncloud_kvs_BatchResult, BatchResult__Output as _penncloud_kvs_BatchResult__Output } from './penncloud/kvs/BatchResult.ts';
import type { CPutAllReply as _penncloud_kvs_CPutAllReply, CPutAllReply__Output as _penncloud_kvs_CPutAllReply__Output } from './penncloud/kvs/CPutAllReply.ts';
import type { CPutAllRequest as _penncloud_kvs_CPutAllRequest, CPutAllRequest__Output as _penncloud_kvs_CPutAllRequest__Output } from './penncloud/kvs/CPutAllRequest.ts';
import type { CPutReply as _penncloud_kvs_CPutReply, CPutReply__Output as _penncloud_kvs_CPutReply__Output } from './penncloud/kvs/CPutReply.ts';
import type { CPutRequest as _penncloud_kvs_CPutRequest, CPutRequest__Output as _penncloud_kvs_CPutRequest__Output } from './penncloud/kvs/CPutRequest.ts';
import type { Column as _penncloud_kvs_Column, Column__Output as _penncloud_kvs_Column__Output } from './penncloud/kvs/Column.ts';
import type { DeleteReply as _penncloud_kvs_DeleteReply, DeleteReply__Output as _penncloud_kvs_DeleteReply__Output } from './penncloud/kvs/DeleteReply.ts';
import type { DeleteRequest as _penncloud_kvs_DeleteRequest, DeleteRequest__Output as _penncloud_kvs_DeleteRequest__Output } from './penncloud/kvs/DeleteRequest.ts';
import type { GetReply as _penncloud_kvs_GetReply, GetReply__Output as _penncloud_kvs_GetReply__Output } from './penncloud/kvs/GetReply.ts';
import type { GetRequest as _penncloud_kvs_GetRequest, GetRequest__Output as _penncloud_kvs_GetRequest__Output } from './penncloud/kvs/GetRequest.ts';
import type { HaltReply as _penncloud_kvs_HaltReply, HaltReply__Output as _penncloud_kvs_HaltReply__Output } from './penncloud/kvs/HaltReply.ts';
import type { HaltRequest as _penncloud_kvs_HaltRequest, HaltRequest__Output as _penncloud_kvs_HaltRequest__Output } from './penncloud/kvs/HaltRequest.ts';
import type { KeyValueClient as _penncloud_kvs_KeyValueClient, KeyValueDefinition as _penncloud_kvs_KeyValueDefinition } from './penncloud/kvs/KeyValue.ts';
import type { ListColumnsReply as _penncloud_kvs_ListColumnsReply, ListColumnsReply__Output as _penncloud_kvs_ListColumnsReply__Output } from './penncloud/kvs/ListColumnsReply.ts';
import type { ListColumnsRequest as _penncloud_kvs_ListColumnsRequest, ListColumnsRequest__Output as _penncloud_kvs_ListColumnsRequest__Output } from './penncloud/kvs/ListColumnsRequest.ts';
import type { NodeAdminClient as _penncloud_kvs_NodeAdminClient, NodeAdminDefinition as _penncloud_kvs_NodeAdminDefinition } from './penncloud/kvs/NodeAdmin.ts';
import type { NodeStatus as _penncloud_kvs_NodeStatus, NodeStatus__Output as _penncloud_kvs_NodeStatus__Output } from './penncloud/kvs/NodeStatus.ts';
import type { PutReply as _penncloud_kvs_PutReply, PutReply__Output as _penncloud_kvs_PutReply__Output } from './penncloud/kvs/PutReply.ts';
import type { PutRequest as _penncloud_kvs_PutRequest, PutRequest__Output as _penncloud_kvs_PutRequest__Output } from './penncloud/kvs/PutRequest.ts';
import type { ReviveReply as _penncloud_kvs_ReviveReply, ReviveReply__Output as _penncloud_kvs_ReviveReply__Output } from './penncloud/kvs/ReviveReply.ts';
import type { ReviveRequest as _penncloud_kvs_ReviveRequest, ReviveRequest__Output as _penncloud_kvs_ReviveRequest__Output } from './penncloud/kvs/ReviveRequest.ts';
import type { RowSummary as _penncloud_kvs_RowSummary, RowSummary__Output as _penncloud_kvs_RowSummary__Output } from './penncloud/kvs/RowSummary.ts';
import type { ScanRowsReply as _penncloud_kvs_ScanRowsReply, ScanRowsReply__Output as _penncloud_kvs_ScanRowsReply__Output } from './penncloud/kvs/ScanRowsReply.ts';
import type { ScanRowsRequest as _penncloud_kvs_ScanRowsRequest, ScanRowsRequest__Output as _penncloud_kvs_ScanRowsRequest__Output } from './penncloud/kvs/ScanRowsRequest.ts';
import type { StatusRequest as _penncloud_kvs_StatusRequest, StatusRequest__Output as _penncloud_kvs_StatusRequest__Output } from './penncloud/kvs/StatusRequest.ts';

type SubtypeConstructor<Constructor extends new (...args: any) => any, Subtype> = {
  new(...args: ConstructorParameters<Constructor>): Subtype;
};

export interface ProtoGrpcType {
  penncloud: {
    kvs: {
      BatchOperation: MessageTypeDefinition<_penncloud_kvs_BatchOperation, _penncloud_kvs_BatchOperation__Output>
      BatchReply: MessageTypeDefinition<_penncloud_kvs_BatchReply, _penncloud_kvs_BatchReply__Output>
      BatchRequest: MessageTypeDefinition<_penncloud_kvs_BatchRequest, _penncloud_kvs_BatchRequest__Output>
      BatchResult: MessageTypeDefinition<_penncloud_kvs_BatchResult, _penncloud_kvs_BatchResult__Output>
      CPutAllReply: MessageTypeDefinition<_penncloud_kvs_CPutAllReply, _penncloud_kvs_CPutAllReply__Output>
      CPutAllRequest: MessageTypeDefinition<_penncloud_kvs_CPutAllRequest, _penncloud_kvs_CPutAllRequest__Output>
      CPutReply: MessageTypeDefinition<_penncloud_kvs_CPutReply, _penncloud_kvs_CPutReply__Output>
      CPutRequest: MessageTypeDefinition<_penncloud_kvs_CPutRequest, _penncloud_kvs_CPutRequest__Output>
      Column: MessageTypeDefinition<_penncloud_kvs_Column, _penncloud_kvs_Column__Output>
      DeleteReply: MessageTypeDefinition<_penncloud_kvs_DeleteReply, _penncloud_kvs_DeleteReply__Output>
      DeleteRequest: MessageTypeDefinition<_penncloud_kvs_DeleteRequest, _penncloud_kvs_DeleteRequest__Output>
      GetReply: MessageTypeDefinition<_penncloud_kvs_GetReply, _penncloud_kvs_GetReply__Output>
      GetRequest: MessageTypeDefinition<_penncloud_kvs_GetRequest, _penncloud_kvs_GetRequest__Output>
      HaltReply: MessageTypeDefinition<_penncloud_kvs_HaltReply, _penncloud_kvs_HaltReply__Output>
      HaltRequest: MessageTypeDefinition<_penncloud_kvs_HaltRequest, _penncloud_kvs_HaltRequest__Output>
      KeyValue: SubtypeConstructor<typeof grpc.Client, _penncloud_kvs_KeyValueClient> & { service: _penncloud_kvs_KeyValueDefinition }
      ListColumnsReply: MessageTypeDefinition<_penncloud_kvs_ListColumnsReply, _penncloud_kvs_ListColumnsReply__Output>
      ListColumnsRequest: MessageTypeDefinition<_penncloud_kvs_ListColumnsRequest, _penncloud_kvs_ListColumnsRequest__Output>
      /**
       * Operator calls on one node (the admin console and the tests).
       */
      NodeAdmin: SubtypeConstructor<typeof grpc.Client, _penncloud_kvs_NodeAdminClient> & { service: _penncloud_kvs_NodeAdminDefinition }
      NodeStatus: MessageTypeDefinition<_penncloud_kvs_NodeStatus, _penncloud_kvs_NodeStatus__Output>
      PutReply: MessageTypeDefinition<_penncloud_kvs_PutReply, _penncloud_kvs_PutReply__Output>
      PutRequest: MessageTypeDefinition<_penncloud_kvs_PutRequest, _penncloud_kvs_PutRequest__Output>
      ReviveReply: MessageTypeDefinition<_penncloud_kvs_ReviveReply, _penncloud_kvs_ReviveReply__Output>
      ReviveRequest: MessageTypeDefinition<_penncloud_kvs_ReviveRequest, _penncloud_kvs_ReviveRequest__Output>
      RowSummary: MessageTypeDefinition<_penncloud_kvs_RowSummary, _penncloud_kvs_RowSummary__Output>
      ScanRowsReply: MessageTypeDefinition<_penncloud_kvs_ScanRowsReply, _penncloud_kvs_ScanRowsReply__Output>
      ScanRowsRequest: MessageTypeDefinition<_penncloud_kvs_ScanRowsRequest, _penncloud_kvs_ScanRowsRequest__Output>
      StatusRequest: MessageTypeDefinition<_penncloud_kvs_StatusRequest, _penncloud_kvs_StatusRequest__Output>
    }
  }
}
