// proto/lb.proto, loaded once: the load balancer's service and its message types, generated into
// cluster/common/proto-types/ by `npm run gen:proto` (`__Output` for what arrives, with uint64 as
// numbers by the shared loader options; the plain form for what is sent).
import { loadProto, serviceClient } from '../../common/grpc.ts';

export type { FrontendStatusReply, FrontendStatusReply__Output } from '../../common/proto-types/penncloud/lb/FrontendStatusReply.ts';
export type { HeartbeatReply } from '../../common/proto-types/penncloud/lb/HeartbeatReply.ts';
export type { HeartbeatRequest, HeartbeatRequest__Output } from '../../common/proto-types/penncloud/lb/HeartbeatRequest.ts';

const pkg = loadProto('lb.proto');
export const LoadBalancerService = serviceClient(pkg, 'penncloud.lb.LoadBalancer');
