// Generated from proto/ by `npm run gen:proto` (scripts/gen-proto.ts). Do not edit.
// Original file: proto/coordinator.proto

import type * as grpc from '@grpc/grpc-js'
import type { MethodDefinition } from '@grpc/proto-loader'
import type { RaftMessage as _penncloud_coordinator_RaftMessage, RaftMessage__Output as _penncloud_coordinator_RaftMessage__Output } from '../../penncloud/coordinator/RaftMessage.ts';
import type { StepAck as _penncloud_coordinator_StepAck, StepAck__Output as _penncloud_coordinator_StepAck__Output } from '../../penncloud/coordinator/StepAck.ts';

/**
 * Between the members of the coordinator group: one Raft message (cluster/coordinator/RAFT.md).
 * Messages are one-way; an answer travels as a message the other way. Members only.
 */
export interface CoordinatorPeerClient extends grpc.Client {
  Step(argument: _penncloud_coordinator_RaftMessage, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_penncloud_coordinator_StepAck__Output>): grpc.ClientUnaryCall;
  Step(argument: _penncloud_coordinator_RaftMessage, metadata: grpc.Metadata, callback: grpc.requestCallback<_penncloud_coordinator_StepAck__Output>): grpc.ClientUnaryCall;
  Step(argument: _penncloud_coordinator_RaftMessage, options: grpc.CallOptions, callback: grpc.requestCallback<_penncloud_coordinator_StepAck__Output>): grpc.ClientUnaryCall;
  Step(argument: _penncloud_coordinator_RaftMessage, callback: grpc.requestCallback<_penncloud_coordinator_StepAck__Output>): grpc.ClientUnaryCall;
  step(argument: _penncloud_coordinator_RaftMessage, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_penncloud_coordinator_StepAck__Output>): grpc.ClientUnaryCall;
  step(argument: _penncloud_coordinator_RaftMessage, metadata: grpc.Metadata, callback: grpc.requestCallback<_penncloud_coordinator_StepAck__Output>): grpc.ClientUnaryCall;
  step(argument: _penncloud_coordinator_RaftMessage, options: grpc.CallOptions, callback: grpc.requestCallback<_penncloud_coordinator_StepAck__Output>): grpc.ClientUnaryCall;
  step(argument: _penncloud_coordinator_RaftMessage, callback: grpc.requestCallback<_penncloud_coordinator_StepAck__Output>): grpc.ClientUnaryCall;

  /**
   * The same, as messages on one long-lived stream per member and direction (what members use):
   * a leader's heartbeats, a lease's confirming rounds and their answers are tens a second. The
   * first message refused ends the stream with the status Step would have answered.
   */
  StepStream(metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_penncloud_coordinator_StepAck__Output>): grpc.ClientWritableStream<_penncloud_coordinator_RaftMessage>;
  StepStream(metadata: grpc.Metadata, callback: grpc.requestCallback<_penncloud_coordinator_StepAck__Output>): grpc.ClientWritableStream<_penncloud_coordinator_RaftMessage>;
  StepStream(options: grpc.CallOptions, callback: grpc.requestCallback<_penncloud_coordinator_StepAck__Output>): grpc.ClientWritableStream<_penncloud_coordinator_RaftMessage>;
  StepStream(callback: grpc.requestCallback<_penncloud_coordinator_StepAck__Output>): grpc.ClientWritableStream<_penncloud_coordinator_RaftMessage>;
  /**
   * The same, as messages on one long-lived stream per member and direction (what members use):
   * a leader's heartbeats, a lease's confirming rounds and their answers are tens a second. The
   * first message refused ends the stream with the status Step would have answered.
   */
  stepStream(metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_penncloud_coordinator_StepAck__Output>): grpc.ClientWritableStream<_penncloud_coordinator_RaftMessage>;
  stepStream(metadata: grpc.Metadata, callback: grpc.requestCallback<_penncloud_coordinator_StepAck__Output>): grpc.ClientWritableStream<_penncloud_coordinator_RaftMessage>;
  stepStream(options: grpc.CallOptions, callback: grpc.requestCallback<_penncloud_coordinator_StepAck__Output>): grpc.ClientWritableStream<_penncloud_coordinator_RaftMessage>;
  stepStream(callback: grpc.requestCallback<_penncloud_coordinator_StepAck__Output>): grpc.ClientWritableStream<_penncloud_coordinator_RaftMessage>;

}

/**
 * Between the members of the coordinator group: one Raft message (cluster/coordinator/RAFT.md).
 * Messages are one-way; an answer travels as a message the other way. Members only.
 */
export interface CoordinatorPeerHandlers extends grpc.UntypedServiceImplementation {
  Step: grpc.handleUnaryCall<_penncloud_coordinator_RaftMessage__Output, _penncloud_coordinator_StepAck>;

  /**
   * The same, as messages on one long-lived stream per member and direction (what members use):
   * a leader's heartbeats, a lease's confirming rounds and their answers are tens a second. The
   * first message refused ends the stream with the status Step would have answered.
   */
  StepStream: grpc.handleClientStreamingCall<_penncloud_coordinator_RaftMessage__Output, _penncloud_coordinator_StepAck>;

}

export interface CoordinatorPeerDefinition extends grpc.ServiceDefinition {
  Step: MethodDefinition<_penncloud_coordinator_RaftMessage, _penncloud_coordinator_StepAck, _penncloud_coordinator_RaftMessage__Output, _penncloud_coordinator_StepAck__Output>
  StepStream: MethodDefinition<_penncloud_coordinator_RaftMessage, _penncloud_coordinator_StepAck, _penncloud_coordinator_RaftMessage__Output, _penncloud_coordinator_StepAck__Output>
}
