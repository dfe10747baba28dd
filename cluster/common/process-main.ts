// What every process's main.ts does around its own start: a start that fails is logged and exits
// with code 1 (so a supervisor restarts it, and a wrong config shows in the log), and SIGTERM or
// SIGINT stops it once, cleanly, then exits with code 0.
import type { Logger } from './log.ts';

/** `start()`, or exit 1 having logged why it could not start. */
export async function startOrExit<T>(log: Logger, start: () => Promise<T> | T): Promise<T> {
  try {
    return await start();
  } catch (err) {
    log.error(`cannot start: ${err instanceof Error ? err.message : String(err)}`);
    process.exit(1);
  }
}

/**
 * On the first SIGTERM or SIGINT: logs it, runs `stop`, exits 0. With `forceExitMs`, exits 0 after
 * that long even if `stop` has not finished (whatever it was waiting for is safe to abandon).
 */
export function stopOnSignals(log: Logger, what: string, stop: () => Promise<void>, forceExitMs?: number): void {
  let stopping = false;
  const onSignal = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info(`${what} stopping on ${signal}`);
    if (forceExitMs !== undefined) setTimeout(() => process.exit(0), forceExitMs).unref();
    await stop();
    process.exit(0);
  };
  process.on('SIGTERM', () => void onSignal('SIGTERM'));
  process.on('SIGINT', () => void onSignal('SIGINT'));
}

/** For `main().catch(…)`: anything main throws before its logger exists goes to stderr, exit 1. */
export function failedToStart(what: string): (err: unknown) => never {
  return (err) => {
    process.stderr.write(`${what} failed to start: ${err instanceof Error ? err.stack : String(err)}\n`);
    process.exit(1);
  };
}
