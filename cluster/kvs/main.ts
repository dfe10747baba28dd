// `npm run kvs -- <node-id>`: one storage node from the shared config, replicated through the
// coordinator (or alone with kvs.standalone). SIGTERM or SIGINT
// checkpoints and exits; a failed log write exits at once (the disk can no longer be trusted).
// A node's directory is locked while it runs (common/dir-lock.ts): a second process exits at start.
import * as grpc from '@grpc/grpc-js';
import { loadConfig, nodeRef, withIdentity } from '../common/config.ts';
import { bindServer, channelOptions, shutdownServer } from '../common/grpc.ts';
import { lockDir } from '../common/dir-lock.ts';
import { createLogger } from '../common/log.ts';
import { CoordinatorClient } from '../coordinator/client.ts';
import { KvsNode } from './io/node.ts';
import { addNodeServices } from './io/server.ts';

async function main(): Promise<void> {
  const id = process.argv[2];
  if (!id) {
    process.stderr.write('usage: npm run kvs -- <node-id>   (e.g. g0r0)\n');
    process.exit(2);
  }
  const config = withIdentity(loadConfig(), id);
  const ref = nodeRef(config, id);
  const log = createLogger({ component: 'kvs', node: ref.id, group: ref.group }, { level: config.logLevel });
  let lock;
  try {
    lock = lockDir(KvsNode.dirOf(config, ref.id), ref.id);
  } catch (err) {
    log.error(`cannot start: ${(err as Error).message}`);
    process.exit(1);
  }
  const coordinator = config.kvs.standalone ? undefined : new CoordinatorClient(config, Math.max(100, config.coordinator.leaseMs / 3));
  const node = new KvsNode(ref, config, log, {
    coordinator,
    onFatal: (err) => {
      log.error('log write failed; stopping', { err });
      process.exit(1);
    },
  });
  await node.start();
  const server = new grpc.Server(channelOptions);
  addNodeServices(server, config, node, log);
  await bindServer(server, ref.address, config);
  log.info(`${ref.id} listening on ${ref.address}`);

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info(`${ref.id} stopping on ${signal}`);
    await shutdownServer(server);
    await node.close();
    lock.release();
    process.exit(0);
  };
  process.on('SIGTERM', () => void stop('SIGTERM'));
  process.on('SIGINT', () => void stop('SIGINT'));
}

main().catch((err: unknown) => {
  process.stderr.write(`kvs node failed to start: ${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
