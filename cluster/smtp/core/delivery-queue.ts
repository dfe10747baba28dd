// The outbound queue's rules, without sockets or clocks: what a queued job holds, how long to
// wait before the next attempt (doubling from retryBaseMs, capped at retryMaxMs), what an
// attempt's per-recipient results do to the job, and the bounce the sender gets (RFC 3464).
// The io side (io/outbound.ts) stores jobs, runs attempts and delivers bounces.
import { z } from 'zod';
import { decodeJson, encodeJson } from '../../common/json-value.ts';
import { mailerDaemon } from '../../model/mail/addresses.ts';
import { headerEnd } from '../../model/mail/message-text.ts';
import { rfc5322Date } from './message-format.ts';

/**
 * The queue in the store: row `_mailqueue#jobs` holds one column per job (its id) with the job
 * as JSON; the message waits in `_mailqueue#job#<id>` in chunk columns, as in a mailbox. Names
 * start with "_", which no username does, so they never meet a user's rows.
 */
export const queueRow = '_mailqueue#jobs';

export function queueMessageRow(id: string): string {
  return `_mailqueue#job#${id}`;
}

export const queueJobSchema = z.object({
  id: z.string(),
  /** The local user who sent it; bounces go to their inbox. */
  sender: z.string(),
  /** Envelope sender (MAIL FROM). */
  from: z.string(),
  /** Recipients not yet delivered nor given up on. */
  recipients: z.array(z.string()).min(1),
  /** Attempts made so far. */
  attempts: z.number().int().min(0),
  nextAttemptAtMs: z.number(),
  createdAtMs: z.number(),
  size: z.number().int().min(0),
  chunks: z.number().int().min(1),
  lastError: z.string(),
});
export type QueueJob = z.infer<typeof queueJobSchema>;

export function encodeJob(job: QueueJob): Buffer {
  return encodeJson(queueJobSchema.parse(job));
}

export function decodeJob(value: Buffer): QueueJob | undefined {
  return decodeJson(queueJobSchema, value);
}

export interface RetrySettings {
  deliveryAttemptsMax: number;
  retryBaseMs: number;
  retryMaxMs: number;
}

/** The wait after the given number of failed attempts (1, 2, …): base · 2^(n−1), at most max. */
export function backoffMs(failedAttempts: number, settings: RetrySettings): number {
  const exponent = Math.min(Math.max(0, failedAttempts - 1), 40);
  return Math.min(settings.retryBaseMs * 2 ** exponent, settings.retryMaxMs);
}

export type Outcome = 'delivered' | 'temporary' | 'permanent';

export interface RecipientResult {
  recipient: string;
  outcome: Outcome;
  detail: string;
}

export interface Failure {
  recipient: string;
  /** RFC 3463 status, e.g. 5.1.1, or 4.4.7 when the retries ran out. */
  status: string;
  detail: string;
}

export interface AttemptOutcome {
  /** The job to store for later, or null when nothing remains to deliver. */
  job: QueueJob | null;
  /** Recipients given up on in this attempt: the sender gets a bounce for them. */
  failed: Failure[];
  delivered: string[];
}

/**
 * Applies one attempt's results. Permanent failures are given up on at once; temporary ones are
 * retried until deliveryAttemptsMax attempts were made. A recipient missing from results counts
 * as a temporary failure (the attempt ended before reaching it).
 */
export function afterAttempt(job: QueueJob, results: RecipientResult[], nowMs: number, settings: RetrySettings): AttemptOutcome {
  const byRecipient = new Map(results.map((r) => [r.recipient, r]));
  const attempts = job.attempts + 1;
  const lastTry = attempts >= settings.deliveryAttemptsMax;
  const remaining: string[] = [];
  const failed: Failure[] = [];
  const delivered: string[] = [];
  let lastError = job.lastError;
  for (const recipient of job.recipients) {
    const r = byRecipient.get(recipient) ?? { recipient, outcome: 'temporary' as const, detail: 'not attempted' };
    if (r.outcome === 'delivered') delivered.push(recipient);
    else if (r.outcome === 'permanent') failed.push({ recipient, status: statusOf(r.detail, '5.0.0'), detail: r.detail });
    else {
      lastError = r.detail;
      if (lastTry) failed.push({ recipient, status: '4.4.7', detail: `gave up after ${attempts} attempts; last error: ${r.detail}` });
      else remaining.push(recipient);
    }
  }
  const next =
    remaining.length === 0 ? null : { ...job, recipients: remaining, attempts, lastError, nextAttemptAtMs: nowMs + backoffMs(attempts, settings) };
  return { job: next, failed, delivered };
}

