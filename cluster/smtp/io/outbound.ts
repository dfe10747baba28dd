// The outbound queue at work: jobs live in the store (queue-store.ts) and, while the daemon
// runs, in memory with a timer for the next due attempt. An attempt delivers each domain's
// recipients with nodemailer to the domain's MX hosts in preference order (core/mx.ts), or to
// mail.relay when it is set. The rules for retries and bounces are core/delivery-queue.ts;
// here they are applied and the result stored before the next attempt is scheduled.
//
// A bounce goes into the sender's inbox (senders of queued mail are always local users), never
// out to another server, so the daemon cannot be used to send backscatter.
import { randomBytes } from 'node:crypto';
import dns from 'node:dns';
import nodemailer from 'nodemailer';
import type { Config } from '../../common/config.ts';
import type { Logger } from '../../common/log.ts';
import {
  afterAttempt,
  bounceMessage,
  classifyError,
  groupByDomain,
  type Failure,
  type QueueJob,
  type RecipientResult,
} from '../core/delivery-queue.ts';
import { addressOf } from '../../model/mail/addresses.ts';
import { ownKey } from '../../model/mail/delivery-marks.ts';
import { routeFor, type MxLookup } from '../core/mx.ts';
import { SmtpError } from '../core/smtp-policy.ts';
import type { MailboxStore } from '../../model/mail/mailbox-store.ts';
import { QueueStore } from './queue-store.ts';

/** The SMTP port of a mail exchanger (RFC 5321 §4.5.4.2 names 25). */
const mxPort = 25;
/** Longest single timer wait; longer waits re-arm (setTimeout's limit is 2^31−1 ms). */
const timerMaxMs = 60 * 60_000;

export type MxLookupFn = (domain: string) => Promise<MxLookup>;

export interface OutboundDeps {
  config: Readonly<Config>;
  log: Logger;
  store: QueueStore;
  mailbox: MailboxStore;
  now?: () => number;
  lookupMx?: MxLookupFn;
}

export interface QueueCounters {
  attempts: number;
  delivered: number;
  bounced: number;
}

export class OutboundQueue {
  private readonly jobs = new Map<string, QueueJob>();
  private readonly inFlight = new Set<string>();
  private readonly running = new Set<Promise<void>>();
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;
  private readonly now: () => number;
  private readonly lookupMx: MxLookupFn;
  readonly counters: QueueCounters = { attempts: 0, delivered: 0, bounced: 0 };

  constructor(private readonly deps: OutboundDeps) {
    this.now = deps.now ?? Date.now;
    this.lookupMx = deps.lookupMx ?? lookupMxWithDns;
  }

  /** Loads the stored jobs and starts working on them. */
  async start(): Promise<void> {
    const { jobs, unreadable } = await this.loadWithRetry();
    for (const job of jobs) this.jobs.set(job.id, job);
    if (unreadable.length) this.deps.log.error(`${unreadable.length} queued jobs cannot be read; left in place`, { ids: unreadable.slice(0, 10) });
    if (jobs.length) this.deps.log.info(`resuming ${jobs.length} queued messages`);
    this.schedule();
  }

  /** Storage may still be electing primaries when the daemon starts: keep asking for a while. */
  private async loadWithRetry(): Promise<Awaited<ReturnType<QueueStore['loadAll']>>> {
    const deadline = this.now() + this.deps.config.timeouts.mailStartupLoadMs;
    for (;;) {
      try {
        return await this.deps.store.loadAll();
      } catch (err) {
        if (this.now() > deadline) throw err;
        this.deps.log.warn('cannot load the outbound queue yet; retrying', { err });
        await new Promise((r) => setTimeout(r, 1000));
      }
    }
  }

  get length(): number {
    return this.jobs.size;
  }

  hasRoom(): boolean {
    return this.jobs.size < this.deps.config.mail.queueLengthMax;
  }

