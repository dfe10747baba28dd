// The load balancer's gRPC service definition and its messages as they cross the wire
// (snake_case, numbers for uint64 as the shared proto loader options give them).
import { loadProto, serviceClient } from '../../common/grpc.ts';

const pkg = loadProto('lb.proto');
export const LoadBalancerService = serviceClient(pkg, 'penncloud.lb.LoadBalancer');

export interface WireHeartbeatRequest {
  frontend: number;
  address: string;
  public_host: string;
  started_at_ms: number;
  rss_bytes: number;
  leaving: boolean;
}

export interface WireFrontendInfo {
  frontend: number;
  address: string;
  alive: boolean;
  last_heartbeat_at_ms: number;
  started_at_ms: number;
  rss_bytes: number;
  redirects: number;
}

export interface WireFrontendStatusReply {
  frontends: WireFrontendInfo[];
  heartbeat_timeout_ms: number;
  now_ms: number;
}
