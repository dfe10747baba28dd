// Generated from proto/ by `npm run gen:proto` (scripts/gen-proto.ts). Do not edit.
// Original file: proto/replica.proto

import type * as grpc from '@grpc/grpc-js'
import type { MethodDefinition } from '@grpc/proto-loader'
import type { AppendReply as _penncloud_replica_AppendReply, AppendReply__Output as _penncloud_replica_AppendReply__Output } from '../../penncloud/replica/AppendReply.ts';
import type { AppendRequest as _penncloud_replica_AppendRequest, AppendRequest__Output as _penncloud_replica_AppendRequest__Output } from '../../penncloud/replica/AppendRequest.ts';
import type { CheckpointReply as _penncloud_replica_CheckpointReply, CheckpointReply__Output as _penncloud_replica_CheckpointReply__Output } from '../../penncloud/replica/CheckpointReply.ts';
import type { CheckpointRequest as _penncloud_replica_CheckpointRequest, CheckpointRequest__Output as _penncloud_replica_CheckpointRequest__Output } from '../../penncloud/replica/CheckpointRequest.ts';
import type { HeartbeatReply as _penncloud_replica_HeartbeatReply, HeartbeatReply__Output as _penncloud_replica_HeartbeatReply__Output } from '../../penncloud/replica/HeartbeatReply.ts';
import type { HeartbeatRequest as _penncloud_replica_HeartbeatRequest, HeartbeatRequest__Output as _penncloud_replica_HeartbeatRequest__Output } from '../../penncloud/replica/HeartbeatRequest.ts';
import type { InstallSnapshotRequest as _penncloud_replica_InstallSnapshotRequest, InstallSnapshotRequest__Output as _penncloud_replica_InstallSnapshotRequest__Output } from '../../penncloud/replica/InstallSnapshotRequest.ts';
import type { ProbeReply as _penncloud_replica_ProbeReply, ProbeReply__Output as _penncloud_replica_ProbeReply__Output } from '../../penncloud/replica/ProbeReply.ts';
import type { ProbeRequest as _penncloud_replica_ProbeRequest, ProbeRequest__Output as _penncloud_replica_ProbeRequest__Output } from '../../penncloud/replica/ProbeRequest.ts';
import type { ReadSnapshotRequest as _penncloud_replica_ReadSnapshotRequest, ReadSnapshotRequest__Output as _penncloud_replica_ReadSnapshotRequest__Output } from '../../penncloud/replica/ReadSnapshotRequest.ts';
import type { SnapshotChunk as _penncloud_replica_SnapshotChunk, SnapshotChunk__Output as _penncloud_replica_SnapshotChunk__Output } from '../../penncloud/replica/SnapshotChunk.ts';
import type { TruncateRequest as _penncloud_replica_TruncateRequest, TruncateRequest__Output as _penncloud_replica_TruncateRequest__Output } from '../../penncloud/replica/TruncateRequest.ts';

export interface ReplicaClient extends grpc.Client {
  Append(argument: _penncloud_replica_AppendRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_penncloud_replica_AppendReply__Output>): grpc.ClientUnaryCall;
  Append(argument: _penncloud_replica_AppendRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_penncloud_replica_AppendReply__Output>): grpc.ClientUnaryCall;
  Append(argument: _penncloud_replica_AppendRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_penncloud_replica_AppendReply__Output>): grpc.ClientUnaryCall;
  Append(argument: _penncloud_replica_AppendRequest, callback: grpc.requestCallback<_penncloud_replica_AppendReply__Output>): grpc.ClientUnaryCall;
  append(argument: _penncloud_replica_AppendRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_penncloud_replica_AppendReply__Output>): grpc.ClientUnaryCall;
  append(argument: _penncloud_replica_AppendRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_penncloud_replica_AppendReply__Output>): grpc.ClientUnaryCall;
  append(argument: _penncloud_replica_AppendRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_penncloud_replica_AppendReply__Output>): grpc.ClientUnaryCall;
  append(argument: _penncloud_replica_AppendRequest, callback: grpc.requestCallback<_penncloud_replica_AppendReply__Output>): grpc.ClientUnaryCall;

  /**
   * The same as Append, as messages on one long-lived stream per backup: each request is
   * answered in order by one reply, or the stream ends with the status Append would have
   * answered. Saves a call's set-up (headers, call state) on every group commit.
   */
  AppendStream(metadata: grpc.Metadata, options?: grpc.CallOptions): grpc.ClientDuplexStream<_penncloud_replica_AppendRequest, _penncloud_replica_AppendReply__Output>;
  AppendStream(options?: grpc.CallOptions): grpc.ClientDuplexStream<_penncloud_replica_AppendRequest, _penncloud_replica_AppendReply__Output>;
  /**
   * The same as Append, as messages on one long-lived stream per backup: each request is
   * answered in order by one reply, or the stream ends with the status Append would have
   * answered. Saves a call's set-up (headers, call state) on every group commit.
   */
  appendStream(metadata: grpc.Metadata, options?: grpc.CallOptions): grpc.ClientDuplexStream<_penncloud_replica_AppendRequest, _penncloud_replica_AppendReply__Output>;
  appendStream(options?: grpc.CallOptions): grpc.ClientDuplexStream<_penncloud_replica_AppendRequest, _penncloud_replica_AppendReply__Output>;

