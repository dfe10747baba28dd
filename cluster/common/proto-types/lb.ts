// Generated from proto/ by `npm run gen:proto` (scripts/gen-proto.ts). Do not edit.
import type * as grpc from '@grpc/grpc-js';
import type { MessageTypeDefinition } from '@grpc/proto-loader';

import type { FrontendInfo as _penncloud_lb_FrontendInfo, FrontendInfo__Output as _penncloud_lb_FrontendInfo__Output } from './penncloud/lb/FrontendInfo.ts';
import type { FrontendStatusReply as _penncloud_lb_FrontendStatusReply, FrontendStatusReply__Output as _penncloud_lb_FrontendStatusReply__Output } from './penncloud/lb/FrontendStatusReply.ts';
import type { FrontendStatusRequest as _penncloud_lb_FrontendStatusRequest, FrontendStatusRequest__Output as _penncloud_lb_FrontendStatusRequest__Output } from './penncloud/lb/FrontendStatusRequest.ts';
import type { HeartbeatReply as _penncloud_lb_HeartbeatReply, HeartbeatReply__Output as _penncloud_lb_HeartbeatReply__Output } from './penncloud/lb/HeartbeatReply.ts';
import type { HeartbeatRequest as _penncloud_lb_HeartbeatRequest, HeartbeatRequest__Output as _penncloud_lb_HeartbeatRequest__Output } from './penncloud/lb/HeartbeatRequest.ts';
import type { LoadBalancerClient as _penncloud_lb_LoadBalancerClient, LoadBalancerDefinition as _penncloud_lb_LoadBalancerDefinition } from './penncloud/lb/LoadBalancer.ts';

type SubtypeConstructor<Constructor extends new (...args: any) => any, Subtype> = {
  new(...args: ConstructorParameters<Constructor>): Subtype;
};

export interface ProtoGrpcType {
  penncloud: {
    lb: {
      FrontendInfo: MessageTypeDefinition<_penncloud_lb_FrontendInfo, _penncloud_lb_FrontendInfo__Output>
      FrontendStatusReply: MessageTypeDefinition<_penncloud_lb_FrontendStatusReply, _penncloud_lb_FrontendStatusReply__Output>
      FrontendStatusRequest: MessageTypeDefinition<_penncloud_lb_FrontendStatusRequest, _penncloud_lb_FrontendStatusRequest__Output>
      HeartbeatReply: MessageTypeDefinition<_penncloud_lb_HeartbeatReply, _penncloud_lb_HeartbeatReply__Output>
      HeartbeatRequest: MessageTypeDefinition<_penncloud_lb_HeartbeatRequest, _penncloud_lb_HeartbeatRequest__Output>
      LoadBalancer: SubtypeConstructor<typeof grpc.Client, _penncloud_lb_LoadBalancerClient> & { service: _penncloud_lb_LoadBalancerDefinition }
    }
  }
}