  /**
   * Stores a message for remote recipients; it is durable when this returns. With a delivery
   * key, a message queued before under it (the sender's retry) is not queued again: null.
   */
  async enqueue(sender: string, from: string, recipients: string[], message: Buffer, deliveryKey?: string): Promise<QueueJob | null> {
    if (!this.hasRoom()) throw new SmtpError(452, 'The outbound queue is full; try again later');
    const now = this.now();
    const newId = () => `${now.toString(36).padStart(9, '0')}-${randomBytes(8).toString('hex')}`;
    const job = await this.deps.store.add(newId, { sender, from, recipients, attempts: 0, nextAttemptAtMs: now, createdAtMs: now, lastError: '' }, message, deliveryKey);
    if (!job) return null;
    this.jobs.set(job.id, job);
    this.schedule();
    return job;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await Promise.allSettled([...this.running]);
  }

  private schedule(): void {
    if (this.stopped) return;
    clearTimeout(this.timer);
    const now = this.now();
    let earliest = Infinity;
    for (const job of this.jobs.values()) {
      if (this.inFlight.has(job.id)) continue;
      if (job.nextAttemptAtMs <= now && this.inFlight.size < this.deps.config.mail.deliveryConcurrencyMax) this.launch(job);
      else earliest = Math.min(earliest, job.nextAttemptAtMs);
    }
    if (earliest !== Infinity && this.inFlight.size < this.deps.config.mail.deliveryConcurrencyMax) {
      this.timer = setTimeout(() => this.schedule(), Math.min(Math.max(0, earliest - now), timerMaxMs));
    }
  }

  private launch(job: QueueJob): void {
    this.inFlight.add(job.id);
    const run = this.attempt(job)
      .catch((err: unknown) => {
        // Storage trouble while recording the outcome: the stored job is unchanged, so the
        // attempt repeats later (a recipient may get the message twice; none loses it).
        this.deps.log.error('delivery attempt could not be recorded; will retry', { err, job: job.id });
        const current = this.jobs.get(job.id);
        if (current) this.jobs.set(job.id, { ...current, nextAttemptAtMs: this.now() + this.deps.config.mail.retryBaseMs });
      })
      .finally(() => {
        this.inFlight.delete(job.id);
        this.running.delete(run);
        this.schedule();
      });
    this.running.add(run);
  }

  private async attempt(job: QueueJob): Promise<void> {
    const { config, log, store } = this.deps;
    const message = await store.message(job);
    this.counters.attempts++;
    const results = message
      ? await this.deliver(job, message)
      : job.recipients.map((recipient) => ({ recipient, outcome: 'permanent' as const, detail: '5.3.0 the queued message was lost from storage' }));
    const outcome = afterAttempt(job, results, this.now(), config.mail);
    this.counters.delivered += outcome.delivered.length;
    if (outcome.delivered.length) log.info(`delivered ${job.id} to ${outcome.delivered.join(', ')}`, { job: job.id, attempt: job.attempts + 1 });
    if (outcome.failed.length) {
      await this.bounce(job, outcome.failed, message ?? Buffer.alloc(0));
      this.counters.bounced += outcome.failed.length;
    }
    if (outcome.job) {
      await store.update(outcome.job);
      this.jobs.set(job.id, outcome.job);
      log.info(`will retry ${job.id} in ${outcome.job.nextAttemptAtMs - this.now()} ms: ${outcome.job.lastError}`, { job: job.id, attempt: outcome.job.attempts });
    } else {
      await store.remove(job);
      this.jobs.delete(job.id);
    }
  }

  private async deliver(job: QueueJob, message: Buffer): Promise<RecipientResult[]> {
    const results: RecipientResult[] = [];
    for (const [domain, recipients] of groupByDomain(job.recipients)) {
      results.push(...(await this.deliverToDomain(job, domain, recipients, message)));
    }
    return results;
  }

  private async deliverToDomain(job: QueueJob, domain: string, recipients: string[], message: Buffer): Promise<RecipientResult[]> {
    const all = (outcome: RecipientResult['outcome'], detail: string) => recipients.map((recipient) => ({ recipient, outcome, detail }));
    const relay = this.deps.config.mail.relay;
    let targets: { host: string; port: number }[];
    if (relay) {
      const colon = relay.lastIndexOf(':');
      targets = [{ host: relay.slice(0, colon), port: Number(relay.slice(colon + 1)) }];
    } else {
      const route = routeFor(domain, await this.lookupMx(domain));
      if (route.kind !== 'hosts') return all(route.kind, route.detail);
      targets = route.hosts.map((host) => ({ host, port: mxPort }));
    }
    let lastError = 'no mail exchanger';
    for (const target of targets) {
      const sent = await this.sendOnce(target, job.from, recipients, message);
      if ('connectionError' in sent) {
        lastError = `${target.host}:${target.port}: ${sent.connectionError}`;
        continue;
      }
      return sent.results;
    }
    return all('temporary', `4.4.1 ${lastError}`);
  }

