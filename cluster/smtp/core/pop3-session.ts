// One POP3 session (RFC 1939, with CAPA and response codes of RFC 2449, AUTH PLAIN of RFC 5034,
// STLS of RFC 2595) as a state machine with no socket: handle(event) returns effects as plain
// data. The io loop (cluster/smtp/io/pop3-server.ts) carries them out in order and feeds the
// results back as events; it sends no further line while a login, retrieval, commit or TLS
// start is outstanding, so pipelined commands (RFC 2449 §6.6) are answered strictly in order.
//
// Deletions are only marks until QUIT: RFC 1939 §6 enters the UPDATE state, and removes
// messages, only on QUIT from TRANSACTION. A dropped connection, a timeout or an error never
// deletes anything.

export interface Pop3Message {
  id: string;
  size: number;
}

export type LoginOutcome = 'ok' | 'wrong' | 'in-use' | 'rate-limited' | 'unavailable';

export type Pop3Effect =
  /** One response; a multi-line one has its lines joined by CRLF and ends with ".". The io adds the last CRLF. */
  | { type: 'reply'; text: string }
  /** Check the password, lock the maildrop, load it; answer with login-result. */
  | { type: 'login'; user: string; password: string }
  /** Send "+OK <size> octets", then the message (topLines: only that many body lines); answer with retrieve-result. */
  | { type: 'retrieve'; id: string; size: number; topLines: number | null }
  /** UPDATE state: remove these messages; answer with commit-result. */
  | { type: 'commit'; ids: string[] }
  /** Start TLS on the socket; answer with tls-started. */
  | { type: 'start-tls' }
  | { type: 'close' };

export type Pop3Event =
  | { type: 'line'; line: string }
  | { type: 'line-too-long' }
  | { type: 'login-result'; user: string; outcome: LoginOutcome; messages?: Pop3Message[] }
  /** ok false: the message is gone; `unavailable`: the store could not serve it now (RFC 3206 SYS/TEMP). */
  | { type: 'retrieve-result'; ok: boolean; unavailable?: boolean }
  | { type: 'commit-result'; failed: number }
  | { type: 'tls-started' }
  | { type: 'timeout' };

export interface Pop3Options {
  /** STLS is offered (a certificate is configured). */
  tlsAvailable: boolean;
  /** Passwords may be sent without TLS (the client is on loopback). */
  plainAuthAllowed: boolean;
  /** Bad commands before the server hangs up. */
  errorsMax: number;
  /** The line limit the io enforces, for the error text. */
  lineBytesMax: number;
}

/** RFC 3206 §4: SYS/TEMP, a problem on the server that may go away if the client tries again. */
export const storageUnavailable = '-ERR [SYS/TEMP] mail storage is unavailable; try again later';

/** Commands allowed before login; past it the client is cut off (it is probing, not logging in). */
export const unauthenticatedCommandsMax = 30;
/** RFC 1939 §7: the message number argument; larger ones cannot name a message. */
const numberPattern = /^[1-9]\d{0,8}$/;

type Waiting = null | 'login' | 'retrieve' | 'commit' | 'tls';

interface Maildrop {
  user: string;
  messages: Pop3Message[];
  deleted: Set<number>;
}

export class Pop3Session {
  private phase: 'authorization' | 'transaction' | 'closed' = 'authorization';
  private secure = false;
  private userGiven: string | null = null;
  private saslPending = false;
  private maildrop: Maildrop | null = null;
  private errors = 0;
  private commandsBeforeLogin = 0;
  private waiting: Waiting = null;

  constructor(private readonly options: Pop3Options) {}

  /** The greeting (RFC 1939 §4). */
  greeting(): Pop3Effect[] {
    return [{ type: 'reply', text: '+OK PennCloud POP3 server ready' }];
  }

  get user(): string | null {
    return this.maildrop?.user ?? null;
  }

  get closed(): boolean {
    return this.phase === 'closed';
  }

  get busy(): boolean {
    return this.waiting !== null;
  }

