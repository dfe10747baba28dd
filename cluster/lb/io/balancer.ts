// Runs the load balancer: the redirecting HTTP server on lb.httpPort and the gRPC service on
// lb.grpcPort, both on the configured host, over one frontend table. Logs when a frontend
// comes alive or is dropped, so an operator sees failovers in the log.
import type http from 'node:http';
import * as grpc from '@grpc/grpc-js';
import type { Config } from '../../common/config.ts';
import { bindServer, channelOptions, shutdownServer } from '../../common/grpc.ts';
import type { Logger } from '../../common/log.ts';
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
  return Array.from({ length: config.web.frontends }, (_, i) => `${config.host}:${config.web.basePort + i}`);
}

export async function startBalancer(config: Readonly<Config>, log: Logger, now: () => number = Date.now): Promise<RunningBalancer> {
  const timeoutMs = config.lb.frontendHeartbeatTimeoutMs;
  const table = new FrontendTable(frontendAddresses(config), timeoutMs);

  const grpcServer = new grpc.Server(channelOptions);
  addLoadBalancerService(grpcServer, table, timeoutMs, now, log);
  const grpcPort = await bindServer(grpcServer, `${config.host}:${config.lb.grpcPort}`);

  const httpServer = createRedirectServer(table, now, log);
  const httpPort = await listen(httpServer, config.lb.httpPort, config.host);

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
      await Promise.all([
        new Promise<void>((resolve) => {
          httpServer.close(() => resolve());
          httpServer.closeAllConnections();
        }),
        shutdownServer(grpcServer),
      ]);
    },
  };
}

function listen(server: http.Server, port: number, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve((server.address() as { port: number }).port);
    });
  });
}
