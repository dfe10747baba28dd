// The node's gRPC face: the public KeyValue service, the NodeAdmin calls, and the Replica
// service for the coordinator and the group's primary — each through the shared adapter so
// every call answers exactly once with a known status.
import * as grpc from '@grpc/grpc-js';
import { groupNodes, type Config } from '../../common/config.ts';
import { toServiceError, unary } from '../../common/grpc.ts';
import type { Logger } from '../../common/log.ts';
import { roles } from '../../common/tls/cert-subject.ts';
import { addGuardedService, callerOf, requireCaller, type AccessPolicy } from '../../common/tls/credentials.ts';
import { configFromWire, type GroupConfig__Output } from '../../coordinator/client.ts';
import type { GroupConfig } from '../replication/ports.ts';
import { serveBatch, serveCPut, serveDelete, serveGet, servePut } from './key-value-calls.ts';
import { OpenStreams, serveBatchStream, serveInOrder } from './stream-calls.ts';
import type { KvsNode } from './node.ts';
import {
  ReplicaService,
  entryFromWire,
  figuresToWire,
  positionToWire,
  type AppendReply,
  type AppendRequest__Output,
  type CheckpointRequest__Output,
  type HeartbeatReply,
  type HeartbeatRequest__Output,
  type InstallSnapshotRequest__Output,
  type ProbeRequest__Output,
  type ReadSnapshotRequest__Output,
  type TruncateRequest__Output,
  type WireSnapshotChunk,
} from './replica-wire.ts';
import {
  KeyValueClient,
  NodeAdminClient,
  forwardedHeader,
  statusToWire,
  type BatchReply,
  type BatchRequest__Output,
  type CPutRequest__Output,
  type DeleteRequest__Output,
  type GetRequest__Output,
  type ListColumnsReply,
  type ListColumnsRequest__Output,
  type PutRequest__Output,
  type ScanRowsReply,
  type ScanRowsRequest__Output,
} from './wire.ts';

// Any call, a stream's included: its metadata came with its start.
type Call = { metadata: grpc.Metadata };
const isForwarded = (call: Call) => call.metadata.get(forwardedHeader).length > 0;

// Who may call what (docs/DEPLOY.md, "Roles"): the store's data for the services built on it,
// and for a backup passing a call on to its primary (ListColumns can carry values, so it keeps
// exactly Get's roles); raw scans, Halt and Revive for
// administrators only; replication for the group's nodes and the coordinators.
const data = ['frontend', 'mail', 'admin', 'node'] as const;
// A Batch is let in for any role: each of its operations is then held to its own call's roles
// and, refused, answers exactly what that call would have (key-value-calls.ts).
const keyValuePolicy: AccessPolicy = { Get: data, Put: data, CPut: data, Delete: data, ListColumns: data, ScanRows: ['admin'], Batch: roles, BatchStream: roles };
const adminPolicy: AccessPolicy = { Halt: ['admin'], Revive: ['admin'], Status: ['admin', 'coordinator', 'node', 'frontend', 'mail'] };
const replicaPolicy: AccessPolicy = Object.fromEntries(
  ['Heartbeat', 'HeartbeatStream', 'Probe', 'Truncate', 'Append', 'AppendStream', 'InstallSnapshot', 'Checkpoint', 'ReadSnapshot'].map((m) => [m, m.startsWith('Heartbeat') ? ['coordinator'] : ['node']]),
);

/** Adds the node's services; answers its open streams, for the shutdown to end them. */
export function addNodeServices(server: grpc.Server, config: Readonly<Config>, node: KvsNode, log: Logger): OpenStreams {
  const streams = new OpenStreams();
  addGuardedService(server, config, KeyValueClient.service, keyValuePolicy, {
    Get: unary(log, 'Get', (r: GetRequest__Output, call) => serveGet(node, r, isForwarded(call))),
    Put: unary(log, 'Put', (r: PutRequest__Output, call) => servePut(node, r, isForwarded(call))),
    CPut: unary(log, 'CPut', (r: CPutRequest__Output, call) => serveCPut(node, r, isForwarded(call))),
    Delete: unary(log, 'Delete', (r: DeleteRequest__Output, call) => serveDelete(node, r, isForwarded(call))),
    Batch: unary(log, 'Batch', (r: BatchRequest__Output, call) => serveBatch({ node, config, log, policy: keyValuePolicy }, r, call, isForwarded(call))),
    BatchStream: (call: grpc.ServerDuplexStream<BatchRequest__Output, BatchReply>) =>
      serveBatchStream({ node, config, log, policy: keyValuePolicy }, call, isForwarded(call), streams),
    ListColumns: unary(log, 'ListColumns', async (r: ListColumnsRequest__Output, call): Promise<ListColumnsReply> => {
      const request = { after: r.after, prefix: r.prefix, limit: r.limit, withValues: r.with_values, bytesMax: r.bytes_max };
      const page = await node.listColumnsPage(r.row, request, isForwarded(call));
      return { columns: page.columns, more: page.more };
    }),
    ScanRows: unary(log, 'ScanRows', async (r: ScanRowsRequest__Output): Promise<ScanRowsReply> => {
      const page = await node.scanRows(r.after_row, r.limit);
      return { rows: page.rows, next_after_row: page.nextAfterRow };
    }),
  });
  addGuardedService(server, config, NodeAdminClient.service, adminPolicy, {
    Halt: unary(log, 'Halt', async () => {
      await node.halt();
      return {};
    }),
    Revive: unary(log, 'Revive', async () => {
      await node.revive();
      return {};
    }),
    Status: unary(log, 'Status', () => statusToWire(node.status())),
  });
  addReplicaService(server, config, node, log, streams);
  return streams;
}