  /** One SMTP transaction; per-recipient results, or a connection error to try the next host. */
  private async sendOnce(
    target: { host: string; port: number },
    from: string,
    recipients: string[],
    message: Buffer,
  ): Promise<{ results: RecipientResult[] } | { connectionError: string }> {
    const timeout = this.deps.config.mail.deliveryTimeoutMs;
    const transport = nodemailer.createTransport({
      host: target.host,
      port: target.port,
      secure: false,
      name: this.deps.config.mail.domain,
      connectionTimeout: timeout,
      greetingTimeout: timeout,
      socketTimeout: timeout,
      // Opportunistic STARTTLS between mail servers (RFC 7435): encrypt when offered, accept
      // self-signed certificates as almost every MX has one.
      tls: { rejectUnauthorized: false },
      logger: false,
      debug: false,
    });
    try {
      const info = await transport.sendMail({ envelope: { from, to: recipients }, raw: message });
      return { results: this.perRecipient(recipients, info.rejectedErrors, null) };
    } catch (err) {
      const e = err as SendError;
      if (e.rejectedErrors?.length) return { results: this.perRecipient(recipients, e.rejectedErrors, e) };
      if (typeof e.responseCode === 'number') {
        const outcome = classifyError(e.responseCode);
        return { results: recipients.map((recipient) => ({ recipient, outcome, detail: replyText(e) })) };
      }
      return { connectionError: e.message ?? String(err) };
    } finally {
      transport.close();
    }
  }

  private perRecipient(recipients: string[], rejected: SendError[] | undefined, whole: SendError | null): RecipientResult[] {
    const byRecipient = new Map((rejected ?? []).map((r) => [String(r.recipient ?? '').toLowerCase(), r]));
    return recipients.map((recipient) => {
      const r = byRecipient.get(recipient.toLowerCase());
      if (r) return { recipient, outcome: classifyError(r.responseCode), detail: replyText(r) };
      // Every recipient of a failed transaction that is not listed shares its fate.
      if (whole) return { recipient, outcome: classifyError(whole.responseCode), detail: replyText(whole) };
      return { recipient, outcome: 'delivered', detail: '' };
    });
  }

  private async bounce(job: QueueJob, failures: Failure[], original: Buffer): Promise<void> {
    const domain = this.deps.config.mail.domain;
    const token = randomBytes(8).toString('hex');
    const raw = bounceMessage({ domain, to: addressOf(job.sender, domain), failures, original, arrivalDate: new Date(job.createdAtMs), date: new Date(this.now()), token });
    // When recording the attempt fails after the bounce is stored, the attempt runs again and
    // bounces the same recipients: the key (job, attempt, recipients) stores that bounce once.
    const deliveryKey = ownKey(['bounce', job.id, String(job.attempts), ...failures.map((f) => f.recipient)]);
    await this.deps.mailbox.store(job.sender, 'inbox', raw, { unread: true, deliveryKey });
    this.deps.log.info(`bounced ${job.id} to ${job.sender}: ${failures.map((f) => f.recipient).join(', ')}`, { job: job.id });
  }
}

interface SendError {
  message?: string;
  responseCode?: number;
  response?: string;
  recipient?: string;
  rejectedErrors?: SendError[];
}

function replyText(e: SendError): string {
  return (e.response ?? e.message ?? 'unknown error').replace(/[\r\n]+/g, ' ').slice(0, 300);
}

/** MX records by node:dns; no records (ENODATA) means the A record (RFC 5321 §5.1). */
export async function lookupMxWithDns(domain: string): Promise<MxLookup> {
  try {
    return { kind: 'records', records: await dns.promises.resolveMx(domain) };
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === dns.NODATA) return { kind: 'no-records' };
    if (code === dns.NOTFOUND) return { kind: 'no-domain' };
    return { kind: 'dns-error', detail: String(code ?? (err as Error).message) };
  }
}

