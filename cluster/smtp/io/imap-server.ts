// The IMAP listener: a TCP server that drives one core/imap/session.ts per connection. Input
// is cut into commands by the framer (line and literal limits, "+" continuations for
// synchronising literals, LITERAL+ refused cleanly when too large); commands go to the session
// one at a time, each awaited, so pipelined commands are answered in order. While a command
// runs, further commands wait in a short queue (the socket is paused past queuedEventsMax).
//
// Timeouts: loginTimeoutMs to log in (and as the idle limit before login); after login the
// 30-minute autologout of RFC 3501 §5.4, which also bounds an IDLE (RFC 2177 asks clients to
// re-issue IDLE every 29 minutes). During IDLE the session polls the folder's change counter
// every idlePollMs. Connections are capped in total and per address, like POP3's, and logged-in
// sessions per user.
//
// The login function is the daemon's (login-check.ts and session-check.ts, wrapped by the
// wiring), so IMAP shares the login limits and the "session ended by a password change" rule
// with SMTP and POP3.
import net from 'node:net';
import tls from 'node:tls';
import type { Logger } from '../../common/log.ts';
import { ConnectionLimits } from '../core/connection-limits.ts';
import { CommandFramer, type FrameEvent } from '../core/imap/framer.ts';
import type { ImapStore } from '../core/imap/ports.ts';
import { ImapSession, type ImapLoginResult } from '../core/imap/session.ts';
import { isLoopback } from '../core/smtp-policy.ts';
import { upgradeToTls, writeAndDrain } from './socket-io.ts';

export interface ImapServerOptions {
  /** The store of one logged-in user. */
  openStore(user: string): ImapStore;
  /** Checks a login under the daemon's limits; address is the client's. */
  login(input: string, password: string, address: string): Promise<ImapLoginResult>;
  /** A TLS context for STARTTLS; null: no STARTTLS, and logins only from loopback. */
  tls: tls.SecureContext | null;
  log: Logger;
  /** The daemon's message size limit: the largest literal, and APPENDLIMIT. */
  messageBytesMax: number;
  connectionsMax: number;
  connectionsPerAddressMax: number;
  /** Logged-in sessions per user at once. */
  sessionsPerUserMax: number;
  /** Time to log in, and the idle limit before login. */
  loginTimeoutMs: number;
  /** The idle limit after login (RFC 3501 §5.4: at least 30 minutes). */
  idleTimeoutMs: number;
  /** How often an IDLE looks for changes. */
  idlePollMs: number;
  /** Longest command line, literals excluded. */
  lineBytesMax: number;
  /** Commands answered BAD before the server hangs up. */
  errorsMax: number;
  /** Whether a client at this address may send a password without TLS; default: loopback only. */
  plainAuthAllowed?: (address: string) => boolean;
  /** Logs every command and response line at debug level, credentials and message text masked (core/imap/trace.ts). */
  trace?: boolean;
}

/** Defaults the wiring can use for the settings it adds (cluster/common/config.ts). */
export const imapDefaults = {
  sessionsPerUserMax: 20,
  loginTimeoutMs: 60_000,
  idleTimeoutMs: 30 * 60_000,
  idlePollMs: 2000,
  lineBytesMax: 64 * 1024,
  errorsMax: 20,
};

/** Literals in one command (APPEND has one; a LOGIN two). */
const literalsMax = 16;
/** Commands waiting while one runs; past this the socket stops reading. */
const queuedEventsMax = 32;
const commandsBeforeLoginMax = 30;
/** After the server's last words, how long the client has to close its side. */
const closeGraceMs = 2000;

export interface ImapCounters {
  connections: number;
  logins: number;
}

export class ImapServer {
  readonly server: net.Server;
  readonly counters: ImapCounters = { connections: 0, logins: 0 };
  private readonly limits: ConnectionLimits;
  private readonly connections = new Set<ImapConnection>();
  private readonly sessionsPerUser = new Map<string, number>();