/** The config every message from a primary carries; one without it is malformed. */
function configOf(r: { config: GroupConfig__Output | null }): GroupConfig {
  if (!r.config) throw new Error('request without config');
  return configFromWire(r.config);
}

/**
 * A replication message's config, sent by the primary it names (its certificate says so), and
 * that config the true one (KvsNode.checkPeerConfig).
 */
async function fromPrimary(node: KvsNode, r: Parameters<typeof configOf>[0], call: Parameters<typeof requireCaller>[0], what: string) {
  const config = configOf(r);
  requireCaller(call, [config.primary], `${what} as the primary of group ${config.group} (the message names ${config.primary || 'none'})`);
  if (callerOf(call)) await node.checkPeerConfig(config);
  return config;
}

function addReplicaService(server: grpc.Server, config: Readonly<Config>, node: KvsNode, log: Logger, streams: OpenStreams): void {
  const heartbeat = (r: HeartbeatRequest__Output) => figuresToWire(node.heartbeat(r.has_config && r.config ? configFromWire(r.config) : null));
  addGuardedService(server, config, ReplicaService.service, replicaPolicy, {
    Heartbeat: unary(log, 'Heartbeat', async (r: HeartbeatRequest__Output) => heartbeat(r)),
    HeartbeatStream: (call: grpc.ServerDuplexStream<HeartbeatRequest__Output, HeartbeatReply>) => serveInOrder(log, 'HeartbeatStream', call, streams, async (r) => heartbeat(r)),
    Probe: unary(log, 'Probe', async (r: ProbeRequest__Output, call) => positionToWire(await node.replica().onProbe(await fromPrimary(node, r, call, 'probe')))),
    Truncate: unary(log, 'Truncate', async (r: TruncateRequest__Output, call) =>
      positionToWire(await node.replica().onTruncate(await fromPrimary(node, r, call, 'truncate'), Number(r.after_lsn))),
    ),
    Append: unary(log, 'Append', (r: AppendRequest__Output, call) => serveAppend(node, r, call)),
    AppendStream: (call: grpc.ServerDuplexStream<AppendRequest__Output, AppendReply>) => serveInOrder(log, 'AppendStream', call, streams, (r) => serveAppend(node, r, call)),
    InstallSnapshot: unary(log, 'InstallSnapshot', async (r: InstallSnapshotRequest__Output, call) =>
      positionToWire(await node.replica().onInstallSnapshot(await fromPrimary(node, r, call, 'install a snapshot'))),
    ),
    Checkpoint: unary(log, 'Checkpoint', async (r: CheckpointRequest__Output, call) => {
      await node.replica().onCheckpoint(await fromPrimary(node, r, call, 'checkpoint'), Number(r.version));
      return {};
    }),
    ReadSnapshot: (call: grpc.ServerWritableStream<ReadSnapshotRequest__Output, WireSnapshotChunk>) => {
      void (async () => {
        try {
          // A backup of this group pulls its primary's checkpoint; no other node may read it.
          requireCaller(call, groupNodes(config, node.ref.group).map((n) => n.id), `read group ${node.ref.group}'s checkpoint`);
          for await (const chunk of node.replica().readSnapshot(Number(call.request.epoch))) {
            if (call.cancelled) return;
            if (!call.write(chunk)) await new Promise((resolve) => call.once('drain', resolve));
          }
          call.end();
        } catch (err) {
          // emit, not destroy: a destroyed stream never sends its status, and the caller would
          // wait out its whole deadline instead of hearing why.
          call.emit('error', toServiceError(log, 'ReadSnapshot', err));
        }
      })();
    },
  });
}

async function serveAppend(node: KvsNode, r: AppendRequest__Output, call: Parameters<typeof requireCaller>[0]): Promise<AppendReply> {
  const reply = await node.replica().onAppend(await fromPrimary(node, r, call, 'append'), Number(r.prev_lsn), r.entries.map(entryFromWire));
  return { durable_lsn: reply.durableLsn };
}
