// Generated from proto/ by `npm run gen:proto` (scripts/gen-proto.ts). Do not edit.
// Original file: proto/lb.proto

import type * as grpc from '@grpc/grpc-js'
import type { MethodDefinition } from '@grpc/proto-loader'
import type { FrontendStatusReply as _penncloud_lb_FrontendStatusReply, FrontendStatusReply__Output as _penncloud_lb_FrontendStatusReply__Output } from '../../penncloud/lb/FrontendStatusReply.ts';
import type { FrontendStatusRequest as _penncloud_lb_FrontendStatusRequest, FrontendStatusRequest__Output as _penncloud_lb_FrontendStatusRequest__Output } from '../../penncloud/lb/FrontendStatusRequest.ts';
import type { HeartbeatReply as _penncloud_lb_HeartbeatReply, HeartbeatReply__Output as _penncloud_lb_HeartbeatReply__Output } from '../../penncloud/lb/HeartbeatReply.ts';
import type { HeartbeatRequest as _penncloud_lb_HeartbeatRequest, HeartbeatRequest__Output as _penncloud_lb_HeartbeatRequest__Output } from '../../penncloud/lb/HeartbeatRequest.ts';

export interface LoadBalancerClient extends grpc.Client {
  /**
   * Every configured frontend, alive or not, for the admin console.
   */
  FrontendStatus(argument: _penncloud_lb_FrontendStatusRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_penncloud_lb_FrontendStatusReply__Output>): grpc.ClientUnaryCall;
  FrontendStatus(argument: _penncloud_lb_FrontendStatusRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_penncloud_lb_FrontendStatusReply__Output>): grpc.ClientUnaryCall;
  FrontendStatus(argument: _penncloud_lb_FrontendStatusRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_penncloud_lb_FrontendStatusReply__Output>): grpc.ClientUnaryCall;
  FrontendStatus(argument: _penncloud_lb_FrontendStatusRequest, callback: grpc.requestCallback<_penncloud_lb_FrontendStatusReply__Output>): grpc.ClientUnaryCall;
  /**
   * Every configured frontend, alive or not, for the admin console.
   */
  frontendStatus(argument: _penncloud_lb_FrontendStatusRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_penncloud_lb_FrontendStatusReply__Output>): grpc.ClientUnaryCall;
  frontendStatus(argument: _penncloud_lb_FrontendStatusRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_penncloud_lb_FrontendStatusReply__Output>): grpc.ClientUnaryCall;
  frontendStatus(argument: _penncloud_lb_FrontendStatusRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_penncloud_lb_FrontendStatusReply__Output>): grpc.ClientUnaryCall;
  frontendStatus(argument: _penncloud_lb_FrontendStatusRequest, callback: grpc.requestCallback<_penncloud_lb_FrontendStatusReply__Output>): grpc.ClientUnaryCall;

  /**
   * Every web.heartbeatIntervalMs from each frontend. A frontend is sent browsers while its last
   * heartbeat is younger than lb.frontendHeartbeatTimeoutMs. INVALID_ARGUMENT for a frontend
   * number outside 1…web.frontends or a malformed address.
   */
  Heartbeat(argument: _penncloud_lb_HeartbeatRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_penncloud_lb_HeartbeatReply__Output>): grpc.ClientUnaryCall;
  Heartbeat(argument: _penncloud_lb_HeartbeatRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_penncloud_lb_HeartbeatReply__Output>): grpc.ClientUnaryCall;
  Heartbeat(argument: _penncloud_lb_HeartbeatRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_penncloud_lb_HeartbeatReply__Output>): grpc.ClientUnaryCall;
  Heartbeat(argument: _penncloud_lb_HeartbeatRequest, callback: grpc.requestCallback<_penncloud_lb_HeartbeatReply__Output>): grpc.ClientUnaryCall;
  /**
   * Every web.heartbeatIntervalMs from each frontend. A frontend is sent browsers while its last
   * heartbeat is younger than lb.frontendHeartbeatTimeoutMs. INVALID_ARGUMENT for a frontend
   * number outside 1…web.frontends or a malformed address.
   */
  heartbeat(argument: _penncloud_lb_HeartbeatRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_penncloud_lb_HeartbeatReply__Output>): grpc.ClientUnaryCall;
  heartbeat(argument: _penncloud_lb_HeartbeatRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_penncloud_lb_HeartbeatReply__Output>): grpc.ClientUnaryCall;
  heartbeat(argument: _penncloud_lb_HeartbeatRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_penncloud_lb_HeartbeatReply__Output>): grpc.ClientUnaryCall;
  heartbeat(argument: _penncloud_lb_HeartbeatRequest, callback: grpc.requestCallback<_penncloud_lb_HeartbeatReply__Output>): grpc.ClientUnaryCall;

}

export interface LoadBalancerHandlers extends grpc.UntypedServiceImplementation {
  /**
   * Every configured frontend, alive or not, for the admin console.
   */
  FrontendStatus: grpc.handleUnaryCall<_penncloud_lb_FrontendStatusRequest__Output, _penncloud_lb_FrontendStatusReply>;

  /**
   * Every web.heartbeatIntervalMs from each frontend. A frontend is sent browsers while its last
   * heartbeat is younger than lb.frontendHeartbeatTimeoutMs. INVALID_ARGUMENT for a frontend
   * number outside 1…web.frontends or a malformed address.
   */
  Heartbeat: grpc.handleUnaryCall<_penncloud_lb_HeartbeatRequest__Output, _penncloud_lb_HeartbeatReply>;

}

export interface LoadBalancerDefinition extends grpc.ServiceDefinition {
  FrontendStatus: MethodDefinition<_penncloud_lb_FrontendStatusRequest, _penncloud_lb_FrontendStatusReply, _penncloud_lb_FrontendStatusRequest__Output, _penncloud_lb_FrontendStatusReply__Output>
  Heartbeat: MethodDefinition<_penncloud_lb_HeartbeatRequest, _penncloud_lb_HeartbeatReply, _penncloud_lb_HeartbeatRequest__Output, _penncloud_lb_HeartbeatReply__Output>
}
