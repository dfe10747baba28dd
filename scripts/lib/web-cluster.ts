// The whole system in real processes for the browser tests and the web benchmark: a storage
// cluster (cluster.ts), the load balancer and frontends, each through its own entry
// point on free ports, so a test can kill -9 and restart any of them.
import net from 'node:net';
import type { Config } from '../../cluster/common/config.ts';
import { parseConfig } from '../../cluster/common/config.ts';
import { LbClient, type BalancerStatus } from '../../cluster/lb/client.ts';
import { startCluster, type ClusterOptions, type TestCluster } from './cluster.ts';
import { freePorts, startService, waitFor, type Service } from './processes.ts';

export interface WebCluster {
  cluster: TestCluster;
  config: Readonly<Config>;
  /** http://127.0.0.1:<lb port>, or https://<urlHost>:<lb port> with http.tls. */
  lbUrl: string;
  frontendUrl(n: number): string;
  lb: LbClient;
  /** Running web processes: 'lb', 'web1', 'web2', … */
  services: Map<string, Service>;
  startLb(): Service;
  startFrontend(n: number): Service;
  kill9(name: string): Promise<void>;
  lbStatus(): Promise<BalancerStatus>;
  /** Waits until the LB counts these frontends (default: all) alive. */
  waitFrontendsAlive(frontends?: number[], timeoutMs?: number): Promise<void>;
  waitFrontendDead(n: number, timeoutMs?: number): Promise<void>;
  /** Restarts whatever a test stopped (frontends, LB) and waits until everything serves. */
  restoreAll(): Promise<void>;
  close(): Promise<void>;
}

export interface WebClusterOptions extends ClusterOptions {
  frontends?: number;
  web?: Record<string, unknown>;
  lb?: Record<string, unknown>;
  /** The public listeners' settings; with `tls` the URLs below are https. */
  http?: Record<string, unknown>;
  /** The host name in lbUrl and frontendUrl (127.0.0.1); a certificate may want a name. */
  urlHost?: string;
}

/** `count` consecutive free ports (frontends listen on basePort + n - 1), below the ephemeral range. */
export async function freePortRange(count: number): Promise<number> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const base = 20_000 + Math.floor(Math.random() * 10_000);
    const ports = Array.from({ length: count }, (_, i) => base + i);
    if ((await Promise.all(ports.map(portIsFree))).every(Boolean)) return base;
  }
  throw new Error(`no ${count} consecutive free ports found`);
}

/** Whether something accepts TCP connections on 127.0.0.1:port. */
function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

function portIsFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

export async function startWebCluster(options: WebClusterOptions = {}): Promise<WebCluster> {
  const frontends = options.frontends ?? 2;
  const [httpPort, grpcPort] = await freePorts(2);
  const basePort = await freePortRange(frontends);
  const cluster = await startCluster({
    ...options,
    config: {
      ...options.config,
      lb: { httpPort, grpcPort, ...options.lb },
      web: { frontends, basePort, ...options.web },
      ...(options.http ? { http: options.http } : {}),
    },
  });
  const config = parseConfig(cluster.env.config);
  const scheme = config.http.tls ? 'https' : 'http';
  const urlHost = options.urlHost ?? '127.0.0.1';
  const services = new Map<string, Service>();
  const lb = new LbClient(config, 2000);
  // If this process dies without close() (a crash, an uncaught error), take the cluster along.
  const killAll = () => {
    for (const s of [...services.values(), ...cluster.services.values()]) s.child.kill('SIGKILL');
  };
  process.on('exit', killAll);
  const web: WebCluster = {
    cluster,
    config,
    lbUrl: `${scheme}://${urlHost}:${httpPort}`,
    frontendUrl: (n) => `${scheme}://${urlHost}:${basePort + n - 1}`,
    lb,
    services,
    startLb() {
      const s = startService(cluster.env, 'lb', 'cluster/lb/main.ts');
      services.set('lb', s);
      return s;
    },
    startFrontend(n) {
      const s = startService(cluster.env, `web${n}`, 'web/main.ts', [String(n)]);
      services.set(`web${n}`, s);
      return s;
    },
    async kill9(name) {
      await services.get(name)?.kill9();
      services.delete(name);
    },
    lbStatus: () => lb.frontendStatus(),
    async waitFrontendsAlive(which = Array.from({ length: frontends }, (_, i) => i + 1), timeoutMs = 60_000) {
      await waitFor(
        async () => {
          for (const n of which) {
            const s = services.get(`web${n}`);
            if (s && s.child.exitCode !== null) throw new Error(`frontend ${n} exited with ${s.child.exitCode}`);
          }
          const status = await lb.frontendStatus();
          return which.every((n) => status.frontends.find((f) => f.frontend === n)?.alive);
        },
        { timeoutMs, what: `frontends ${which.join(', ')} to be alive at the load balancer` },
      );
    },
    async waitFrontendDead(n, timeoutMs = 10_000) {
      await waitFor(async () => (await lb.frontendStatus()).frontends.find((f) => f.frontend === n)?.alive === false, {
        timeoutMs,
        what: `the load balancer to drop frontend ${n}`,
      });
    },
    async restoreAll() {
      if (!services.has('lb')) web.startLb();
      const restarted: number[] = [];
      for (let n = 1; n <= frontends; n++) {
        if (services.has(`web${n}`)) continue;
        web.startFrontend(n);
        restarted.push(n);
      }
      // The balancer may still count the killed process alive for a few heartbeats and send a
      // browser to its port: wait until the new one listens there, then until the balancer agrees.
      await Promise.all(
        restarted.map((n) =>
          waitFor(() => accepts(basePort + n - 1), { timeoutMs: 60_000, what: `frontend ${n} to listen again` }),
        ),
      );
      await web.waitFrontendsAlive();
    },
    async close() {
      process.off('exit', killAll);
      await Promise.all([...services.values()].map((s) => s.kill9()));
      lb.close();
      await cluster.close();
    },
  };
  try {
    await web.restoreAll();
  } catch (err) {
    await web.close();
    throw err;
  }
  return web;
}
