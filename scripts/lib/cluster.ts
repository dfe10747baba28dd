// A real cluster in real processes for tests and benchmarks: the coordinator group (c0, c1, c2)
// and G×R storage nodes on free ports with a temp data dir, each started through its own entry
// point so a test can kill -9 and restart any of them.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { allNodes, parseConfig, type Config, type NodeRef } from '../../cluster/common/config.ts';
import { NodeClient } from '../../cluster/kvs/client.ts';
import { ClusterClient } from '../../cluster/kvs/cluster-client.ts';
import { CoordinatorClient, type ClusterStatus } from '../../cluster/coordinator/client.ts';
import { MailClient } from '../../cluster/smtp/client.ts';
import { freePorts, makeTestEnv, startService, waitFor, type Service, type TestEnv } from './processes.ts';

export interface TestCluster {
  env: TestEnv;
  config: Readonly<Config>;
  nodes: NodeRef[];
  coordinator: CoordinatorClient;
  client: ClusterClient;
  /** Running processes by name: 'c0', 'c1', 'c2', 'g0r0', … */
  services: Map<string, Service>;
  /** The coordinator members' ids. */
  coordinators: string[];
  node(id: string): NodeClient;
  start(name: string): Service;
  kill9(name: string): Promise<void>;
  status(): Promise<ClusterStatus>;
  /** Waits until every group has a primary and every running node is in sync. */
  waitHealthy(timeoutMs?: number): Promise<ClusterStatus>;
  primaryOf(group: number): Promise<string>;
  /** The coordinator member that leads now (as the leader itself reports). */
  coordinatorLeader(): Promise<string>;
  close(): Promise<void>;
}

export interface ClusterOptions {
  groups?: number;
  replicas?: number;
  kvs?: Record<string, unknown>;
  coordinator?: Record<string, unknown>;
  /** Members of the coordinator group (3). */
  coordinators?: number;
  /** Other top-level config sections (lb, web, …), written into the same config file. */
  config?: Record<string, unknown>;
}

export async function startCluster(options: ClusterOptions = {}): Promise<TestCluster> {
  const groups = options.groups ?? 1;
  const replicas = options.replicas ?? 3;
  const coordinatorCount = options.coordinators ?? 3;
  const ports = await freePorts(groups * replicas + coordinatorCount);
  const nodes: Record<string, string> = {};
  for (let g = 0; g < groups; g++) {
    for (let r = 0; r < replicas; r++) nodes[`g${g}r${r}`] = `127.0.0.1:${ports[coordinatorCount + g * replicas + r]}`;
  }
  const members = Array.from({ length: coordinatorCount }, (_, i) => ({ id: `c${i}`, port: ports[i] }));
  const boundaries = ['j', 's', 'w', 'y'].slice(0, groups - 1);
  const env = await makeTestEnv({
    ...options.config,
    kvs: { groups, replicas, nodes, groupBoundaries: boundaries, ...options.kvs },
    coordinator: { members, ...options.coordinator },
  });
  const config = parseConfig(env.config);
  const nodeClients = new Map<string, NodeClient>();
  const services = new Map<string, Service>();
  const cluster: TestCluster = {
    env,
    config,
    nodes: allNodes(config),
    coordinator: new CoordinatorClient(config),
    client: new ClusterClient(config, { retryDeadlineMs: 20_000 }),
    services,
    coordinators: members.map((m) => m.id),
    node(id) {
      let c = nodeClients.get(id);
      if (!c) {
        c = new NodeClient(config, config.kvs.nodes[id]!, 10_000);
        nodeClients.set(id, c);
      }
      return c;
    },
    start(name) {
      const service = cluster.coordinators.includes(name)
        ? startService(env, name, 'cluster/coordinator/main.ts', [name])
        : startService(env, name, 'cluster/kvs/main.ts', [name]);
      services.set(name, service);
      return service;
    },
    async kill9(name) {
      await services.get(name)?.kill9();
      services.delete(name);
    },
    status: () => cluster.coordinator.clusterStatus(),
    async waitHealthy(timeoutMs = 30_000) {
      return waitFor(
        async () => {
          const s = await cluster.status();
          const running = [...services.keys()].filter((n) => !cluster.coordinators.includes(n));
          const groupsOk = s.groups.every((g) => g.primary !== '');
          const nodesOk = running.every((id) => {
            const n = s.nodes.find((x) => x.id === id);
            return n?.inSync && n.state === 'up';
          });
          if (!groupsOk || !nodesOk) return undefined;
          // The coordinator's word is not enough: each primary must itself act as one, at that epoch.
          for (const g of s.groups) {
            const own = await cluster.node(g.primary).status();
            if (own.role !== 'primary' || own.epoch !== g.epoch) return undefined;
          }
          return s;
        },
        { timeoutMs, what: 'every group to have a primary and every running node to be in sync' },
      );
    },
    async primaryOf(group) {
      const s = await cluster.status();
      const primary = s.groups.find((g) => g.group === group)?.primary;
      if (!primary) throw new Error(`group ${group} has no primary`);
      return primary;
    },
    async coordinatorLeader() {
      const s = await cluster.status();
      const leader = s.coordinators.find((c) => c.role === 'leader')?.id;
      if (!leader) throw new Error('no coordinator reports itself the leader');
      return leader;
    },
    async close() {
      await Promise.all([...services.values()].map((s) => s.kill9()));
      cluster.client.close();
      cluster.coordinator.close();
      nodeClients.forEach((c) => c.close());
      await env.cleanup();
    },
  };
  for (const c of cluster.coordinators) cluster.start(c);
  for (const n of cluster.nodes) cluster.start(n.id);
  await cluster.waitHealthy(60_000);
  return cluster;
}

// ---- The mail daemon (cluster/smtp/) on top of a test cluster ----

export interface MailPorts {
  smtpPort: number;
  pop3Port: number;
  grpcPort: number;
  imapPort: number;
}

/** Free ports for the mail daemon, to put under `config.mail` of startCluster's options. */
export async function mailPorts(): Promise<MailPorts> {
  const [smtpPort, pop3Port, grpcPort, imapPort] = (await freePorts(4)) as [number, number, number, number];
  return { smtpPort, pop3Port, grpcPort, imapPort };
}

/**
 * Starts the mail daemon through its entry point (`npm run mail`'s cluster/smtp/main.ts) with
 * the cluster's config, plus `env` overrides (PENNCLOUD__mail__relay=… and the like), and waits
 * until its gRPC Status answers — it listens for SMTP and POP3 before gRPC. Not added to
 * cluster.services (waitHealthy reads those as storage nodes): stop or kill9 it yourself;
 * cluster.close() does not.
 */
export async function startMailDaemon(cluster: TestCluster, env: Record<string, string> = {}, timeoutMs = 30_000): Promise<Service> {
  const service = startService({ ...cluster.env, env: { ...cluster.env.env, ...env } }, 'mail', 'cluster/smtp/main.ts');
  const client = new MailClient(cluster.config, 1000);
  try {
    const exited = service.exited.then(async (code) => {
      const log = await readFile(path.join(cluster.env.dir, 'mail.log'), 'utf8').catch(() => '');
      throw new Error(`the mail daemon exited with ${code} while starting; its log ends:\n${log.split('\n').slice(-15).join('\n')}`);
    });
    exited.catch(() => {});
    await Promise.race([waitFor(() => client.status(), { timeoutMs, what: 'the mail daemon to answer Status' }), exited]);
  } catch (err) {
    await service.kill9();
    throw err;
  } finally {
    client.close();
  }
  return service;
}
