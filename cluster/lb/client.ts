// A typed client for the load balancer: frontends send heartbeats through it, the admin console
// reads the frontend status. A deadline on every call, errors as PennError.
import * as grpc from '@grpc/grpc-js';
import type { Config } from '../common/config.ts';
import { callUnary, channelOptions } from '../common/grpc.ts';
import { LoadBalancerService, type FrontendStatusReply__Output, type HeartbeatRequest } from './io/wire.ts';
import { channelCredentials } from '../common/tls/credentials.ts';

export interface FrontendHeartbeat {
  frontend: number;
  address: string;
  publicHost?: string;
  startedAtMs: number;
  rssBytes: number;
  leaving?: boolean;
}

export interface FrontendStatus {
  frontend: number;
  address: string;
  alive: boolean;
  /** 0 when it never sent one. */
  lastHeartbeatAtMs: number;
  startedAtMs: number;
  rssBytes: number;
  redirects: number;
}

export interface BalancerStatus {
  frontends: FrontendStatus[];
  heartbeatTimeoutMs: number;
  nowMs: number;
}

/** Where the balancer's gRPC service binds and is reached: lb.grpcHost, else the top-level host. */
export function balancerAddress(config: Readonly<Config>): string {
  return `${config.lb.grpcHost ?? config.host}:${config.lb.grpcPort}`;
}

export class LbClient {
  readonly address: string;
  private readonly client: grpc.Client;

  /** The balancer the config names (or `address`), reached with this process's certificate. */
  constructor(
    config: Readonly<Config>,
    private readonly timeoutMs = 1000,
    address = balancerAddress(config),
  ) {
    this.address = address;
    this.client = new LoadBalancerService(this.address, channelCredentials(config), channelOptions);
  }

  async heartbeat(beat: FrontendHeartbeat): Promise<void> {
    const request: HeartbeatRequest = {
      frontend: beat.frontend,
      address: beat.address,
      public_host: beat.publicHost ?? '',
      started_at_ms: beat.startedAtMs,
      rss_bytes: beat.rssBytes,
      leaving: beat.leaving ?? false,
    };
    await callUnary(this.client, 'Heartbeat', request, this.timeoutMs);
  }

  async frontendStatus(): Promise<BalancerStatus> {
    const r = await callUnary<FrontendStatusReply__Output>(this.client, 'FrontendStatus', {}, this.timeoutMs);
    return {
      frontends: r.frontends.map((f) => ({
        frontend: f.frontend,
        address: f.address,
        alive: f.alive,
        lastHeartbeatAtMs: f.last_heartbeat_at_ms,
        startedAtMs: f.started_at_ms,
        rssBytes: f.rss_bytes,
        redirects: f.redirects,
      })),
      heartbeatTimeoutMs: r.heartbeat_timeout_ms,
      nowMs: r.now_ms,
    };
  }

  close(): void {
    this.client.close();
  }
}
