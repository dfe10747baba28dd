// The POP3 listener: a TCP server that drives one core/pop3-session.ts per connection. It
// splits input into lines (at most pop3LineBytesMax each), feeds them to the session one at a
// time, carries out the effects in order and feeds results back. While an effect is running,
// further pipelined lines wait in a short queue (the socket is paused past queuedLinesMax).
//
// A client gets timeouts.pop3LoginMs to log in, besides the idle timeout. Once logged in, a
// session ends (`-ERR [AUTH]` and close, nothing deleted) at its next command after its
// account's sessions were ended by a password change or "log out everywhere"
// (session-check.ts). The maildrop is the newest mail.pop3MessagesMax messages, found and read
// page by page (cluster/model/mail/mailbox-store.ts), never the whole inbox listing.
//
// One session per mailbox: the maildrop lock is taken after the password check and held until
// the connection ends, as RFC 1939 §8 suggests. The lock is in this process's memory — the
// architecture runs one mail daemon.
import net from 'node:net';
import type { Config } from '../../common/config.ts';
import type { Logger } from '../../common/log.ts';
import { ConnectionLimits } from '../core/connection-limits.ts';
import { LineSplitter, type SplitLine } from '../core/line-splitter.ts';
import { pop3MultiLine } from '../core/message-format.ts';
import { Pop3Session, type LoginOutcome, type Pop3Effect, type Pop3Event, type Pop3Message } from '../core/pop3-session.ts';
import { isLoopback } from '../core/smtp-policy.ts';
import type { MessageSummary } from '../../model/mail/mailbox.ts';
import type { LoginCheck } from './login-check.ts';
import type { MailboxStore } from '../../model/mail/mailbox-store.ts';
import type { TlsMaterial } from './tls.ts';
import { loginName } from '../../model/mail/addresses.ts';
import type { ClusterClient } from '../../kvs/cluster-client.ts';
import { SessionCheck, sessionCheckTiming } from './session-check.ts';
import { upgradeToTls, writeAndDrain } from './socket-io.ts';

/**
 * Longest command line, CRLF included. RFC 2449 §4 asks clients for at most 255 octets; a
 * little more is accepted so a PASS with a long (256-character, possibly non-ASCII) password
 * or an AUTH PLAIN response still fits, and it matches SMTP's 1000-octet text line.
 */
export const pop3LineBytesMax = 1000;
/** Pipelined lines waiting while an effect runs; past this the socket stops reading. */
const queuedLinesMax = 32;
/**
 * Read-ahead while a client downloads (RETR after RETR, as Thunderbird and fetchmail do): the
 * next messages are read from the store while the current one is sent, so the download runs at
 * the store's throughput rather than one round trip per message. At most this many messages…
 */
const readAheadMessagesMax = 16;
/** …and at most this many octets of them held per session. */
const readAheadBytesMax = 8 * 1024 * 1024;

type ReadResult = { raw: Buffer | undefined } | { err: unknown };

export interface Pop3Deps {
  config: Readonly<Config>;
  log: Logger;
  login: LoginCheck;
  mailbox: MailboxStore;
  tls: TlsMaterial | null;
  cluster: ClusterClient;
}

export interface Pop3Counters {
  sessions: number;
  retrieved: number;
  deleted: number;
}

export interface Pop3Server {
  server: net.Server;
  counters: Pop3Counters;
  /** Ends every open session (no UPDATE state: nothing is deleted). */
  closeAll(): void;
}

export function createPop3Server(deps: Pop3Deps): Pop3Server {
  const limits = new ConnectionLimits(deps.config.mail.connectionsMax, deps.config.mail.connectionsPerAddressMax);
  const locks = new Set<string>();
  const sockets = new Set<net.Socket>();
  const counters: Pop3Counters = { sessions: 0, retrieved: 0, deleted: 0 };
  const server = net.createServer((socket) => {
    const address = socket.remoteAddress ?? '';
    const opened = limits.tryOpen(address);
    if (opened !== 'ok') {
      socket.end(`-ERR [SYS/TEMP] ${opened === 'address-full' ? 'too many connections from your address' : 'too many connections'}\r\n`);
      socket.on('error', () => {});
      return;
    }
    counters.sessions++;
    sockets.add(socket);
    socket.once('close', () => {
      sockets.delete(socket);
      limits.close(address);
    });
    new Pop3Connection(deps, socket, address, locks, counters).start();
  });
  server.on('error', (err) => deps.log.warn('POP3 server error', { err }));
  return {
    server,
    counters,
    closeAll() {
      for (const s of sockets) s.destroy();
    },
  };
}

