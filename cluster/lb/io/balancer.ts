// Runs the load balancer: the redirecting HTTP(S) server on http.host:lb.httpPort and the gRPC
// service on lb.grpcHost (default: host):lb.grpcPort, over one frontend table. Logs when a
// frontend comes alive or is dropped, so an operator sees failovers in the log.
import * as grpc from '@grpc/grpc-js';
import { frontendAddress, type Config } from '../../common/config.ts';
import { bindServer, channelOptions, shutdownServer } from '../../common/grpc.ts';
import type { Logger } from '../../common/log.ts';
import { refusePlainHttp } from '../../common/public-http/server.ts';
import { FrontendTable } from '../core/frontend-table.ts';
import { addLoadBalancerService } from './lb-service.ts';
import { createRedirectServer } from './redirect-server.ts';

export interface RunningBalancer {
  httpPort: number;
  grpcPort: number;
  stop(): Promise<void>;
}

/** The address each frontend has until its first heartbeat names one. */
export function frontendAddresses(config: Readonly<Config>): string[] {
  return Array.from({ length: config.web.frontends }, (_, i) => frontendAddress(config, i + 1));
}

export async function startBalancer(config: Readonly<Config>, log: Logger, now: () => number = Date.now): Promise<RunningBalancer> {
  // Before binding anything: a balancer that may not serve plain HTTP where configured says why,
  // and a certificate that does not load stops it here.
  refusePlainHttp(config, config.lb.httpPort, 'load balancer');
  const timeoutMs = config.lb.frontendHeartbeatTimeoutMs;
  const table = new FrontendTable(frontendAddresses(config), timeoutMs);
  const redirects = await createRedirectServer(config, table, now, log);

  const grpcServer = new grpc.Server(channelOptions);
  addLoadBalancerService(grpcServer, config, table, timeoutMs, now, log);
  const grpcPort = await bindServer(grpcServer, `${config.lb.grpcHost ?? config.host}:${config.lb.grpcPort}`, config);

  const httpPort = await redirects.listen(config.lb.httpPort);

  let alive = table.view(now()).map((f) => f.alive);
  const watch = setInterval(() => {
    const view = table.view(now());
    view.forEach((f, i) => {
      if (f.alive === alive[i]) return;
      if (f.alive) log.info(`frontend ${f.frontend} at ${f.address} is alive`, { frontend: f.frontend });
      else log.warn(`frontend ${f.frontend} at ${f.address} stopped sending heartbeats; skipping it`, { frontend: f.frontend });
    });
    alive = view.map((f) => f.alive);
  }, Math.min(250, timeoutMs));

  return {
    httpPort,
    grpcPort,
    async stop() {
      clearInterval(watch);
      await Promise.all([redirects.close(), shutdownServer(grpcServer)]);
    },
  };
}
