// `npm run coordinator -- <id>`: member <id> (c0, c1, …; c0 when omitted) of the coordinator
// group named by `coordinator.members`. SIGTERM or SIGINT stops it cleanly; Raft state it cannot
// trust, or a write that fails, stops it with exit code 1 rather than risk a vote or an entry
// it acknowledged. Its directory is locked while it runs (common/dir-lock.ts), so a second
// process for the same member exits at start.
import { coordinatorMember, loadConfig, withIdentity } from '../common/config.ts';
import { lockDir } from '../common/dir-lock.ts';
import { createLogger } from '../common/log.ts';
import { failedToStart, startOrExit, stopOnSignals } from '../common/process-main.ts';
import { memberDir, startCoordinator } from './io/coordinator.ts';

async function main(): Promise<void> {
  const id = process.argv[2] ?? 'c0';
  const config = withIdentity(loadConfig(), id);
  const log = createLogger({ component: 'coordinator', member: id }, { level: config.logLevel });
  const { coordinator, lock } = await startOrExit(log, async () => {
    coordinatorMember(config, id);
    const lock = lockDir(memberDir(config, id), 'coordinator');
    return { coordinator: await startCoordinator(config, id, log, () => process.exit(1)), lock };
  });
  stopOnSignals(log, 'coordinator', async () => {
    await coordinator.stop();
    lock.release();
  });
}

main().catch(failedToStart('coordinator'));
