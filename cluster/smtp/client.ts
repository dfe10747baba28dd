// A typed client for the mail daemon's gRPC service: the frontends send mail through it, the
// admin console reads the status. A deadline on every call, errors as PennError.
import * as grpc from '@grpc/grpc-js';
import type { Config } from '../common/config.ts';
import { callUnary } from '../common/grpc.ts';
import { MailService, mailGrpcOptions, type SendReply__Output, type SendRequest, type StatusReply__Output } from './io/wire.ts';
import { channelCredentials } from '../common/tls/credentials.ts';

export interface SendMail {
  user: string;
  to: string[];
  cc?: string[];
  bcc?: string[];
  subject: string;
  text: string;
  html?: string;
  attachments?: { filename: string; contentType?: string; content: Buffer }[];
  inReplyTo?: string;
  references?: string[];
  fromName?: string;
}

export interface SendResult {
  sentId: string;
  messageId: string;
  delivered: string[];
  queued: string[];
}

export interface MailStatus {
  queueLength: number;
  startedAtMs: number;
  rssBytes: number;
  smtpConnections: number;
  smtpMessages: number;
  pop3Sessions: number;
  pop3Retrieved: number;
  pop3Deleted: number;
  deliveryAttempts: number;
  deliveredRemote: number;
  bounced: number;
  sentByGrpc: number;
  domain: string;
  smtpPort: number;
  pop3Port: number;
}

/** Where the daemon's gRPC service binds and is reached: mail.grpcHost, else the top-level host. */
export function mailAddress(config: Readonly<Config>): string {
  return `${config.mail.grpcHost ?? config.host}:${config.mail.grpcPort}`;
}

export class MailClient {
  private readonly client: grpc.Client;

  constructor(
    config: Readonly<Config>,
    private readonly timeoutMs: number = config.timeouts.mailSubmitMs,
  ) {
    this.client = new MailService(mailAddress(config), channelCredentials(config), mailGrpcOptions(config));
  }

  async send(mail: SendMail): Promise<SendResult> {
    const request: SendRequest = {
      user: mail.user,
      to: mail.to,
      cc: mail.cc ?? [],
      bcc: mail.bcc ?? [],
      subject: mail.subject,
      text: mail.text,
      html: mail.html ?? '',
      attachments: (mail.attachments ?? []).map((a) => ({ filename: a.filename, content_type: a.contentType ?? '', content: a.content })),
      in_reply_to: mail.inReplyTo ?? '',
      references: mail.references ?? [],
      from_name: mail.fromName ?? '',
    };
    const r = await callUnary<SendReply__Output>(this.client, 'Send', request, this.timeoutMs);
    return { sentId: r.sent_id, messageId: r.message_id, delivered: r.delivered, queued: r.queued };
  }

  async status(): Promise<MailStatus> {
    const r = await callUnary<StatusReply__Output>(this.client, 'Status', {}, Math.min(this.timeoutMs, 5000));
    return {
      queueLength: r.queue_length,
      startedAtMs: r.started_at_ms,
      rssBytes: r.rss_bytes,
      smtpConnections: r.smtp_connections,
      smtpMessages: r.smtp_messages,
      pop3Sessions: r.pop3_sessions,
      pop3Retrieved: r.pop3_retrieved,
      pop3Deleted: r.pop3_deleted,
      deliveryAttempts: r.delivery_attempts,
      deliveredRemote: r.delivered_remote,
      bounced: r.bounced,
      sentByGrpc: r.sent_by_grpc,
      domain: r.domain,
      smtpPort: r.smtp_port,
      pop3Port: r.pop3_port,
    };
  }

  close(): void {
    this.client.close();
  }
}