/** An enhanced status code at the start of a server's reply text, or the fallback. */
function statusOf(detail: string, fallback: string): string {
  return /\b([245]\.\d{1,3}\.\d{1,3})\b/.exec(detail)?.[1] ?? fallback;
}

/** Recipients by lower-cased domain, in first-seen order. */
export function groupByDomain(recipients: readonly string[]): Map<string, string[]> {
  const groups = new Map<string, string[]>();
  for (const r of recipients) {
    const domain = r.slice(r.lastIndexOf('@') + 1).toLowerCase();
    const list = groups.get(domain) ?? [];
    list.push(r);
    groups.set(domain, list);
  }
  return groups;
}

/**
 * SMTP reply codes 5xx are permanent (RFC 5321 §4.2.1); 4xx and everything without a code
 * (refused, timed out, DNS trouble) is worth another try.
 */
export function classifyError(responseCode: number | undefined): Exclude<Outcome, 'delivered'> {
  return responseCode !== undefined && responseCode >= 500 && responseCode < 600 ? 'permanent' : 'temporary';
}

export interface BounceInput {
  domain: string;
  /** The local sender's address. */
  to: string;
  failures: Failure[];
  /** The undelivered message; only its header section goes back (RFC 3462 text/rfc822-headers). */
  original: Buffer;
  arrivalDate: Date;
  date: Date;
  /** Unique token for the Message-ID and the MIME boundary. */
  token: string;
}

/** A delivery status notification (RFC 3464) as a multipart/report (RFC 6522) message. */
export function bounceMessage(b: BounceInput): Buffer {
  const boundary = `=_penncloud_bounce_${b.token}`;
  const clean = (s: string) => s.replace(/[\r\n]+/g, ' ').slice(0, 500);
  const lines = b.failures.map((f) => `  <${clean(f.recipient)}>: ${clean(f.detail)}`);
  const perRecipient = b.failures
    .map((f) => `Final-Recipient: rfc822; ${clean(f.recipient)}\r\nAction: failed\r\nStatus: ${f.status.replace(/^4/, '5')}\r\nDiagnostic-Code: smtp; ${clean(f.detail)}\r\n`)
    .join('\r\n');
  const headers = b.original.subarray(0, headerEnd(b.original));
  const head =
    `From: Mail Delivery System <${mailerDaemon(b.domain)}>\r\n` +
    `To: <${b.to}>\r\n` +
    `Subject: Undelivered Mail Returned to Sender\r\n` +
    `Date: ${rfc5322Date(b.date)}\r\n` +
    `Message-ID: <bounce.${b.token}@${b.domain}>\r\n` +
    `Auto-Submitted: auto-replied\r\n` +
    `MIME-Version: 1.0\r\n` +
    `Content-Type: multipart/report; report-type=delivery-status; boundary="${boundary}"\r\n\r\n` +
    `--${boundary}\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n` +
    `Your message could not be delivered to ${b.failures.length === 1 ? 'this recipient' : 'these recipients'}:\r\n\r\n${lines.join('\r\n')}\r\n\r\n` +
    `--${boundary}\r\nContent-Type: message/delivery-status\r\n\r\n` +
    `Reporting-MTA: dns; ${b.domain}\r\nArrival-Date: ${rfc5322Date(b.arrivalDate)}\r\n\r\n${perRecipient}\r\n` +
    `--${boundary}\r\nContent-Type: text/rfc822-headers\r\n\r\n`;
  return Buffer.concat([Buffer.from(head, 'utf8'), headers, Buffer.from(`\r\n--${boundary}--\r\n`, 'utf8')]);
}
