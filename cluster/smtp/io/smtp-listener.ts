// The SMTP side: smtp-server does the protocol (EHLO, SIZE, 8BITMIME, PIPELINING, STARTTLS,
// AUTH PLAIN/LOGIN, dot-stuffing of RFC 5321 §4.5.2 on input); this file answers its questions
// with the decisions of core/smtp-policy.ts and hands complete messages to MailDelivery.
//
// AUTH on a connection that is neither loopback nor TLS: not advertised and refused, so no
// password ever crosses the network in the clear; after STARTTLS it is offered again.
//
// Limits on intake besides smtp-server's own (size, idle time, connections): a client that
// neither logs in nor starts a message within timeouts.smtpBeforeMailMs is disconnected (421);
// one connection delivers at most mail.inboundMessagesPerConnectionMax messages; senders and
// users are held to hourly counts (core/intake-limits.ts); a logged-in session ends (421 4.7.0)
// at its next MAIL, RCPT or DATA once its account's sessions were ended (session-check.ts).
import { SMTPServer, type SMTPServerAddress, type SMTPServerDataStream, type SMTPServerSession } from 'smtp-server';
import type { Config } from '../../common/config.ts';
import { isPennError } from '../../common/errors.ts';
import type { Logger } from '../../common/log.ts';
import { ConnectionLimits } from '../core/connection-limits.ts';
import { connectionMessagesError, type IntakeLimits } from '../core/intake-limits.ts';
import { loginName } from '../../model/mail/addresses.ts';
import type { ClusterClient } from '../../kvs/cluster-client.ts';
import { SessionCheck, sessionCheckTiming } from './session-check.ts';
import { LineLengthGuard, textLineBytesMax } from '../core/message-format.ts';
import {
  SmtpError,
  authAllowed,
  authNotAllowedError,
  checkSender,
  noSuchUser,
  routeRecipient,
  transmissionType,
  type SessionFacts,
} from '../core/smtp-policy.ts';
import type { Accounts } from './accounts.ts';
import type { MailDelivery } from './delivery.ts';
import type { LoginCheck } from './login-check.ts';
import type { OutboundQueue } from './outbound.ts';
import type { TlsMaterial } from './tls.ts';

export interface SmtpDeps {
  config: Readonly<Config>;
  log: Logger;
  accounts: Accounts;
  login: LoginCheck;
  delivery: MailDelivery;
  queue: OutboundQueue;
  tls: TlsMaterial | null;
  cluster: ClusterClient;
  limits: IntakeLimits;
}

export interface SmtpCounters {
  connections: number;
  messages: number;
}

interface SessionUser {
  username: string;
}

/** What this file keeps per connection. */
interface Counted {
  address: string;
  user: string | null;
  /** Messages delivered on this connection. */
  messages: number;
  /** Closes the connection unless it logs in or starts a message in time. */
  beforeMail: NodeJS.Timeout | null;
  check: SessionCheck | null;
}

/** A session whose account's sessions were ended (password change, log out everywhere). */
const sessionEnded = () => new SmtpError(421, '4.7.0 Your session has ended (password changed or signed out everywhere); log in again');

function facts(session: SMTPServerSession): SessionFacts {
  const user = session.user as SessionUser | undefined;
  return { user: user?.username ?? null, remoteAddress: session.remoteAddress, secure: session.secure };
}

/** Runs a policy step and answers smtp-server's callback exactly once. */
function answer(callback: (err?: Error | null) => void, log: Logger, step: () => Promise<void> | void): void {
  Promise.resolve()
    .then(step)
    .then(
      () => callback(),
      (err: unknown) => callback(toSmtpError(err, log)),
    );
}

/**
 * RFC 5321 §4.2.5: 451 is "local error in processing", a transient failure the sender retries;
 * the enhanced code 4.3.0 (RFC 3463: mail system, other) is in the text, as smtp-server leaves
 * ENHANCEDSTATUSCODES off. The store gives up within `timeouts.interactiveOperationMs`, so the sender hears
 * this promptly instead of timing out, and a retry of the same message is not stored twice
 * (delivery.ts).
 */
function toSmtpError(err: unknown, log: Logger): SmtpError {
  if (err instanceof SmtpError) return err;
  if (isPennError(err) && ['unavailable', 'deadline_exceeded', 'aborted', 'resource_exhausted'].includes(err.code)) {
    log.warn('storage unavailable during an SMTP transaction', { err });
    return new SmtpError(451, '4.3.0 Mail storage is temporarily unavailable; try again later');
  }
  log.error('SMTP handler failed', { err });
  return new SmtpError(451, '4.3.0 Local error in processing; try again later');
}

