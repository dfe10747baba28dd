// `npm run mail`: the mail daemon from the shared config — SMTP on mail.smtpPort, POP3 on
// mail.pop3Port, IMAP on mail.imapPort (all on mail.host, default the cluster's host), gRPC on
// mail.grpcHost:mail.grpcPort.
// SIGTERM or SIGINT stops it cleanly; queued mail stays in the store for the next start.
import { loadConfig, withIdentity } from '../common/config.ts';
import { createLogger } from '../common/log.ts';
import { failedToStart, startOrExit, stopOnSignals } from '../common/process-main.ts';
import { startDaemon } from './io/daemon.ts';

async function main(): Promise<void> {
  const config = withIdentity(loadConfig(), 'mail');
  const log = createLogger({ component: 'mail' }, { level: config.logLevel });
  const running = await startOrExit(log, () => startDaemon(config, log));
  const host = config.mail.host ?? config.host;
  log.info(`mail daemon for @${config.mail.domain}: SMTP ${host}:${running.smtpPort}, POP3 ${host}:${running.pop3Port}, IMAP ${host}:${running.imapPort}, gRPC ${config.mail.grpcHost ?? config.host}:${running.grpcPort}`, {
    queued: running.queue.length,
  });
  // Stopping waits for deliveries under way; ten seconds is enough for a clean stop, and a
  // delivery cut short is retried from the queue at the next start.
  stopOnSignals(log, 'mail daemon', () => running.stop(), 10_000);
}

main().catch(failedToStart('mail daemon'));
