// The mail daemon put together: storage clients, the TLS material, the outbound queue (loaded
// from the store before anything listens, so queued mail resumes at once), then SMTP, POP3, IMAP
// and gRPC listeners. stop() closes the listeners, ends sessions (POP3 sessions end without
// UPDATE, so nothing is deleted; IMAP sessions hear BYE) and waits for deliveries in flight and
// the delivery marks they left being written.
import * as grpc from '@grpc/grpc-js';
import type net from 'node:net';
import type { Config } from '../../common/config.ts';
import { bindServer, shutdownServer } from '../../common/grpc.ts';
import type { Logger } from '../../common/log.ts';
import { ClusterClient } from '../../kvs/cluster-client.ts';
import { Accounts } from './accounts.ts';
import { MailDelivery } from './delivery.ts';
import { IntakeLimits } from '../core/intake-limits.ts';
import { createImapServer } from './imap-listener.ts';
import { LoginCheck } from './login-check.ts';
import { addMailService } from './mail-service.ts';
import { MailboxStore } from '../../model/mail/mailbox-store.ts';
import { OutboundQueue, type MxLookupFn } from './outbound.ts';
import { createPop3Server } from './pop3-server.ts';
import { QueueStore } from './queue-store.ts';
import { createSmtpServer } from './smtp-listener.ts';
import { loadTls } from './tls.ts';
import { mailGrpcOptions } from './wire.ts';

export interface RunningDaemon {
  smtpPort: number;
  pop3Port: number;
  imapPort: number;
  grpcPort: number;
  queue: OutboundQueue;
  stop(): Promise<void>;
}

export interface DaemonOptions {
  lookupMx?: MxLookupFn;
}

export async function startDaemon(config: Readonly<Config>, log: Logger, options: DaemonOptions = {}): Promise<RunningDaemon> {
  const mail = config.mail;
  const host = mail.host ?? config.host;
  // SMTP and POP3 clients wait on every store operation: each rides out a failover and then
  // gives up, so they hear 451 / -ERR [SYS/TEMP] within ~3 s instead of a hang. The outbound
  // queue retries on its own schedule (outbound.ts), and its start-up load keeps asking.
  const cluster = new ClusterClient(config, { operationDeadlineMs: config.timeouts.interactiveOperationMs });
  const accounts = Accounts.open(cluster, config);
  const tls = await loadTls(config, log);
  // Message bytes (chunks) get a transfer's deadline: see MailboxStore.
  const chunkCluster = new ClusterClient(config, { operationDeadlineMs: config.timeouts.transferOperationMs });
  const mailbox = new MailboxStore(cluster, mail.chunkBytes, chunkCluster);
  const queueStore = new QueueStore(cluster, mail.chunkBytes);
  const queue = new OutboundQueue({ config, log: log.child({ part: 'outbound' }), store: queueStore, mailbox, ...(options.lookupMx ? { lookupMx: options.lookupMx } : {}) });
  await queue.start();
  const delivery = new MailDelivery(log, mailbox, queue, mail.mailboxQuotaBytes);
  // One count of sends per user for SMTP submission and Mail.Send alike.
  const limits = new IntakeLimits(mail);
  const login = new LoginCheck(config, accounts, log);

  const smtp = createSmtpServer({ config, log: log.child({ part: 'smtp' }), accounts, login, delivery, queue, tls, cluster, limits });
  const smtpPort = await listen(smtp.server.server, mail.smtpPort, host);
  const pop3 = createPop3Server({ config, log: log.child({ part: 'pop3' }), login, mailbox, tls, cluster });
  const pop3Port = await listen(pop3.server, mail.pop3Port, host);
  const imap = createImapServer({ config, log: log.child({ part: 'imap' }), login, mailbox, cluster, tls });
  const imapPort = await imap.listen(mail.imapPort, host);

  const startedAtMs = Date.now();
  const grpcServer = new grpc.Server(mailGrpcOptions(config));
  addMailService(grpcServer, {
    config,
    log: log.child({ part: 'grpc' }),
    accounts,
    delivery,
    limits,
    status: () => ({
      queue_length: queue.length,
      started_at_ms: startedAtMs,
      rss_bytes: process.memoryUsage.rss(),
      smtp_connections: smtp.counters.connections,
      smtp_messages: smtp.counters.messages,
      pop3_sessions: pop3.counters.sessions,
      pop3_retrieved: pop3.counters.retrieved,
      pop3_deleted: pop3.counters.deleted,
      delivery_attempts: queue.counters.attempts,
      delivered_remote: queue.counters.delivered,
      bounced: queue.counters.bounced,
      domain: mail.domain,
      smtp_port: smtpPort,
      pop3_port: pop3Port,
    }),
  });
  const grpcPort = await bindServer(grpcServer, `${mail.grpcHost ?? config.host}:${mail.grpcPort}`, config);

  return {
    smtpPort,
    pop3Port,
    imapPort,
    grpcPort,
    queue,
    async stop() {
      pop3.server.close();
      pop3.closeAll();
      await Promise.all([new Promise<void>((resolve) => smtp.server.close(() => resolve())), imap.close(), shutdownServer(grpcServer), queue.stop()]);
      // Delivery marks written after their 250 (cluster/model/mail/delivery-marks-store.ts): each gives up within the
      // store's deadline.
      await Promise.all([mailbox.idle(), queueStore.idle()]);
      cluster.close();
      chunkCluster.close();
    },
  };
}

function listen(server: net.Server, port: number, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve((server.address() as net.AddressInfo).port);
    });
  });
}
