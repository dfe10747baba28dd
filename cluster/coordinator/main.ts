// `npm run coordinator -- <id>`: member <id> (c0, c1, …; c0 when omitted) of the coordinator
// group named by `coordinator.members`. SIGTERM or SIGINT stops it cleanly; Raft state it cannot
// trust, or a write that fails, stops it with exit code 1 rather than risk a vote or an entry
// it acknowledged. Its directory is locked while it runs (common/dir-lock.ts), so a second
// process for the same member exits at start.
import { coordinatorMember, loadConfig, withIdentity } from '../common/config.ts';
import { lockDir } from '../common/dir-lock.ts';
import { createLogger } from '../common/log.ts';
import { memberDir, startCoordinator } from './io/coordinator.ts';

async function main(): Promise<void> {
  const id = process.argv[2] ?? 'c0';
  const config = withIdentity(loadConfig(), id);
  const log = createLogger({ component: 'coordinator', member: id }, { level: config.logLevel });
  let running;
  let lock;
  try {
    coordinatorMember(config, id);
    lock = lockDir(memberDir(config, id), 'coordinator');
    running = await startCoordinator(config, id, log, () => process.exit(1));
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
