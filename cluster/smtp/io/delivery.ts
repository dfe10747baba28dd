// Accepting a message, the same for SMTP (onData) and Mail.Send: a copy in each local
// recipient's inbox, one queued job for all remote recipients, and a copy in the sender's Sent
// when the sender is a local user. Everything is stored before accept() returns, so the SMTP
// 250 or the gRPC reply promises durable mail.
//
// If a write fails midway (one recipient's storage group down, another's fine) the caller
// answers with a temporary error (451) and the client sends the whole message again. Each copy
// of a message received over SMTP carries a delivery key (cluster/model/mail/delivery-marks.ts: the copy, the
// envelope sender and the bytes as sent, for messages with a Message-ID), so the retry stores
// only the copies that are missing: nobody gets it twice. accept() waits for every write to
// settle before it fails, so no write of an attempt is still running when the sender retries.
// Mail.Send (the webmail) composes a new Message-ID each time and has no key: a person who
// sends again after an error sends a new message.
//
// The message is held once however many recipients it has: the inbox copies share one buffer
// and, past inlineBytesMax, one stored body (cluster/model/mail/mailbox.ts). Each recipient's
// mailbox quota is checked as its copy is counted: a recipient without room does not get it,
// the others do, and accept() then fails naming who did not (RFC 3463 X.2.2, mailbox full;
// RFC 5321 has one reply for the whole DATA). When nothing was stored anywhere that is 452
// 4.2.2, tried again later (RFC 3463 calls a full mailbox a persistent transient failure).
// Once a copy was stored (another recipient's, or a logged-in sender's Sent copy) it is 552
// 5.2.2: a 4xx would have the sender send it again, and a message without a Message-ID (no
// delivery key) would then be stored twice. The sender's own Sent copy is checked first: a
// sender whose mailbox is full sends nothing.
import type { Logger } from '../../common/log.ts';
import { rfc5322Date, traceHeaders, type TraceInfo } from '../core/message-format.ts';
import { hasHeader, toCrlf } from '../../model/mail/message-text.ts';
import { deliveryKey } from '../../model/mail/delivery-marks.ts';
import { parseMessage } from '../../model/mail/message-summary.ts';
import type { CopyTarget, MailboxStore } from '../../model/mail/mailbox-store.ts';
import { SmtpError } from '../core/smtp-policy.ts';
import type { OutboundQueue } from './outbound.ts';
import { randomHex } from '../../model/mail/random-hex.ts';

export interface Incoming {
  /** The message as the client sent it. */
  raw: Buffer;
  /** The sender's copy when it differs from raw (Mail.Send keeps the Bcc header there). */
  sentCopy?: Buffer;
  /** Envelope sender ('' for the null sender). */
  from: string;
  /** The authenticated local sender, or null. */
  senderUser: string | null;
  localUsers: string[];
  remoteRecipients: string[];
  /** How it arrived, for the Received header; null for messages made here (Mail.Send). */
  trace: Omit<TraceInfo, 'returnPath' | 'date' | 'id'> | null;
}

export interface Accepted {
  id: string;
  /** Id of the copy in the sender's Sent, if any. */
  sentId: string | null;
  queued: boolean;
}

/** How old the state behind an RCPT TO's "there is room" may be (checkRoom). */
const roomCheckAgeMs = 1000;

export class MailDelivery {
  constructor(
    private readonly log: Logger,
    private readonly mailbox: MailboxStore,
    private readonly queue: OutboundQueue,
    private readonly quotaBytes: number,
  ) {}

  /**
   * RCPT TO: 452 4.2.2 when the user's mailbox is already full (it may empty before a retry).
   * "Room" may come from the state this daemon read or wrote up to roomCheckAgeMs ago, which
   * saves a read per message under a stream of deliveries (Dovecot's LMTP skips the check by
   * default for the same cost). Storing the copy decides again from the cell itself: a mailbox
   * another process filled within that second is refused at the end of DATA instead (452 when
   * no one got the message, as at RCPT), as one filled between RCPT and the end of DATA always
   * could be. "Full" is always read afresh, so mail deleted elsewhere makes room at once.
   */
  async checkRoom(user: string): Promise<void> {
    if ((await this.mailbox.usage(user, roomCheckAgeMs)).bytes < this.quotaBytes) return;
    if ((await this.mailbox.usage(user)).bytes >= this.quotaBytes) throw new SmtpError(452, `4.2.2 Mailbox of <${user}> is full; try again later`);
  }

