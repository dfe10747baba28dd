// Generated from proto/ by `npm run gen:proto` (scripts/gen-proto.ts). Do not edit.
// Original file: proto/kvs.proto

import type * as grpc from '@grpc/grpc-js'
import type { MethodDefinition } from '@grpc/proto-loader'
import type { HaltReply as _penncloud_kvs_HaltReply, HaltReply__Output as _penncloud_kvs_HaltReply__Output } from '../../penncloud/kvs/HaltReply.ts';
import type { HaltRequest as _penncloud_kvs_HaltRequest, HaltRequest__Output as _penncloud_kvs_HaltRequest__Output } from '../../penncloud/kvs/HaltRequest.ts';
import type { NodeStatus as _penncloud_kvs_NodeStatus, NodeStatus__Output as _penncloud_kvs_NodeStatus__Output } from '../../penncloud/kvs/NodeStatus.ts';
import type { ReviveReply as _penncloud_kvs_ReviveReply, ReviveReply__Output as _penncloud_kvs_ReviveReply__Output } from '../../penncloud/kvs/ReviveReply.ts';
import type { ReviveRequest as _penncloud_kvs_ReviveRequest, ReviveRequest__Output as _penncloud_kvs_ReviveRequest__Output } from '../../penncloud/kvs/ReviveRequest.ts';
import type { StatusRequest as _penncloud_kvs_StatusRequest, StatusRequest__Output as _penncloud_kvs_StatusRequest__Output } from '../../penncloud/kvs/StatusRequest.ts';

/**
 * Operator calls on one node (the admin console and the tests).
 */
export interface NodeAdminClient extends grpc.Client {
  /**
   * Act as crashed: stop serving, drop all in-memory state, keep the disk.
   */
  Halt(argument: _penncloud_kvs_HaltRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_penncloud_kvs_HaltReply__Output>): grpc.ClientUnaryCall;
  Halt(argument: _penncloud_kvs_HaltRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_penncloud_kvs_HaltReply__Output>): grpc.ClientUnaryCall;
  Halt(argument: _penncloud_kvs_HaltRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_penncloud_kvs_HaltReply__Output>): grpc.ClientUnaryCall;
  Halt(argument: _penncloud_kvs_HaltRequest, callback: grpc.requestCallback<_penncloud_kvs_HaltReply__Output>): grpc.ClientUnaryCall;
  /**
   * Act as crashed: stop serving, drop all in-memory state, keep the disk.
   */
  halt(argument: _penncloud_kvs_HaltRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_penncloud_kvs_HaltReply__Output>): grpc.ClientUnaryCall;
  halt(argument: _penncloud_kvs_HaltRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_penncloud_kvs_HaltReply__Output>): grpc.ClientUnaryCall;
  halt(argument: _penncloud_kvs_HaltRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_penncloud_kvs_HaltReply__Output>): grpc.ClientUnaryCall;
  halt(argument: _penncloud_kvs_HaltRequest, callback: grpc.requestCallback<_penncloud_kvs_HaltReply__Output>): grpc.ClientUnaryCall;

  /**
   * Recover from disk and rejoin.
   */
  Revive(argument: _penncloud_kvs_ReviveRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_penncloud_kvs_ReviveReply__Output>): grpc.ClientUnaryCall;
  Revive(argument: _penncloud_kvs_ReviveRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_penncloud_kvs_ReviveReply__Output>): grpc.ClientUnaryCall;
  Revive(argument: _penncloud_kvs_ReviveRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_penncloud_kvs_ReviveReply__Output>): grpc.ClientUnaryCall;
  Revive(argument: _penncloud_kvs_ReviveRequest, callback: grpc.requestCallback<_penncloud_kvs_ReviveReply__Output>): grpc.ClientUnaryCall;
  /**
   * Recover from disk and rejoin.
   */
  revive(argument: _penncloud_kvs_ReviveRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_penncloud_kvs_ReviveReply__Output>): grpc.ClientUnaryCall;
  revive(argument: _penncloud_kvs_ReviveRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_penncloud_kvs_ReviveReply__Output>): grpc.ClientUnaryCall;
  revive(argument: _penncloud_kvs_ReviveRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_penncloud_kvs_ReviveReply__Output>): grpc.ClientUnaryCall;
  revive(argument: _penncloud_kvs_ReviveRequest, callback: grpc.requestCallback<_penncloud_kvs_ReviveReply__Output>): grpc.ClientUnaryCall;

  Status(argument: _penncloud_kvs_StatusRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_penncloud_kvs_NodeStatus__Output>): grpc.ClientUnaryCall;
  Status(argument: _penncloud_kvs_StatusRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_penncloud_kvs_NodeStatus__Output>): grpc.ClientUnaryCall;
  Status(argument: _penncloud_kvs_StatusRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_penncloud_kvs_NodeStatus__Output>): grpc.ClientUnaryCall;
  Status(argument: _penncloud_kvs_StatusRequest, callback: grpc.requestCallback<_penncloud_kvs_NodeStatus__Output>): grpc.ClientUnaryCall;
  status(argument: _penncloud_kvs_StatusRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_penncloud_kvs_NodeStatus__Output>): grpc.ClientUnaryCall;
  status(argument: _penncloud_kvs_StatusRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_penncloud_kvs_NodeStatus__Output>): grpc.ClientUnaryCall;
  status(argument: _penncloud_kvs_StatusRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_penncloud_kvs_NodeStatus__Output>): grpc.ClientUnaryCall;
  status(argument: _penncloud_kvs_StatusRequest, callback: grpc.requestCallback<_penncloud_kvs_NodeStatus__Output>): grpc.ClientUnaryCall;

}

/**
 * Operator calls on one node (the admin console and the tests).
 */
export interface NodeAdminHandlers extends grpc.UntypedServiceImplementation {
  /**
   * Act as crashed: stop serving, drop all in-memory state, keep the disk.
   */
  Halt: grpc.handleUnaryCall<_penncloud_kvs_HaltRequest__Output, _penncloud_kvs_HaltReply>;

  /**
   * Recover from disk and rejoin.
   */
  Revive: grpc.handleUnaryCall<_penncloud_kvs_ReviveRequest__Output, _penncloud_kvs_ReviveReply>;

  Status: grpc.handleUnaryCall<_penncloud_kvs_StatusRequest__Output, _penncloud_kvs_NodeStatus>;

}

export interface NodeAdminDefinition extends grpc.ServiceDefinition {
  Halt: MethodDefinition<_penncloud_kvs_HaltRequest, _penncloud_kvs_HaltReply, _penncloud_kvs_HaltRequest__Output, _penncloud_kvs_HaltReply__Output>
  Revive: MethodDefinition<_penncloud_kvs_ReviveRequest, _penncloud_kvs_ReviveReply, _penncloud_kvs_ReviveRequest__Output, _penncloud_kvs_ReviveReply__Output>
  Status: MethodDefinition<_penncloud_kvs_StatusRequest, _penncloud_kvs_NodeStatus, _penncloud_kvs_StatusRequest__Output, _penncloud_kvs_NodeStatus__Output>
}
