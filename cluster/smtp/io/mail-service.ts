// gRPC Mail.Send and Mail.Status. Send trusts the frontend for who the user is (the gRPC port
// binds to the cluster's host, loopback by default, like every internal service) and checks
// everything else: the sender exists, every address parses, every local recipient exists —
// before anything is stored, so a bad address never leaves a half-sent message.
import * as grpc from '@grpc/grpc-js';
import type { Config } from '../../common/config.ts';
import { PennError } from '../../common/errors.ts';
import { unary } from '../../common/grpc.ts';
import type { Logger } from '../../common/log.ts';
import { usernamePattern } from '../../model/accounts/username.ts';
import { addressOf, classifyAddress } from '../../model/mail/addresses.ts';
import { clip } from '../../model/mail/mailbox.ts';
import { SmtpError } from '../core/smtp-policy.ts';
import type { Accounts } from './accounts.ts';
import { addressesIn, compose } from './compose.ts';
import type { MailDelivery } from './delivery.ts';
import type { IntakeLimits } from '../core/intake-limits.ts';
import { MailService, type SendReply, type SendRequest__Output, type StatusReply, type StatusReply__Output } from './wire.ts';
import { addGuardedService } from '../../common/tls/credentials.ts';

/** Limits on one Send request besides the message size. */
const sendLimits = { subjectChars: 998, attachmentsMax: 100 } as const;

export interface MailServiceDeps {
  config: Readonly<Config>;
  log: Logger;
  accounts: Accounts;
  delivery: MailDelivery;
  /** The hourly count of sends per user, shared with SMTP submission. */
  limits: IntakeLimits;
  status: () => Omit<StatusReply__Output, 'sent_by_grpc'>;
}

// Sending as any user is the frontends' job only (they checked the user's session); the status
// is for the admin console and the tools.
const policy = { Send: ['frontend'], Status: ['frontend', 'admin', 'lb', 'node', 'coordinator', 'mail'] } as const;

export function addMailService(server: grpc.Server, deps: MailServiceDeps): void {
  let sent = 0;
  addGuardedService(server, deps.config, MailService.service, policy, {
    Send: unary(deps.log, 'Send', async (req: SendRequest__Output): Promise<SendReply> => {
      const reply = await send(deps, req);
      sent++;
      return reply;
    }),
    Status: unary(deps.log, 'Status', (): StatusReply => ({ ...deps.status(), sent_by_grpc: sent })),
  });
}

async function send(deps: MailServiceDeps, req: SendRequest__Output): Promise<SendReply> {
  const { config, accounts } = deps;
  const domain = config.mail.domain;
  if (!usernamePattern.test(req.user) || !(await accounts.exists(req.user))) {
    throw new PennError('invalid_argument', `unknown sender "${req.user}"`);
  }
  try {
    deps.limits.checkUser(req.user, Date.now());
  } catch (err) {
    throw new PennError('resource_exhausted', (err as Error).message);
  }
  if (req.subject.length > sendLimits.subjectChars) throw new PennError('invalid_argument', `the subject is longer than ${sendLimits.subjectChars} characters`);
  if (req.attachments.length > sendLimits.attachmentsMax) throw new PennError('invalid_argument', `at most ${sendLimits.attachmentsMax} attachments`);
  const fields = { to: req.to, cc: req.cc, bcc: req.bcc };
  const localUsers: string[] = [];
  const remote: string[] = [];
  const all: string[] = [];
  for (const [field, entries] of Object.entries(fields)) {
    for (const entry of entries) {
      const addresses = addressesIn(entry);
      if (addresses.length === 0) throw new PennError('invalid_argument', `"${clip(entry, 80)}" in ${field} is not an email address`);
      all.push(...addresses);
    }
  }
  if (all.length === 0) throw new PennError('invalid_argument', 'the message needs at least one recipient');
  if (all.length > config.mail.recipientsMax) throw new PennError('invalid_argument', `at most ${config.mail.recipientsMax} recipients`);
  for (const address of all) {
    const kind = classifyAddress(address, domain);
    if (kind.kind === 'invalid') throw new PennError('invalid_argument', `"${clip(address, 80)}" is not a valid email address`);
    if (kind.kind === 'local-invalid') throw new PennError('not_found', `there is no user ${clip(address, 80)}`);
    if (kind.kind === 'remote') remote.push(address);
    else if (!(await accounts.exists(kind.user))) throw new PennError('not_found', `there is no user ${address}`);
    else localUsers.push(kind.user);
  }
  const from = addressOf(req.user, domain);
  const composed = await compose({
    from: { name: req.from_name.replace(/[\r\n]/g, ' ').slice(0, 200), address: from },
    to: req.to,
    cc: req.cc,
    bcc: req.bcc,
    subject: req.subject,
    text: req.text,
    html: req.html,
    attachments: req.attachments.map((a) => ({ filename: a.filename.slice(0, 255), contentType: a.content_type, content: a.content })),
    inReplyTo: req.in_reply_to,
    references: req.references,
    domain,
    date: new Date(),
  });
  if (composed.sentCopy.length > config.mail.messageBytesMax) {
    throw new PennError('resource_exhausted', `the message is ${composed.sentCopy.length} bytes; the limit is ${config.mail.messageBytesMax}`);
  }
  try {
    const accepted = await deps.delivery.accept({
      raw: composed.message,
      sentCopy: composed.sentCopy,
      from,
      senderUser: req.user,
      localUsers,
      remoteRecipients: remote,
      trace: null,
    });
    deps.limits.recordUser(req.user, Date.now());
    return { sent_id: accepted.sentId ?? '', message_id: composed.messageId, delivered: [...new Set(localUsers)], queued: [...new Set(remote)] };
  } catch (err) {
    // A full mailbox (452/552 x.2.2) or a limit (451 4.7.1) is the sender's to know about.
    if (err instanceof SmtpError) throw new PennError([451, 452, 552].includes(err.responseCode) ? 'resource_exhausted' : 'internal', err.message);
    throw err;
  }
}