  Checkpoint(argument: _penncloud_replica_CheckpointRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_penncloud_replica_CheckpointReply__Output>): grpc.ClientUnaryCall;
  Checkpoint(argument: _penncloud_replica_CheckpointRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_penncloud_replica_CheckpointReply__Output>): grpc.ClientUnaryCall;
  Checkpoint(argument: _penncloud_replica_CheckpointRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_penncloud_replica_CheckpointReply__Output>): grpc.ClientUnaryCall;
  Checkpoint(argument: _penncloud_replica_CheckpointRequest, callback: grpc.requestCallback<_penncloud_replica_CheckpointReply__Output>): grpc.ClientUnaryCall;
  checkpoint(argument: _penncloud_replica_CheckpointRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_penncloud_replica_CheckpointReply__Output>): grpc.ClientUnaryCall;
  checkpoint(argument: _penncloud_replica_CheckpointRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_penncloud_replica_CheckpointReply__Output>): grpc.ClientUnaryCall;
  checkpoint(argument: _penncloud_replica_CheckpointRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_penncloud_replica_CheckpointReply__Output>): grpc.ClientUnaryCall;
  checkpoint(argument: _penncloud_replica_CheckpointRequest, callback: grpc.requestCallback<_penncloud_replica_CheckpointReply__Output>): grpc.ClientUnaryCall;

  /**
   * Coordinator → node, every heartbeat interval. config is set only when the node's last
   * reply showed an older epoch than the coordinator's (notify on change, redeliver until seen).
   */
  Heartbeat(argument: _penncloud_replica_HeartbeatRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_penncloud_replica_HeartbeatReply__Output>): grpc.ClientUnaryCall;
  Heartbeat(argument: _penncloud_replica_HeartbeatRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_penncloud_replica_HeartbeatReply__Output>): grpc.ClientUnaryCall;
  Heartbeat(argument: _penncloud_replica_HeartbeatRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_penncloud_replica_HeartbeatReply__Output>): grpc.ClientUnaryCall;
  Heartbeat(argument: _penncloud_replica_HeartbeatRequest, callback: grpc.requestCallback<_penncloud_replica_HeartbeatReply__Output>): grpc.ClientUnaryCall;
  /**
   * Coordinator → node, every heartbeat interval. config is set only when the node's last
   * reply showed an older epoch than the coordinator's (notify on change, redeliver until seen).
   */
  heartbeat(argument: _penncloud_replica_HeartbeatRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_penncloud_replica_HeartbeatReply__Output>): grpc.ClientUnaryCall;
  heartbeat(argument: _penncloud_replica_HeartbeatRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_penncloud_replica_HeartbeatReply__Output>): grpc.ClientUnaryCall;
  heartbeat(argument: _penncloud_replica_HeartbeatRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_penncloud_replica_HeartbeatReply__Output>): grpc.ClientUnaryCall;
  heartbeat(argument: _penncloud_replica_HeartbeatRequest, callback: grpc.requestCallback<_penncloud_replica_HeartbeatReply__Output>): grpc.ClientUnaryCall;

  /**
   * The same as Heartbeat, as messages on one long-lived stream per node (what the coordinator
   * uses): each request answered in order by one reply. Ten heartbeats a second to every node
   * were most of an idle cluster's CPU as calls of their own.
   */
  HeartbeatStream(metadata: grpc.Metadata, options?: grpc.CallOptions): grpc.ClientDuplexStream<_penncloud_replica_HeartbeatRequest, _penncloud_replica_HeartbeatReply__Output>;
  HeartbeatStream(options?: grpc.CallOptions): grpc.ClientDuplexStream<_penncloud_replica_HeartbeatRequest, _penncloud_replica_HeartbeatReply__Output>;
  /**
   * The same as Heartbeat, as messages on one long-lived stream per node (what the coordinator
   * uses): each request answered in order by one reply. Ten heartbeats a second to every node
   * were most of an idle cluster's CPU as calls of their own.
   */
  heartbeatStream(metadata: grpc.Metadata, options?: grpc.CallOptions): grpc.ClientDuplexStream<_penncloud_replica_HeartbeatRequest, _penncloud_replica_HeartbeatReply__Output>;
  heartbeatStream(options?: grpc.CallOptions): grpc.ClientDuplexStream<_penncloud_replica_HeartbeatRequest, _penncloud_replica_HeartbeatReply__Output>;