  handle(event: Pop3Event): Pop3Effect[] {
    if (this.phase === 'closed') return [];
    switch (event.type) {
      case 'line':
      case 'line-too-long':
        if (this.waiting) throw new Error(`POP3 input while waiting for ${this.waiting}`);
        return event.type === 'line' ? this.onLine(event.line) : this.error(`-ERR line too long (at most ${this.options.lineBytesMax} octets)`);
      case 'login-result':
        return this.expect('login', () => this.onLogin(event.user, event.outcome, event.messages ?? []));
      case 'retrieve-result':
        return this.expect('retrieve', () => {
          if (event.ok) return [];
          return [{ type: 'reply', text: event.unavailable ? storageUnavailable : '-ERR that message is no longer available' }];
        });
      case 'commit-result':
        return this.expect('commit', () => {
          this.phase = 'closed';
          const removed = this.maildrop?.deleted.size ?? 0;
          // RFC 1939 §6: a failed removal is an -ERR; SYS/TEMP (RFC 3206) because the marks are
          // kept nowhere and the client may delete again in its next session.
          const text = event.failed === 0 ? `+OK PennCloud POP3 server signing off (${removed} messages deleted)` : '-ERR [SYS/TEMP] some deleted messages not removed; try again later';
          return [{ type: 'reply', text }, { type: 'close' }];
        });
      case 'tls-started':
        return this.expect('tls', () => {
          // RFC 2595 §4: after TLS starts, everything learned before it is forgotten.
          this.secure = true;
          this.userGiven = null;
          this.saslPending = false;
          return [];
        });
      case 'timeout':
        // RFC 1939 §3: the autologout timer ends the session without entering UPDATE.
        this.phase = 'closed';
        return [{ type: 'reply', text: '-ERR autologout: idle for too long' }, { type: 'close' }];
    }
  }

  private expect(waiting: Exclude<Waiting, null>, then: () => Pop3Effect[]): Pop3Effect[] {
    if (this.waiting !== waiting) throw new Error(`POP3 ${waiting} result while waiting for ${this.waiting ?? 'nothing'}`);
    this.waiting = null;
    return then();
  }

  private onLine(line: string): Pop3Effect[] {
    if (this.saslPending) return this.onSaslResponse(line);
    if (this.phase === 'authorization' && ++this.commandsBeforeLogin > unauthenticatedCommandsMax) {
      this.phase = 'closed';
      return [{ type: 'reply', text: '-ERR too many commands without logging in' }, { type: 'close' }];
    }
    const space = line.indexOf(' ');
    const keyword = (space === -1 ? line : line.slice(0, space)).toUpperCase();
    const rest = space === -1 ? '' : line.slice(space + 1);
    const args = rest === '' ? [] : rest.split(' ');
    if (keyword === 'CAPA') return this.reply(this.capabilities());
    if (keyword === 'QUIT') return this.quit();
    return this.phase === 'authorization' ? this.authorization(keyword, args, rest) : this.transaction(keyword, args);
  }

  // ---- AUTHORIZATION (RFC 1939 §4, §7; RFC 5034; RFC 2595 §4) ----

  private authorization(keyword: string, args: string[], rest: string): Pop3Effect[] {
    switch (keyword) {
      case 'USER': {
        if (!this.options.plainAuthAllowed && !this.secure) return this.needTls();
        if (args.length !== 1 || args[0] === '') return this.error('-ERR usage: USER name');
        this.userGiven = args[0] as string;
        // Same answer for every name, so USER does not tell which mailboxes exist.
        return this.reply('+OK send PASS');
      }
      case 'PASS': {
        if (!this.options.plainAuthAllowed && !this.secure) return this.needTls();
        if (this.userGiven === null) return this.error('-ERR USER first');
        // RFC 1939 §7: the password is the rest of the line; it may contain spaces.
        if (rest === '') return this.error('-ERR usage: PASS password');
        return this.login(this.userGiven, rest);
      }
      case 'AUTH':
        return this.auth(args);
      case 'STLS':
        if (!this.options.tlsAvailable) return this.error('-ERR STLS is not available here');
        if (this.secure) return this.error('-ERR TLS is already active');
        this.waiting = 'tls';
        return [{ type: 'reply', text: '+OK begin TLS negotiation' }, { type: 'start-tls' }];
      case 'APOP':
        return this.error('-ERR APOP is not supported; use USER/PASS or AUTH PLAIN');
      case 'STAT':
      case 'LIST':
      case 'RETR':
      case 'DELE':
      case 'NOOP':
      case 'RSET':
      case 'TOP':
      case 'UIDL':
        return this.error('-ERR log in first');
      default:
        return this.error('-ERR unknown command');
    }
  }