  constructor(private readonly options: ImapServerOptions) {
    this.limits = new ConnectionLimits(options.connectionsMax, options.connectionsPerAddressMax);
    this.server = net.createServer((socket) => this.accept(socket));
    this.server.on('error', (err) => options.log.warn('IMAP server error', { err }));
  }

  listen(port: number, host: string): Promise<number> {
    return new Promise((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(port, host, () => {
        this.server.off('error', reject);
        resolve((this.server.address() as net.AddressInfo).port);
      });
    });
  }

  /** Stops accepting, says BYE to every session and closes them. */
  async close(): Promise<void> {
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    await Promise.all([...this.connections].map((c) => c.shutdown()));
    await closed;
  }

  private accept(socket: net.Socket): void {
    const address = socket.remoteAddress ?? '';
    const opened = this.limits.tryOpen(address);
    if (opened !== 'ok') {
      socket.on('error', () => {});
      socket.end(`* BYE [UNAVAILABLE] ${opened === 'address-full' ? 'Too many connections from your address' : 'Too many connections'}\r\n`);
      return;
    }
    this.counters.connections++;
    const connection = new ImapConnection(this.options, socket, address, this.counters.connections, {
      login: async (input, password) => {
        const result = await this.options.login(input, password, address);
        if (result.outcome !== 'ok') return result;
        const open = this.sessionsPerUser.get(result.user) ?? 0;
        if (open >= this.options.sessionsPerUserMax) return { outcome: 'too-many-sessions' };
        this.sessionsPerUser.set(result.user, open + 1);
        this.counters.logins++;
        return result;
      },
      closed: (user) => {
        this.connections.delete(connection);
        this.limits.close(address);
        if (user === null) return;
        const left = (this.sessionsPerUser.get(user) ?? 1) - 1;
        if (left > 0) this.sessionsPerUser.set(user, left);
        else this.sessionsPerUser.delete(user);
      },
    });
    this.connections.add(connection);
    connection.start();
  }
}

interface ConnectionHooks {
  login(input: string, password: string): Promise<ImapLoginResult>;
  closed(user: string | null): void;
}

class ImapConnection {
  private readonly session: ImapSession;
  private readonly framer: CommandFramer;
  private readonly queue: FrameEvent[] = [];
  private socket: net.Socket;
  /** The TCP socket, under TLS once STARTTLS ran: timeouts watch it either way. */
  private readonly tcp: net.Socket;
  private working = false;
  private ended = false;
  private loginTimer: NodeJS.Timeout | null = null;
  private pollTimer: NodeJS.Timeout | null = null;
  private readonly onData = (chunk: Buffer) => this.receive(chunk);

  constructor(
    private readonly options: ImapServerOptions,
    socket: net.Socket,
    private readonly address: string,
    /** The connection's number since the server started: the trace's lines say which session they belong to. */
    private readonly id: number,
    private readonly hooks: ConnectionHooks,
  ) {
    this.socket = socket;
    this.tcp = socket;
    const lineBytesMax = options.lineBytesMax;
    this.framer = new CommandFramer({
      lineBytesMax,
      literalBytesMax: options.messageBytesMax,
      literalsMax,
      commandBytesMax: options.messageBytesMax + 16 * lineBytesMax,
    });
    this.session = new ImapSession(
      {
        tlsAvailable: options.tls !== null,
        plainAuthAllowed: (options.plainAuthAllowed ?? isLoopback)(address),
        errorsMax: options.errorsMax,
        commandsBeforeLoginMax,
        messageBytesMax: options.messageBytesMax,
      },
      {
        write: (data) => this.write(data),
        login: (user, password) => hooks.login(user, password),
        openStore: (user) => options.openStore(user),
        startTls: () => this.startTls(),
        close: () => this.end(),
        now: () => new Date(),
        log: (level, message, fields) => options.log[level](message, { ...fields, address }),
        trace: options.trace ? (direction, line) => this.trace(direction, line) : undefined,
      },
    );
  }

