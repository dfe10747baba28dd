// One standalone KVS node in its own process, with every row routed to it: the fixture of the
// storage-node tests and benchmark.
import { NodeClient } from '../../cluster/kvs/client.ts';
import { freePorts, makeTestEnv, startService, waitFor, type Service, type TestEnv } from './processes.ts';
import { parseConfig, type Config } from '../../cluster/common/config.ts';

export interface SingleNode {
  env: TestEnv;
  /** The node's config, as the test process reads it (it presents the admin certificate). */
  config: Readonly<Config>;
  address: string;
  client: NodeClient;
  service: Service;
  /** Starts the process again (after kill9 or stop) and waits until it serves. */
  restart(): Promise<void>;
  close(): Promise<void>;
}

export async function startSingleNode(kvs: Record<string, unknown> = {}): Promise<SingleNode> {
  const [port] = await freePorts(1);
  const address = `127.0.0.1:${port}`;
  const env = await makeTestEnv({
    kvs: { standalone: true, groups: 1, replicas: 1, groupBoundaries: [], nodes: { g0r0: address }, ...kvs },
  });
  const config = parseConfig(env.config);
  const client = new NodeClient(config, address, 10_000);
  const node: SingleNode = {
    env,
    config,
    address,
    client,
    service: startService(env, 'g0r0', 'cluster/kvs/main.ts', ['g0r0']),
    async restart() {
      node.service = startService(env, 'g0r0', 'cluster/kvs/main.ts', ['g0r0']);
      await waitUp(node);
    },
    async close() {
      await node.service.kill9();
      client.close();
      await env.cleanup();
    },
  };
  await waitUp(node);
  return node;
}

async function waitUp(node: SingleNode): Promise<void> {
  await waitFor(
    async () => {
      if (node.service.child.exitCode !== null) throw new Error(`node exited with ${node.service.child.exitCode}`);
      return (await node.client.status()).state === 'up';
    },
    { timeoutMs: 30_000, what: 'the node to serve' },
  );
}