export function createSmtpServer(deps: SmtpDeps): { server: SMTPServer; counters: SmtpCounters } {
  const { config, log } = deps;
  const mail = config.mail;
  const connections = new ConnectionLimits(mail.connectionsMax, mail.connectionsPerAddressMax);
  const userSessions = new ConnectionLimits(Number.MAX_SAFE_INTEGER, mail.connectionsPerAddressMax);
  /** Sessions counted in `connections`, by id, with the user they logged in as. */
  const counted = new Map<string, Counted>();
  const counters: SmtpCounters = { connections: 0, messages: 0 };
  const tlsAvailable = deps.tls !== null;

  const server = new SMTPServer({
    name: mail.domain,
    banner: 'PennCloud ESMTP',
    size: mail.messageBytesMax,
    rejectOversized: true,
    disableReverseLookup: true,
    authMethods: ['PLAIN', 'LOGIN'],
    authOptional: true,
    // The policy is per connection (loopback or TLS), decided in onConnect/onAuth below.
    allowInsecureAuth: true,
    disabledCommands: tlsAvailable ? [] : ['STARTTLS'],
    ...(deps.tls ? { key: deps.tls.key, cert: deps.tls.cert } : {}),
    maxClients: mail.connectionsMax,
    socketTimeout: mail.smtpIdleTimeoutMs,
    closeTimeout: 5000,
    logger: false,

    onConnect(session, callback) {
      const opened = connections.tryOpen(session.remoteAddress);
      if (opened !== 'ok') {
        log.info('SMTP connection refused', { address: session.remoteAddress, why: opened });
        return callback(new SmtpError(421, opened === 'address-full' ? 'Too many connections from your address' : 'Too many connections; try again later'));
      }
      const beforeMail = setTimeout(() => hangUp(session.id, '4.4.2 Too slow: log in or start a message sooner'), config.timeouts.smtpBeforeMailMs);
      beforeMail.unref();
      counted.set(session.id, { address: session.remoteAddress, user: null, messages: 0, beforeMail, check: null });
      counters.connections++;
      if (authAllowed(session, tlsAvailable) !== 'ok') session.disabledCommands = tlsAvailable ? ['AUTH'] : ['AUTH', 'STARTTLS'];
      callback();
    },

    onSecure(_socket, session, callback) {
      // RFC 3207 §4.2: after TLS the client starts over with EHLO, which now offers AUTH.
      session.disabledCommands = [];
      callback();
    },

    onAuth(auth, session, callback) {
      const allowed = authAllowed(session, tlsAvailable);
      if (allowed !== 'ok') return callback(authNotAllowedError(allowed));
      if (auth.method !== 'PLAIN' && auth.method !== 'LOGIN') return callback(new SmtpError(504, 'Unrecognized authentication type'));
      if (auth.method === 'PLAIN' && auth.authzid && auth.authzid !== auth.username) {
        return callback(new SmtpError(535, 'Acting as another user is not allowed'));
      }
      let version: number | undefined;
      SessionCheck.versionBeforeLogin(deps.cluster, loginName(auth.username ?? '', mail.domain), sessionCheckTiming(config.timeouts)).then((v) => {
        version = v;
        return deps.login.check(auth.username ?? '', auth.password ?? '', session.remoteAddress, 'smtp');
      }).then((result) => {
        if (result.outcome === 'ok') {
          if (userSessions.tryOpen(result.user) !== 'ok') return callback(new SmtpError(454, 'Too many sessions for this user; try again later'));
          const entry = counted.get(session.id);
          if (entry) {
            entry.user = result.user;
            entry.check = SessionCheck.start(deps.cluster, result.user, version, sessionCheckTiming(config.timeouts));
            stopBeforeMail(entry);
          }
          const user: SessionUser = { username: result.user };
          return callback(null, { user });
        }
        if (result.outcome === 'rate-limited') return callback(new SmtpError(454, 'Too many failed logins; try again later'));
        // RFC 4954 §6: 454 4.7.0 when the credentials cannot be checked now (storage down).
        if (result.outcome === 'unavailable') return callback(new SmtpError(454, '4.7.0 Temporary authentication failure; try again later'));
        callback(new SmtpError(535, 'Authentication credentials invalid'));
      }, (err: unknown) => callback(toSmtpError(err, log)));
    },

    onMailFrom(address: SMTPServerAddress, session, callback) {
      answer(callback, log, async () => {
        const entry = counted.get(session.id);
        await stillLoggedIn(entry);
        const f = facts(session);
        checkSender(address.address, f, mail.domain);
        if (entry && entry.messages >= mail.inboundMessagesPerConnectionMax) throw connectionMessagesError(mail.inboundMessagesPerConnectionMax);
        if (f.user !== null) deps.limits.checkUser(f.user, Date.now());
        else deps.limits.checkSender(address.address, Date.now());
        if (entry) stopBeforeMail(entry);
      });
    },

    onRcptTo(address: SMTPServerAddress, session, callback) {
      answer(callback, log, async () => {
        await stillLoggedIn(counted.get(session.id));
        const route = routeRecipient(address.address, facts(session), mail.domain, session.envelope.rcptTo.length, mail.recipientsMax);
        if (route.kind === 'local' && !(await deps.accounts.exists(route.user))) throw noSuchUser(address.address);
        if (route.kind === 'local') await deps.delivery.checkRoom(route.user);
        if (route.kind === 'remote' && !deps.queue.hasRoom()) throw new SmtpError(452, 'The outbound queue is full; try again later');
      });
    },

    onData(stream: SMTPServerDataStream, session, callback) {
      receive(stream, mail.messageBytesMax).then(
        ({ raw, longLine }) => {
          if (stream.sizeExceeded) return callback(new SmtpError(552, `Message exceeds the fixed maximum message size of ${mail.messageBytesMax} bytes`));
          if (longLine) return callback(new SmtpError(550, `Message has a line longer than ${textLineBytesMax} octets (RFC 5321 §4.5.3.1.6)`));
          stillLoggedIn(counted.get(session.id))
            .then(() => answerData(deps, session, raw))
            .then(
            (reply) => {
              counters.messages++;
              const entry = counted.get(session.id);
              if (entry) entry.messages++;
              const f = facts(session);
              if (f.user !== null) deps.limits.recordUser(f.user, Date.now());
              else deps.limits.recordSender(session.envelope.mailFrom ? session.envelope.mailFrom.address : '', Date.now());
              callback(null, reply);
            },
            (err: unknown) => callback(toSmtpError(err, log)),
          );
        },
        (err: unknown) => callback(toSmtpError(err, log)),
      );
    },

    onClose(session) {
      const entry = counted.get(session.id);
      if (!entry) return;
      counted.delete(session.id);
      stopBeforeMail(entry);
      connections.close(entry.address);
      if (entry.user) userSessions.close(entry.user);
    },
  });
  server.on('error', (err) => log.warn('SMTP connection error', { err }));

  const stopBeforeMail = (entry: Counted) => {
    if (entry.beforeMail) clearTimeout(entry.beforeMail);
    entry.beforeMail = null;
  };
  /** Throws 421 (smtp-server then closes the connection) when a logged-in session has ended. */
  const stillLoggedIn = async (entry: Counted | undefined) => {
    if (entry?.check && !(await entry.check.stillValid())) {
      log.info('SMTP session ended by a session version change', { user: entry.user });
      throw sessionEnded();
    }
  };
  /**
   * smtp-server has no hook for a session that says nothing: find its connection and close it
   * with a 421 (RFC 5321 §3.8), as smtp-server's own idle timeout does.
   */
  const hangUp = (id: string, text: string) => {
    const connections = (server as unknown as { connections: Set<{ id: string; send(code: number, text: string): void }> }).connections;
    for (const c of connections) {
      if (c.id !== id) continue;
      log.info('SMTP connection closed before MAIL FROM', { id });
      // A 421 makes smtp-server close the connection itself.
      c.send(421, text);
    }
  };
  return { server, counters };
}