  start(): void {
    const s = this.socket;
    s.setNoDelay(true);
    s.on('data', this.onData);
    s.on('error', () => s.destroy());
    s.once('close', () => this.cleanUp());
    s.setTimeout(this.options.loginTimeoutMs, () => this.onTimeout());
    this.loginTimer = setTimeout(() => {
      if (!this.session.loggedIn) this.onTimeout();
    }, this.options.loginTimeoutMs);
    this.loginTimer.unref();
    this.pollTimer = setInterval(() => {
      if (this.session.idling && !this.working) void this.guard(() => this.session.poll());
    }, this.options.idlePollMs);
    this.pollTimer.unref();
    void this.guard(() => this.session.greeting());
  }

  shutdown(): Promise<void> {
    if (this.working) {
      this.end();
      return Promise.resolve();
    }
    return this.guard(() => this.session.shutdown());
  }

  private onTimeout(): void {
    if (this.working) this.socket.destroy();
    else void this.guard(() => this.session.timeout());
  }

  private receive(chunk: Buffer): void {
    this.queue.push(...this.framer.push(chunk));
    if (this.queue.length > queuedEventsMax) this.socket.pause();
    void this.pump();
  }

  /** Feeds queued events to the session, one command at a time. */
  private async pump(): Promise<void> {
    if (this.working) return;
    this.working = true;
    try {
      while (this.queue.length && !this.session.closed && !this.ended) {
        const event = this.queue.shift() as FrameEvent;
        switch (event.type) {
          case 'continue':
            if (this.options.trace) this.trace('S', '+ Ready for literal data');
            await this.write(Buffer.from('+ Ready for literal data\r\n'));
            break;
          case 'too-long':
            await this.session.lineTooLong(event.tag);
            break;
          case 'literal-refused':
            await this.session.literalRefused(event.tag, event.bytes);
            break;
          case 'command':
            await this.session.handle(event.data);
            if (this.session.loggedIn && this.loginTimer) {
              clearTimeout(this.loginTimer);
              this.loginTimer = null;
              this.tcp.setTimeout(this.options.idleTimeoutMs);
            }
            break;
        }
        if (this.queue.length <= queuedEventsMax / 2 && this.socket.isPaused()) this.socket.resume();
      }
    } catch (err) {
      this.options.log.error('IMAP session failed', { err, address: this.address });
      this.socket.destroy();
    } finally {
      this.working = false;
    }
  }

  /** Runs session work outside the pump (greeting, timeouts, IDLE polls) without overlapping it. */
  private async guard(work: () => Promise<void>): Promise<void> {
    if (this.working) return;
    this.working = true;
    try {
      await work();
    } catch (err) {
      this.options.log.error('IMAP session failed', { err, address: this.address });
      this.socket.destroy();
    } finally {
      this.working = false;
    }
    if (this.queue.length) void this.pump();
  }

  private async startTls(): Promise<void> {
    const context = this.options.tls as tls.SecureContext;
    const plain = this.socket;
    plain.off('data', this.onData);
    // RFC 3501 §6.2.1: anything the client sent after STARTTLS and before the handshake is discarded.
    this.queue.length = 0;
    this.framer.reset();
    this.socket = await upgradeToTls(plain, context, this.options.log, 'IMAP', this.address);
    this.socket.on('data', this.onData);
  }

  /** One line of the protocol trace, already masked (core/imap/trace.ts). */
  private trace(direction: 'C' | 'S', line: string): void {
    this.options.log.debug(direction === 'C' ? 'IMAP command' : 'IMAP response', { line, connection: this.id, user: this.session.user, address: this.address });
  }

  private write(data: Buffer): Promise<void> {
    return this.ended ? Promise.resolve() : writeAndDrain(this.socket, data);
  }

  private end(): void {
    if (this.ended) return;
    this.ended = true;
    this.socket.end();
    // A client that never closes its side does not hold the connection (or a shutdown) open.
    setTimeout(() => this.socket.destroy(), closeGraceMs).unref();
  }

  private cleanUp(): void {
    if (this.loginTimer) clearTimeout(this.loginTimer);
    if (this.pollTimer) clearInterval(this.pollTimer);
    this.hooks.closed(this.session.user);
  }
}
