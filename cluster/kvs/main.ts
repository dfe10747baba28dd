// `npm run kvs -- <node-id>`: one storage node from the shared config, replicated through the
// coordinator (or alone with kvs.standalone). SIGTERM or SIGINT
// checkpoints and exits; a failed log write exits at once (the disk can no longer be trusted).
// A node's directory is locked while it runs (common/dir-lock.ts): a second process exits at start.
import * as grpc from '@grpc/grpc-js';
import { loadConfig, nodeRef, withIdentity } from '../common/config.ts';
import { bindServer, channelOptions, shutdownServer } from '../common/grpc.ts';
import { lockDir } from '../common/dir-lock.ts';
import { createLogger } from '../common/log.ts';
import { failedToStart, startOrExit, stopOnSignals } from '../common/process-main.ts';
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
  const lock = await startOrExit(log, () => lockDir(KvsNode.dirOf(config, ref.id), ref.id));
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
  const streams = addNodeServices(server, config, node, log);
  await bindServer(server, ref.address, config);
  log.info(`${ref.id} listening on ${ref.address}`);

  stopOnSignals(log, ref.id, async () => {
    streams.endAll();
    await shutdownServer(server);
    await node.close();
    lock.release();
  });
}

main().catch(failedToStart('kvs node'));