  private auth(args: string[]): Pop3Effect[] {
    if (!this.options.plainAuthAllowed && !this.secure) return this.needTls();
    if (args.length === 0) return this.reply('+OK SASL mechanisms follow\r\nPLAIN\r\n.');
    if ((args[0] as string).toUpperCase() !== 'PLAIN') return this.error('-ERR unsupported SASL mechanism; PLAIN is supported');
    if (args.length > 2) return this.error('-ERR usage: AUTH PLAIN [initial-response]');
    // RFC 5034 §4: "=" is an empty initial response.
    if (args.length === 2) return this.plainResponse(args[1] === '=' ? '' : (args[1] as string));
    this.saslPending = true;
    return this.reply('+ ');
  }

  private onSaslResponse(line: string): Pop3Effect[] {
    this.saslPending = false;
    if (line === '*') return this.error('-ERR authentication cancelled');
    return this.plainResponse(line);
  }

  /** RFC 4616: base64 of authzid NUL authcid NUL passwd; authzid must be empty or the same user. */
  private plainResponse(b64: string): Pop3Effect[] {
    if (!/^[A-Za-z0-9+/]*={0,2}$/.test(b64)) return this.error('-ERR [AUTH] malformed PLAIN response');
    const parts = Buffer.from(b64, 'base64').toString('utf8').split('\0');
    if (parts.length !== 3) return this.error('-ERR [AUTH] malformed PLAIN response');
    const [authzid, authcid, password] = parts as [string, string, string];
    if (authcid === '' || password === '') return this.error('-ERR [AUTH] malformed PLAIN response');
    if (authzid !== '' && authzid !== authcid) return this.error('-ERR [AUTH] acting as another user is not allowed');
    return this.login(authcid, password);
  }

  private login(user: string, password: string): Pop3Effect[] {
    this.waiting = 'login';
    return [{ type: 'login', user, password }];
  }

  private onLogin(user: string, outcome: LoginOutcome, messages: Pop3Message[]): Pop3Effect[] {
    this.userGiven = null;
    switch (outcome) {
      case 'ok': {
        this.phase = 'transaction';
        this.maildrop = { user, messages, deleted: new Set() };
        const { count, octets } = this.stat();
        return this.reply(`+OK ${user}'s maildrop has ${count} messages (${octets} octets)`);
      }
      case 'wrong':
        return this.error('-ERR [AUTH] wrong username or password');
      case 'in-use':
        // RFC 2449 §8.1.1: another session holds the maildrop.
        return this.error('-ERR [IN-USE] this mailbox is open in another POP3 session');
      case 'rate-limited':
        return this.error('-ERR [AUTH] too many failed logins; try again later');
      case 'unavailable':
        return this.reply(storageUnavailable);
    }
  }

  private needTls(): Pop3Effect[] {
    return this.error(
      this.options.tlsAvailable
        ? '-ERR [AUTH] use STLS first: passwords travel in plain text only from this machine'
        : '-ERR [AUTH] logins are accepted only from this machine (TLS is off)',
    );
  }

  // ---- TRANSACTION (RFC 1939 §5, §7) ----