  InstallSnapshot(argument: _penncloud_replica_InstallSnapshotRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_penncloud_replica_ProbeReply__Output>): grpc.ClientUnaryCall;
  InstallSnapshot(argument: _penncloud_replica_InstallSnapshotRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_penncloud_replica_ProbeReply__Output>): grpc.ClientUnaryCall;
  InstallSnapshot(argument: _penncloud_replica_InstallSnapshotRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_penncloud_replica_ProbeReply__Output>): grpc.ClientUnaryCall;
  InstallSnapshot(argument: _penncloud_replica_InstallSnapshotRequest, callback: grpc.requestCallback<_penncloud_replica_ProbeReply__Output>): grpc.ClientUnaryCall;
  installSnapshot(argument: _penncloud_replica_InstallSnapshotRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_penncloud_replica_ProbeReply__Output>): grpc.ClientUnaryCall;
  installSnapshot(argument: _penncloud_replica_InstallSnapshotRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_penncloud_replica_ProbeReply__Output>): grpc.ClientUnaryCall;
  installSnapshot(argument: _penncloud_replica_InstallSnapshotRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_penncloud_replica_ProbeReply__Output>): grpc.ClientUnaryCall;
  installSnapshot(argument: _penncloud_replica_InstallSnapshotRequest, callback: grpc.requestCallback<_penncloud_replica_ProbeReply__Output>): grpc.ClientUnaryCall;

  /**
   * Primary → backup.
   */
  Probe(argument: _penncloud_replica_ProbeRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_penncloud_replica_ProbeReply__Output>): grpc.ClientUnaryCall;
  Probe(argument: _penncloud_replica_ProbeRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_penncloud_replica_ProbeReply__Output>): grpc.ClientUnaryCall;
  Probe(argument: _penncloud_replica_ProbeRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_penncloud_replica_ProbeReply__Output>): grpc.ClientUnaryCall;
  Probe(argument: _penncloud_replica_ProbeRequest, callback: grpc.requestCallback<_penncloud_replica_ProbeReply__Output>): grpc.ClientUnaryCall;
  /**
   * Primary → backup.
   */
  probe(argument: _penncloud_replica_ProbeRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_penncloud_replica_ProbeReply__Output>): grpc.ClientUnaryCall;
  probe(argument: _penncloud_replica_ProbeRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_penncloud_replica_ProbeReply__Output>): grpc.ClientUnaryCall;
  probe(argument: _penncloud_replica_ProbeRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_penncloud_replica_ProbeReply__Output>): grpc.ClientUnaryCall;
  probe(argument: _penncloud_replica_ProbeRequest, callback: grpc.requestCallback<_penncloud_replica_ProbeReply__Output>): grpc.ClientUnaryCall;

  /**
   * Backup → primary, while installing a snapshot: the primary's checkpoint, in chunks.
   */
  ReadSnapshot(argument: _penncloud_replica_ReadSnapshotRequest, metadata: grpc.Metadata, options?: grpc.CallOptions): grpc.ClientReadableStream<_penncloud_replica_SnapshotChunk__Output>;
  ReadSnapshot(argument: _penncloud_replica_ReadSnapshotRequest, options?: grpc.CallOptions): grpc.ClientReadableStream<_penncloud_replica_SnapshotChunk__Output>;
  /**
   * Backup → primary, while installing a snapshot: the primary's checkpoint, in chunks.
   */
  readSnapshot(argument: _penncloud_replica_ReadSnapshotRequest, metadata: grpc.Metadata, options?: grpc.CallOptions): grpc.ClientReadableStream<_penncloud_replica_SnapshotChunk__Output>;
  readSnapshot(argument: _penncloud_replica_ReadSnapshotRequest, options?: grpc.CallOptions): grpc.ClientReadableStream<_penncloud_replica_SnapshotChunk__Output>;

  Truncate(argument: _penncloud_replica_TruncateRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_penncloud_replica_ProbeReply__Output>): grpc.ClientUnaryCall;
  Truncate(argument: _penncloud_replica_TruncateRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_penncloud_replica_ProbeReply__Output>): grpc.ClientUnaryCall;
  Truncate(argument: _penncloud_replica_TruncateRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_penncloud_replica_ProbeReply__Output>): grpc.ClientUnaryCall;
  Truncate(argument: _penncloud_replica_TruncateRequest, callback: grpc.requestCallback<_penncloud_replica_ProbeReply__Output>): grpc.ClientUnaryCall;
  truncate(argument: _penncloud_replica_TruncateRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_penncloud_replica_ProbeReply__Output>): grpc.ClientUnaryCall;
  truncate(argument: _penncloud_replica_TruncateRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_penncloud_replica_ProbeReply__Output>): grpc.ClientUnaryCall;
  truncate(argument: _penncloud_replica_TruncateRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_penncloud_replica_ProbeReply__Output>): grpc.ClientUnaryCall;
  truncate(argument: _penncloud_replica_TruncateRequest, callback: grpc.requestCallback<_penncloud_replica_ProbeReply__Output>): grpc.ClientUnaryCall;

}