class Pop3Connection {
  private readonly session: Pop3Session;
  private splitter = new LineSplitter(pop3LineBytesMax);
  private readonly queue: SplitLine[] = [];
  private socket: net.Socket;
  private working = false;
  private lockedUser: string | null = null;
  private check: SessionCheck | null = null;
  private loginTimer: NodeJS.Timeout | null = null;
  /** Summaries of the maildrop (chunk counts for reading), by id. */
  private maildrop = new Map<string, MessageSummary>();
  /** The maildrop's ids in message-number order, and each id's place in it. */
  private order: string[] = [];
  private place = new Map<string, number>();
  /** Messages read ahead of the client's RETR (by id), and their octets. */
  private readonly ahead = new Map<string, Promise<ReadResult>>();
  private aheadBytes = 0;
  private readonly onData = (chunk: Buffer) => this.receive(chunk);

  constructor(
    private readonly deps: Pop3Deps,
    socket: net.Socket,
    private readonly address: string,
    private readonly locks: Set<string>,
    private readonly counters: Pop3Counters,
  ) {
    this.socket = socket;
    this.session = new Pop3Session({
      tlsAvailable: deps.tls !== null,
      plainAuthAllowed: isLoopback(address),
      errorsMax: deps.config.mail.pop3ErrorsMax,
      lineBytesMax: pop3LineBytesMax,
    });
  }

  start(): void {
    const s = this.socket;
    s.setNoDelay(true);
    s.on('data', this.onData);
    s.on('error', () => s.destroy());
    s.once('close', () => this.release());
    s.setTimeout(this.deps.config.mail.pop3IdleTimeoutMs, () => {
      if (!this.session.busy) void this.run(this.session.handle({ type: 'timeout' }));
      else s.destroy();
    });
    this.loginTimer = setTimeout(() => {
      if (this.check || this.session.busy || this.session.closed) return;
      void this.write('-ERR [AUTH] autologout: not logged in in time\r\n').then(() => s.end());
    }, this.deps.config.timeouts.pop3LoginMs);
    this.loginTimer.unref();
    s.once('close', () => {
      if (this.loginTimer) clearTimeout(this.loginTimer);
    });
    void this.run(this.session.greeting());
  }

  private receive(chunk: Buffer): void {
    this.queue.push(...this.splitter.push(chunk));
    if (this.queue.length > queuedLinesMax) this.socket.pause();
    void this.pump();
  }

  /** Feeds queued lines to the session while it is not waiting on an effect. */
  private async pump(): Promise<void> {
    if (this.working) return;
    this.working = true;
    try {
      while (this.queue.length && !this.session.closed && !this.socket.destroyed) {
        const next = this.queue.shift() as SplitLine;
        if (this.check && !(await this.check.stillValid())) {
          this.deps.log.info('POP3 session ended by a session version change', { user: this.lockedUser });
          await this.write('-ERR [AUTH] your session has ended (password changed or signed out everywhere); log in again\r\n');
          this.release();
          this.socket.end();
          return;
        }
        await this.run(this.session.handle(next));
        if (this.queue.length <= queuedLinesMax / 2 && this.socket.isPaused()) this.socket.resume();
      }
    } catch (err) {
      this.deps.log.error('POP3 session failed', { err, address: this.address });
      this.socket.destroy();
    } finally {
      this.working = false;
    }
  }

  /** Carries out effects in order; results of asynchronous ones go back into the session. */
  private async run(effects: Pop3Effect[]): Promise<void> {
    for (const effect of effects) {
      const followUp = await this.perform(effect);
      if (followUp) await this.run(this.session.handle(followUp));
    }
  }

  private async perform(effect: Pop3Effect): Promise<Pop3Event | null> {
    switch (effect.type) {
      case 'reply':
        await this.write(effect.text + '\r\n');
        return null;
      case 'login':
        return this.login(effect.user, effect.password);
      case 'retrieve':
        return this.retrieve(effect.id, effect.size, effect.topLines);
      case 'commit':
        return this.commit(effect.ids);
      case 'start-tls':
        await this.startTls();
        return { type: 'tls-started' };
      case 'close':
        // The maildrop is free as soon as the session ends, not when the client's FIN arrives.
        this.release();
        this.socket.end();
        return null;
    }
  }

  private async login(input: string, password: string): Promise<Pop3Event> {
    const version = await SessionCheck.versionBeforeLogin(this.deps.cluster, loginName(input, this.deps.config.mail.domain), sessionCheckTiming(this.deps.config.timeouts));
    const result = await this.deps.login.check(input, password, this.address, 'pop3');
    const fail = (outcome: LoginOutcome): Pop3Event => ({ type: 'login-result', user: input, outcome });
    if (result.outcome !== 'ok') return fail(result.outcome);
    if (this.locks.has(result.user)) return fail('in-use');
    this.locks.add(result.user);
    this.lockedUser = result.user;
    this.check = SessionCheck.start(this.deps.cluster, result.user, version, sessionCheckTiming(this.deps.config.timeouts));
    try {
      const shown = await this.deps.mailbox.list(result.user, 'inbox', this.deps.config.mail.pop3MessagesMax);
      this.maildrop = new Map(shown.map((s) => [s.id, s]));
      this.order = shown.map((s) => s.id);
      this.place = new Map(this.order.map((id, i) => [id, i]));
      const messages: Pop3Message[] = shown.map((s) => ({ id: s.id, size: s.size }));
      this.deps.log.info('POP3 login', { user: result.user, address: this.address, messages: messages.length });
      return { type: 'login-result', user: result.user, outcome: 'ok', messages };
    } catch (err) {
      this.deps.log.warn('POP3 maildrop could not be loaded', { err, user: result.user });
      this.release();
      return fail('unavailable');
    }
  }

