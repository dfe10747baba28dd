// proto/kvs.proto, loaded once: the public KeyValue service and the NodeAdmin calls, their
// message types (generated into cluster/common/proto-types/ by `npm run gen:proto`: `__Output`
// for what arrives, the plain form for what is sent), and the conversion of a node's status.
// The server (server.ts) and the typed client (../client.ts) both take their services from here.
import { loadProto, serviceClient } from '../../common/grpc.ts';
import type { NodeStatus } from '../../common/proto-types/penncloud/kvs/NodeStatus.ts';
import type { NodeStatusFigures } from '../core/types.ts';

export type { BatchOperation, BatchOperation__Output } from '../../common/proto-types/penncloud/kvs/BatchOperation.ts';
export type { BatchReply, BatchReply__Output } from '../../common/proto-types/penncloud/kvs/BatchReply.ts';
export type { BatchRequest, BatchRequest__Output } from '../../common/proto-types/penncloud/kvs/BatchRequest.ts';
export type { BatchResult, BatchResult__Output } from '../../common/proto-types/penncloud/kvs/BatchResult.ts';
export type { CPutAllReply } from '../../common/proto-types/penncloud/kvs/CPutAllReply.ts';
export type { CPutAllRequest, CPutAllRequest__Output } from '../../common/proto-types/penncloud/kvs/CPutAllRequest.ts';
export type { CPutReply, CPutReply__Output } from '../../common/proto-types/penncloud/kvs/CPutReply.ts';
export type { CPutRequest, CPutRequest__Output } from '../../common/proto-types/penncloud/kvs/CPutRequest.ts';
export type { DeleteReply, DeleteReply__Output } from '../../common/proto-types/penncloud/kvs/DeleteReply.ts';
export type { DeleteRequest__Output } from '../../common/proto-types/penncloud/kvs/DeleteRequest.ts';
export type { GetReply, GetReply__Output } from '../../common/proto-types/penncloud/kvs/GetReply.ts';
export type { GetRequest__Output } from '../../common/proto-types/penncloud/kvs/GetRequest.ts';
export type { ListColumnsReply, ListColumnsReply__Output } from '../../common/proto-types/penncloud/kvs/ListColumnsReply.ts';
export type { ListColumnsRequest, ListColumnsRequest__Output } from '../../common/proto-types/penncloud/kvs/ListColumnsRequest.ts';
export type { NodeStatus, NodeStatus__Output } from '../../common/proto-types/penncloud/kvs/NodeStatus.ts';
export type { PutReply } from '../../common/proto-types/penncloud/kvs/PutReply.ts';
export type { PutRequest__Output } from '../../common/proto-types/penncloud/kvs/PutRequest.ts';
export type { ScanRowsReply, ScanRowsReply__Output } from '../../common/proto-types/penncloud/kvs/ScanRowsReply.ts';
export type { ScanRowsRequest__Output } from '../../common/proto-types/penncloud/kvs/ScanRowsRequest.ts';

const proto = loadProto('kvs.proto');
export const KeyValueClient = serviceClient(proto, 'penncloud.kvs.KeyValue');
export const NodeAdminClient = serviceClient(proto, 'penncloud.kvs.NodeAdmin');

/** Set by a node that passes a call on to its primary (see NodeClient). */
export const forwardedHeader = 'x-penncloud-forwarded';

export const statusToWire = (s: NodeStatusFigures): NodeStatus => ({
  node_id: s.nodeId,
  group: s.group,
  state: s.state,
  role: s.role,
  epoch: s.epoch,
  log_position: s.lastLsn,
  checkpoint_version: s.checkpointVersion,
  key_count: s.keyCount,
  memory_bytes: s.memoryBytes,
  rss_bytes: s.rssBytes,
  log_fsyncs: s.logFsyncs,
  log_entries_synced: s.logEntriesSynced,
});