/** Reads the DATA stream to its end, keeping at most sizeMax bytes and watching line lengths. */
function receive(stream: SMTPServerDataStream, sizeMax: number): Promise<{ raw: Buffer; longLine: boolean }> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let bytes = 0;
    const guard = new LineLengthGuard();
    stream.on('data', (chunk: Buffer) => {
      guard.push(chunk);
      if (bytes + chunk.length <= sizeMax) chunks.push(chunk);
      bytes += chunk.length;
    });
    stream.once('end', () => resolve({ raw: Buffer.concat(chunks), longLine: guard.exceeded }));
    stream.once('error', reject);
  });
}

async function answerData(deps: SmtpDeps, session: SMTPServerSession, raw: Buffer): Promise<string> {
  const f = facts(session);
  const mailFrom = session.envelope.mailFrom;
  const from = mailFrom ? mailFrom.address : '';
  const localUsers: string[] = [];
  const remoteRecipients: string[] = [];
  session.envelope.rcptTo.forEach((rcpt, i) => {
    const route = routeRecipient(rcpt.address, f, deps.config.mail.domain, i, Number.MAX_SAFE_INTEGER);
    if (route.kind === 'local') localUsers.push(route.user);
    else remoteRecipients.push(route.address);
  });
  const accepted = await deps.delivery.accept({
    raw,
    from,
    senderUser: f.user,
    localUsers,
    remoteRecipients,
    trace: {
      heloName: session.hostNameAppearsAs || '',
      remoteAddress: session.remoteAddress,
      by: deps.config.mail.domain,
      protocol: transmissionType(f),
    },
  });
  return `OK: message stored as ${accepted.id || 'accepted'}${accepted.queued ? ', queued for remote delivery' : ''}`;
}