  private async retrieve(id: string, size: number, topLines: number | null): Promise<Pop3Event> {
    const summary = this.maildrop.get(id);
    const user = this.lockedUser;
    if (!summary || !user) return { type: 'retrieve-result', ok: false };
    let result = await this.takeAhead(id);
    if (topLines === null) this.readAhead(id);
    // A read ahead that failed is tried once more now: the store may have recovered since.
    if (!result || 'err' in result) result = await this.read(user, summary);
    if ('err' in result) {
      // The store could not serve within its deadline: say so (SYS/TEMP), the session goes on.
      this.deps.log.warn('POP3 message could not be read', { err: result.err, user, id });
      return { type: 'retrieve-result', ok: false, unavailable: true };
    }
    const raw = result.raw;
    if (!raw) return { type: 'retrieve-result', ok: false };
    // One write for the status line and the message: two small writes would meet Nagle's
    // algorithm and the client's delayed ACK, costing ~40 ms per message.
    const status = Buffer.from(`+OK ${topLines === null ? `${size} octets` : 'top of message follows'}\r\n`);
    await this.write(Buffer.concat([status, pop3MultiLine(raw, topLines)]));
    if (topLines === null) this.counters.retrieved++;
    return { type: 'retrieve-result', ok: true };
  }

  private read(user: string, summary: MessageSummary): Promise<ReadResult> {
    return this.deps.mailbox.readRaw(user, summary).then(
      (raw) => ({ raw }),
      (err: unknown) => ({ err }),
    );
  }

  /** The read-ahead result for id, if one was started (it is then no longer held). */
  private async takeAhead(id: string): Promise<ReadResult | undefined> {
    const pending = this.ahead.get(id);
    if (!pending) return undefined;
    this.ahead.delete(id);
    this.aheadBytes -= this.maildrop.get(id)?.size ?? 0;
    return pending;
  }

  /**
   * Starts reading the messages after `id` in message-number order, within the limits above,
   * and forgets those outside that window. A message read ahead and deleted elsewhere (the
   * webmail) before its RETR is still sent: it was in the maildrop when the session began, as
   * RFC 1939 §8's exclusive maildrop would have it.
   */
  private readAhead(id: string): void {
    const user = this.lockedUser;
    const at = this.place.get(id);
    if (!user || at === undefined) return;
    // Held reads outside the window the client now needs are let go (it moved on, or went back),
    // so at most readAheadMessagesMax are ever held.
    for (const held of [...this.ahead.keys()]) {
      const place = this.place.get(held) ?? -1;
      if (place < at || place > at + readAheadMessagesMax) void this.takeAhead(held);
    }
    // Topped up in bursts, once half are taken: the reads started in one turn go to the store
    // as one batch on the node's stream, where one read per RETR would make a batch of one each.
    if (this.ahead.size > readAheadMessagesMax / 2) return;
    for (let i = at + 1; i < this.order.length && i <= at + readAheadMessagesMax; i++) {
      const next = this.order[i] as string;
      const summary = this.maildrop.get(next);
      if (this.ahead.has(next) || !summary) continue;
      if (this.aheadBytes + summary.size > readAheadBytesMax) break;
      this.aheadBytes += summary.size;
      this.ahead.set(next, this.read(user, summary));
    }
  }

  /** RFC 1939 §6, UPDATE: remove the messages marked deleted. */
  private async commit(ids: string[]): Promise<Pop3Event> {
    let failed = 0;
    const user = this.lockedUser as string;
    for (const id of ids) {
      try {
        await this.deps.mailbox.remove(user, 'inbox', id);
        this.counters.deleted++;
      } catch (err) {
        failed++;
        this.deps.log.warn('POP3 delete failed', { err, user, id });
      }
    }
    return { type: 'commit-result', failed };
  }

  private async startTls(): Promise<void> {
    const material = this.deps.tls as TlsMaterial;
    const plain = this.socket;
    plain.off('data', this.onData);
    // RFC 2595 §4: anything the client sent after STLS and before the handshake is discarded.
    this.queue.length = 0;
    this.splitter = new LineSplitter(pop3LineBytesMax);
    this.socket = await upgradeToTls(plain, material.context, this.deps.log, 'POP3', this.address);
    this.socket.on('data', this.onData);
  }

  private write(data: string | Buffer): Promise<void> {
    return writeAndDrain(this.socket, data);
  }

  private release(): void {
    if (this.lockedUser) this.locks.delete(this.lockedUser);
    this.lockedUser = null;
    this.check = null;
    this.ahead.clear();
    this.aheadBytes = 0;
  }
}
