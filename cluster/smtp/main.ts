// `npm run mail`: the mail daemon from the shared config — SMTP on mail.smtpPort, POP3 on
// mail.pop3Port (both on mail.host, default the cluster's host), gRPC on mail.grpcHost:mail.grpcPort.
// SIGTERM or SIGINT stops it cleanly; queued mail stays in the store for the next start.
import { loadConfig, withIdentity } from '../common/config.ts';
import { createLogger } from '../common/log.ts';
import { startDaemon } from './io/daemon.ts';

async function main(): Promise<void> {
  const config = withIdentity(loadConfig(), 'mail');
  const log = createLogger({ component: 'mail' }, { level: config.logLevel });
  let daemon;
  try {
    daemon = await startDaemon(config, log);
  } catch (err) {
    log.error(`cannot start: ${err instanceof Error ? err.message : String(err)}`, { err });
    process.exit(1);
  }
  const running = daemon;
  const host = config.mail.host ?? config.host;
  log.info(`mail daemon for @${config.mail.domain}: SMTP ${host}:${running.smtpPort}, POP3 ${host}:${running.pop3Port}, gRPC ${config.mail.grpcHost ?? config.host}:${running.grpcPort}`, {
    queued: running.queue.length,
  });
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info(`mail daemon stopping on ${signal}`);
    const force = setTimeout(() => process.exit(0), 10_000);
    await running.stop();
    clearTimeout(force);
    process.exit(0);
  };
  process.on('SIGTERM', () => void stop('SIGTERM'));
  process.on('SIGINT', () => void stop('SIGINT'));
}

main().catch((err: unknown) => {
  process.stderr.write(`mail daemon failed: ${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
