// `npm run coordinator`: the coordinator from the shared config. SIGTERM or SIGINT stops it
// cleanly (pending persists finish first); a membership file it cannot trust, or a persist that
// fails, stops it with exit code 1 rather than risk reusing an epoch. Its directory is locked
// while it runs (common/dir-lock.ts), so a second coordinator on the same data exits at start.
import path from 'node:path';
import { loadConfig } from '../common/config.ts';
import { lockDir } from '../common/dir-lock.ts';
import { createLogger } from '../common/log.ts';
import { startCoordinator } from './io/coordinator.ts';

async function main(): Promise<void> {
  const config = loadConfig();
  const log = createLogger({ component: 'coordinator' }, { level: config.logLevel });
  let running;
  let lock;
  try {
    lock = lockDir(path.join(config.dataDir, 'coordinator'), 'coordinator');
    running = await startCoordinator(config, log, () => process.exit(1));
  } catch (err) {
    log.error(`cannot start: ${err instanceof Error ? err.message : String(err)}`);
    process.exit(1);
  }
  const coordinator = running;
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info(`coordinator stopping on ${signal}`);
    await coordinator.stop();
    lock.release();
    process.exit(0);
  };
  process.on('SIGTERM', () => void stop('SIGTERM'));
  process.on('SIGINT', () => void stop('SIGINT'));
}

main().catch((err: unknown) => {
  process.stderr.write(`coordinator failed: ${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