export interface ReplicaHandlers extends grpc.UntypedServiceImplementation {
  Append: grpc.handleUnaryCall<_penncloud_replica_AppendRequest__Output, _penncloud_replica_AppendReply>;

  /**
   * The same as Append, as messages on one long-lived stream per backup: each request is
   * answered in order by one reply, or the stream ends with the status Append would have
   * answered. Saves a call's set-up (headers, call state) on every group commit.
   */
  AppendStream: grpc.handleBidiStreamingCall<_penncloud_replica_AppendRequest__Output, _penncloud_replica_AppendReply>;

  Checkpoint: grpc.handleUnaryCall<_penncloud_replica_CheckpointRequest__Output, _penncloud_replica_CheckpointReply>;

  /**
   * Coordinator → node, every heartbeat interval. config is set only when the node's last
   * reply showed an older epoch than the coordinator's (notify on change, redeliver until seen).
   */
  Heartbeat: grpc.handleUnaryCall<_penncloud_replica_HeartbeatRequest__Output, _penncloud_replica_HeartbeatReply>;

  /**
   * The same as Heartbeat, as messages on one long-lived stream per node (what the coordinator
   * uses): each request answered in order by one reply. Ten heartbeats a second to every node
   * were most of an idle cluster's CPU as calls of their own.
   */
  HeartbeatStream: grpc.handleBidiStreamingCall<_penncloud_replica_HeartbeatRequest__Output, _penncloud_replica_HeartbeatReply>;

  InstallSnapshot: grpc.handleUnaryCall<_penncloud_replica_InstallSnapshotRequest__Output, _penncloud_replica_ProbeReply>;

  /**
   * Primary → backup.
   */
  Probe: grpc.handleUnaryCall<_penncloud_replica_ProbeRequest__Output, _penncloud_replica_ProbeReply>;

  /**
   * Backup → primary, while installing a snapshot: the primary's checkpoint, in chunks.
   */
  ReadSnapshot: grpc.handleServerStreamingCall<_penncloud_replica_ReadSnapshotRequest__Output, _penncloud_replica_SnapshotChunk>;

  Truncate: grpc.handleUnaryCall<_penncloud_replica_TruncateRequest__Output, _penncloud_replica_ProbeReply>;

}

export interface ReplicaDefinition extends grpc.ServiceDefinition {
  Append: MethodDefinition<_penncloud_replica_AppendRequest, _penncloud_replica_AppendReply, _penncloud_replica_AppendRequest__Output, _penncloud_replica_AppendReply__Output>
  AppendStream: MethodDefinition<_penncloud_replica_AppendRequest, _penncloud_replica_AppendReply, _penncloud_replica_AppendRequest__Output, _penncloud_replica_AppendReply__Output>
  Checkpoint: MethodDefinition<_penncloud_replica_CheckpointRequest, _penncloud_replica_CheckpointReply, _penncloud_replica_CheckpointRequest__Output, _penncloud_replica_CheckpointReply__Output>
  Heartbeat: MethodDefinition<_penncloud_replica_HeartbeatRequest, _penncloud_replica_HeartbeatReply, _penncloud_replica_HeartbeatRequest__Output, _penncloud_replica_HeartbeatReply__Output>
  HeartbeatStream: MethodDefinition<_penncloud_replica_HeartbeatRequest, _penncloud_replica_HeartbeatReply, _penncloud_replica_HeartbeatRequest__Output, _penncloud_replica_HeartbeatReply__Output>
  InstallSnapshot: MethodDefinition<_penncloud_replica_InstallSnapshotRequest, _penncloud_replica_ProbeReply, _penncloud_replica_InstallSnapshotRequest__Output, _penncloud_replica_ProbeReply__Output>
  Probe: MethodDefinition<_penncloud_replica_ProbeRequest, _penncloud_replica_ProbeReply, _penncloud_replica_ProbeRequest__Output, _penncloud_replica_ProbeReply__Output>
  ReadSnapshot: MethodDefinition<_penncloud_replica_ReadSnapshotRequest, _penncloud_replica_SnapshotChunk, _penncloud_replica_ReadSnapshotRequest__Output, _penncloud_replica_SnapshotChunk__Output>
  Truncate: MethodDefinition<_penncloud_replica_TruncateRequest, _penncloud_replica_ProbeReply, _penncloud_replica_TruncateRequest__Output, _penncloud_replica_ProbeReply__Output>
}
