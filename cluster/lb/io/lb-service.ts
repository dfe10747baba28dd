// The balancer's gRPC side: heartbeats from frontends, and the frontend status for the admin
// console. Every handler goes through the shared unary adapter.
import * as grpc from '@grpc/grpc-js';
import { PennError } from '../../common/errors.ts';
import { unary } from '../../common/grpc.ts';
import type { Logger } from '../../common/log.ts';
import type { FrontendTable } from '../core/frontend-table.ts';
import { LoadBalancerService, type FrontendStatusReply, type HeartbeatReply, type HeartbeatRequest__Output } from './wire.ts';
import type { Config } from '../../common/config.ts';
import { addGuardedService, callerOf } from '../../common/tls/credentials.ts';

const addressPattern = /^[^\s:]+:\d{1,5}$/;
const hostPattern = /^[A-Za-z0-9.-]*$/;

export function addLoadBalancerService(server: grpc.Server, config: Readonly<Config>, table: FrontendTable, timeoutMs: number, now: () => number, log: Logger): void {
  // Heartbeats only from frontends, each for itself (its certificate is web<n>): otherwise a
  // caller could point visitors at a host of its choice, or mark every frontend as leaving.
  const policy = { Heartbeat: ['frontend'], FrontendStatus: ['admin', 'frontend', 'node', 'mail', 'coordinator', 'lb'] } as const;
  addGuardedService(server, config, LoadBalancerService.service, policy, {
    Heartbeat: unary(log, 'Heartbeat', (req: HeartbeatRequest__Output, call): HeartbeatReply => {
      const caller = callerOf(call);
      if (caller && caller.name !== `web${req.frontend}`) {
        throw new PennError('permission_denied', `${caller.name} may only send heartbeats for itself, not for frontend ${req.frontend}`);
      }
      if (!addressPattern.test(req.address)) throw new PennError('invalid_argument', `address "${req.address}" is not host:port`);
      if (!hostPattern.test(req.public_host)) throw new PennError('invalid_argument', `public_host "${req.public_host}" is not a host name`);
      const known = table.heartbeat(
        {
          frontend: req.frontend,
          address: req.address,
          publicHost: req.public_host,
          startedAtMs: req.started_at_ms,
          rssBytes: req.rss_bytes,
          leaving: req.leaving,
        },
        now(),
      );
      if (!known) throw new PennError('invalid_argument', `frontend ${req.frontend} is not one of 1…${table.size}`);
      return { timeout_ms: timeoutMs };
    }),
    FrontendStatus: unary(log, 'FrontendStatus', (): FrontendStatusReply => {
      const at = now();
      return {
        frontends: table.view(at).map((f) => ({
          frontend: f.frontend,
          address: f.address,
          alive: f.alive,
          last_heartbeat_at_ms: f.lastHeartbeatAtMs,
          started_at_ms: f.startedAtMs,
          rss_bytes: f.rssBytes,
          redirects: f.redirects,
        })),
        heartbeat_timeout_ms: timeoutMs,
        now_ms: at,
      };
    }),
  });
}
