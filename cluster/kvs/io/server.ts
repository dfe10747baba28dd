// The node's gRPC face: the public KeyValue service, the NodeAdmin calls, and the Replica
// service for the coordinator and the group's primary — each through the shared adapter so
// every call answers exactly once with a known status.
import * as grpc from '@grpc/grpc-js';
import { toServiceError, loadProto, serviceClient, unary } from '../../common/grpc.ts';
import type { Logger } from '../../common/log.ts';
import type { KvsNode } from './node.ts';
import { fromWireConfig, fromWireEntry, toWirePosition, type WireConfig, type WireEntry } from './peer-transport.ts';

const proto = loadProto('kvs.proto');
export const KeyValueClient = serviceClient(proto, 'penncloud.kvs.KeyValue');
export const NodeAdminClient = serviceClient(proto, 'penncloud.kvs.NodeAdmin');
const replicaProto = loadProto('replica.proto');
const ReplicaService = serviceClient(replicaProto, 'penncloud.replica.Replica');

/** Set by a node that passes a call on to its primary (see NodeClient). */
export const forwardedHeader = 'x-penncloud-forwarded';

interface Req {
  row?: string;
  column?: string;
  value?: Buffer;
  expected?: Buffer;
  expect_absent?: boolean;
  after_row?: string;
  limit?: number;
}

type Call = grpc.ServerUnaryCall<unknown, unknown>;
const isForwarded = (call: Call) => call.metadata.get(forwardedHeader).length > 0;

export function addNodeServices(server: grpc.Server, node: KvsNode, log: Logger): void {
  server.addService(KeyValueClient.service, {
    Get: unary(log, 'Get', async (r: Req, call) => {
      const value = await node.get(r.row, r.column, isForwarded(call));
      return { found: value !== undefined, value: value ?? Buffer.alloc(0) };
    }),
    Put: unary(log, 'Put', async (r: Req, call) => {
      await node.put(r.row, r.column, r.value, isForwarded(call));
      return {};
    }),
    CPut: unary(log, 'CPut', async (r: Req, call) => ({
      applied: await node.cput(r.row, r.column, r.expected, r.value, r.expect_absent === true, isForwarded(call)),
    })),
    Delete: unary(log, 'Delete', async (r: Req, call) => ({ existed: await node.delete(r.row, r.column, isForwarded(call)) })),
    ListColumns: unary(log, 'ListColumns', async (r: Req, call) => ({ columns: await node.listColumns(r.row, isForwarded(call)) })),
    ScanRows: unary(log, 'ScanRows', async (r: Req) => {
      const page = await node.scanRows(r.after_row ?? '', r.limit);
      return { rows: page.rows, next_after_row: page.nextAfterRow };
    }),
  });
  server.addService(NodeAdminClient.service, {
    Halt: unary(log, 'Halt', async () => {
      await node.halt();
      return {};
    }),
    Revive: unary(log, 'Revive', async () => {
      await node.revive();
      return {};
    }),
    Status: unary(log, 'Status', () => {
      const s = node.status();
      return {
        node_id: s.nodeId,
        group: s.group,
        state: s.state,
        role: s.role,
        epoch: s.epoch,
        log_position: s.logPosition,
        checkpoint_version: s.checkpointVersion,
        key_count: s.keyCount,
        memory_bytes: s.memoryBytes,
        rss_bytes: s.rssBytes,
        log_fsyncs: s.logFsyncs,
        log_entries_synced: s.logEntriesSynced,
      };
    }),
  });
  addReplicaService(server, node, log);
}

interface ReplicaReq {
  config?: WireConfig;
  has_config?: boolean;
  after_lsn?: number;
  prev_lsn?: number;
  entries?: WireEntry[];
  version?: number;
  epoch?: number;
}

function configOf(r: ReplicaReq) {
  if (!r.config) throw new Error('request without config');
  return fromWireConfig(r.config);
}

function addReplicaService(server: grpc.Server, node: KvsNode, log: Logger): void {
  server.addService(ReplicaService.service, {
    Heartbeat: unary(log, 'Heartbeat', (r: ReplicaReq) => {
      const s = node.heartbeat(r.has_config && r.config ? fromWireConfig(r.config) : null);
      return {
        state: s.state,
        epoch: s.epoch,
        last_lsn: s.logPosition,
        last_epoch: s.lastEpoch,
        checkpoint_version: s.checkpointVersion,
        key_count: s.keyCount,
        memory_bytes: s.memoryBytes,
        role: s.role,
        incarnation: s.incarnation,
      };
    }),
    Probe: unary(log, 'Probe', async (r: ReplicaReq) => toWirePosition(await node.replica().onProbe(configOf(r)))),
    Truncate: unary(log, 'Truncate', async (r: ReplicaReq) =>
      toWirePosition(await node.replica().onTruncate(configOf(r), Number(r.after_lsn))),
    ),
    Append: unary(log, 'Append', async (r: ReplicaReq) => {
      const reply = await node.replica().onAppend(configOf(r), Number(r.prev_lsn), (r.entries ?? []).map(fromWireEntry));
      return { durable_lsn: reply.durableLsn };
    }),
    InstallSnapshot: unary(log, 'InstallSnapshot', async (r: ReplicaReq) =>
      toWirePosition(await node.replica().onInstallSnapshot(configOf(r))),
    ),
    Checkpoint: unary(log, 'Checkpoint', async (r: ReplicaReq) => {
      await node.replica().onCheckpoint(configOf(r), Number(r.version));
      return {};
    }),
    ReadSnapshot: (call: grpc.ServerWritableStream<ReplicaReq, unknown>) => {
      void (async () => {
        try {
          for await (const chunk of node.replica().readSnapshot(Number(call.request.epoch))) {
            if (call.cancelled) return;
            if (!call.write(chunk)) await new Promise((resolve) => call.once('drain', resolve));
          }
          call.end();
        } catch (err) {
          call.destroy(toServiceError(log, 'ReadSnapshot', err));
        }
      })();
    },
  });
}