  private transaction(keyword: string, args: string[]): Pop3Effect[] {
    const drop = this.maildrop as Maildrop;
    switch (keyword) {
      case 'STAT': {
        if (args.length !== 0) return this.error('-ERR usage: STAT');
        const { count, octets } = this.stat();
        return this.reply(`+OK ${count} ${octets}`);
      }
      case 'LIST':
      case 'UIDL': {
        const show = (n: number, m: Pop3Message) => `${n} ${keyword === 'LIST' ? m.size : m.id}`;
        if (args.length > 1) return this.error(`-ERR usage: ${keyword} [message]`);
        if (args.length === 1) {
          const n = this.messageNumber(args[0] as string);
          if (typeof n !== 'number') return n;
          return this.reply(`+OK ${show(n, drop.messages[n - 1] as Pop3Message)}`);
        }
        const lines = [keyword === 'LIST' ? `+OK ${this.stat().count} messages (${this.stat().octets} octets)` : '+OK unique-id listing follows'];
        drop.messages.forEach((m, i) => {
          if (!drop.deleted.has(i + 1)) lines.push(show(i + 1, m));
        });
        lines.push('.');
        return this.reply(lines.join('\r\n'));
      }
      case 'RETR':
      case 'TOP': {
        const arity = keyword === 'RETR' ? 1 : 2;
        if (args.length !== arity) return this.error(keyword === 'RETR' ? '-ERR usage: RETR message' : '-ERR usage: TOP message lines');
        const n = this.messageNumber(args[0] as string);
        if (typeof n !== 'number') return n;
        let topLines: number | null = null;
        if (keyword === 'TOP') {
          if (!/^\d{1,9}$/.test(args[1] as string)) return this.error('-ERR the line count must be a non-negative number');
          topLines = Number(args[1]);
        }
        const m = drop.messages[n - 1] as Pop3Message;
        this.waiting = 'retrieve';
        return [{ type: 'retrieve', id: m.id, size: m.size, topLines }];
      }
      case 'DELE': {
        if (args.length !== 1) return this.error('-ERR usage: DELE message');
        const n = this.messageNumber(args[0] as string);
        if (typeof n !== 'number') return n;
        drop.deleted.add(n);
        return this.reply(`+OK message ${n} deleted`);
      }
      case 'RSET': {
        if (args.length !== 0) return this.error('-ERR usage: RSET');
        drop.deleted.clear();
        const { count, octets } = this.stat();
        return this.reply(`+OK maildrop has ${count} messages (${octets} octets)`);
      }
      case 'NOOP':
        return args.length === 0 ? this.reply('+OK') : this.error('-ERR usage: NOOP');
      case 'USER':
      case 'PASS':
      case 'AUTH':
      case 'APOP':
        return this.error('-ERR already logged in');
      case 'STLS':
        return this.error('-ERR STLS is only allowed before login');
      default:
        return this.error('-ERR unknown command');
    }
  }

  private quit(): Pop3Effect[] {
    if (this.phase === 'transaction') {
      const drop = this.maildrop as Maildrop;
      this.waiting = 'commit';
      const ids = [...drop.deleted].sort((a, b) => a - b).map((n) => (drop.messages[n - 1] as Pop3Message).id);
      return [{ type: 'commit', ids }];
    }
    this.phase = 'closed';
    return [{ type: 'reply', text: '+OK PennCloud POP3 server signing off' }, { type: 'close' }];
  }

  /** A message number that names a message not marked deleted, or the -ERR answer. */
  private messageNumber(arg: string): number | Pop3Effect[] {
    const drop = this.maildrop as Maildrop;
    if (!numberPattern.test(arg)) return this.error(`-ERR "${arg.slice(0, 20)}" is not a message number`);
    const n = Number(arg);
    if (n > drop.messages.length) return this.error(`-ERR no message ${n}`);
    if (drop.deleted.has(n)) return this.error(`-ERR message ${n} is already deleted`);
    return n;
  }

  private stat(): { count: number; octets: number } {
    const drop = this.maildrop as Maildrop;
    let count = 0;
    let octets = 0;
    drop.messages.forEach((m, i) => {
      if (drop.deleted.has(i + 1)) return;
      count++;
      octets += m.size;
    });
    return { count, octets };
  }

  /** RFC 2449 §5; login methods only where they may be used now. */
  private capabilities(): string {
    const lines = ['+OK capability list follows'];
    const loginAllowed = this.options.plainAuthAllowed || this.secure;
    if (this.phase === 'authorization' && loginAllowed) lines.push('USER', 'SASL PLAIN');
    if (this.phase === 'authorization' && this.options.tlsAvailable && !this.secure) lines.push('STLS');
    lines.push('TOP', 'UIDL', 'PIPELINING', 'RESP-CODES', 'AUTH-RESP-CODE', 'EXPIRE NEVER', 'IMPLEMENTATION PennCloud', '.');
    return lines.join('\r\n');
  }

  private reply(text: string): Pop3Effect[] {
    return [{ type: 'reply', text }];
  }

  /** An -ERR that counts towards the error limit; past it the server hangs up. */
  private error(text: string): Pop3Effect[] {
    if (++this.errors >= this.options.errorsMax) {
      this.phase = 'closed';
      return [{ type: 'reply', text }, { type: 'reply', text: '-ERR too many errors; closing' }, { type: 'close' }];
    }
    return [{ type: 'reply', text }];
  }
}