  async accept(incoming: Incoming): Promise<Accepted> {
    const receivedAt = new Date();
    const message = completeSubmission(toCrlf(incoming.raw), incoming, receivedAt);
    const id = incoming.trace ? randomToken() : '';
    const received = incoming.trace
      ? traceHeaders({ ...incoming.trace, returnPath: incoming.from, id, date: receivedAt })
      : Buffer.alloc(0);
    // Return-Path belongs to final delivery (RFC 5321 §4.4); the copy that travels on carries
    // only the Received line.
    const receivedOnly = received.length ? received.subarray(received.indexOf('Received:')) : received;
    const parsed = await parseMessage(message, receivedAt);
    const keyOf = (copy: string) => (incoming.trace ? deliveryKey({ copy, from: incoming.from, raw: incoming.raw }) : undefined);
    const users = [...new Set(incoming.localUsers)];
    const sentCopy = incoming.sentCopy ?? message;
    if (incoming.senderUser && (await this.mailbox.usage(incoming.senderUser)).bytes + sentCopy.length > this.quotaBytes) {
      throw new SmtpError(552, '5.2.2 Your mailbox is full: delete some mail before sending');
    }
    // One buffer for every inbox copy (the trace is the same for all of them).
    const inboxCopy = received.length ? Buffer.concat([received, message]) : message;
    const targets: CopyTarget[] = users.map((user) => ({ user, folder: 'inbox', unread: true, deliveryKey: keyOf(`inbox:${user}`), quotaBytes: this.quotaBytes }));
    const inbox = users.length ? this.mailbox.storeCopies(inboxCopy, targets, { receivedAt, parsed }) : Promise.resolve([]);
    const tasks: Promise<unknown>[] = [];
    let queued = false;
    if (incoming.remoteRecipients.length) {
      if (incoming.senderUser === null) throw new Error('remote recipients need an authenticated sender');
      queued = true;
      const remote = [...new Set(incoming.remoteRecipients)];
      const key = keyOf(`queue:${[...remote].sort().join(',')}`);
      tasks.push(this.queue.enqueue(incoming.senderUser, incoming.from, remote, Buffer.concat([receivedOnly, message]), key));
    }
    const sent = incoming.senderUser
      ? this.mailbox.store(incoming.senderUser, 'sent', sentCopy, { unread: false, receivedAt, parsed, deliveryKey: keyOf(`sent:${incoming.senderUser}`) })
      : null;
    const [sentResult, inboxResult, ...others] = await Promise.allSettled([sent, inbox, ...tasks]);
    const failed = [sentResult, inboxResult, ...others].find((r) => r?.status === 'rejected');
    if (failed) throw (failed as PromiseRejectedResult).reason;
    const sentSummary = sentResult?.status === 'fulfilled' ? sentResult.value : null;
    const sentId = sentSummary ? sentSummary.id : null;
    const results = inboxResult?.status === 'fulfilled' ? inboxResult.value : [];
    const full = users.filter((_, i) => results[i]?.ok === false);
    if (full.length) {
      this.log.info('mailbox full', { users: full, size: inboxCopy.length });
      const others = users.length - full.length + (queued ? 1 : 0);
      const names = full.map((u) => `<${u}>`).join(', ');
      if (others === 0 && !sentSummary) throw new SmtpError(452, `4.2.2 Mailbox full: ${names}; try again later`);
      throw new SmtpError(552, `5.2.2 Mailbox full: ${names}${others ? '; delivered to the other recipients' : ''}`);
    }
    this.log.debug('accepted', { from: incoming.from, local: users.length, remote: incoming.remoteRecipients.length, size: message.length });
    return { id: sentId ?? id, sentId, queued };
  }
}

function randomToken(): string {
  return randomHex(6);
}

/**
 * RFC 6409 §8.2–8.3: a submission server may add a missing Date and Message-ID. Only for
 * messages our own users submit over SMTP; mail from other servers is stored as it came.
 */
function completeSubmission(message: Buffer, incoming: Incoming, now: Date): Buffer {
  if (incoming.senderUser === null || incoming.trace === null) return message;
  const domain = incoming.from.slice(incoming.from.lastIndexOf('@') + 1);
  let added = '';
  if (!hasHeader(message, 'date')) added += `Date: ${rfc5322Date(now)}\r\n`;
  if (!hasHeader(message, 'message-id')) added += `Message-ID: <${now.getTime().toString(36)}.${randomHex(8)}@${domain}>\r\n`;
  return added ? Buffer.concat([Buffer.from(added), message]) : message;
}
