// One IMAP4rev1 session (RFC 3501) with LITERAL+ (7888), UIDPLUS (4315), MOVE (6851),
// SPECIAL-USE (6154), NAMESPACE (2342), ID (2971), ENABLE (5161), IDLE (2177), UNSELECT (3691),
// CHILDREN (3348), SASL-IR (4959) and APPENDLIMIT (7889). It has no socket and no store of its
// own: the io (cluster/smtp/io/imap-server.ts) frames commands (framer.ts) and hands them in
// one at a time, awaiting each; the session answers through deps.write and reaches mail only
// through the ImapStore port. Time and TLS come in through deps too, and the protocol trace:
// when the io asks for one, every command and response line goes to deps.trace, masked by
// trace.ts (no password, message or header text).
//
// Logins follow the POP3 rule (pop3-session.ts): a password is accepted in plain text only from
// loopback; elsewhere only after STARTTLS, and until then CAPABILITY says LOGINDISABLED.
import { encode, raw, type Value } from './encode.ts';
import { runFolderCommand } from './folder-commands.ts';
import { runMessageCommand } from './message-commands.ts';
import { bad, ok, storageUnavailable, type CommandContext, type ImapSessionOptions, type Tagged } from './context.ts';
import { astring, parseCommand, type Token } from './parser.ts';
import { ImapStoreError, type ImapStore } from './ports.ts';
import { traceCommand, traceResponse } from './trace.ts';

export type ImapLoginResult =
  | { outcome: 'ok'; user: string; stillValid?: () => Promise<boolean> }
  | { outcome: 'wrong' | 'rate-limited' | 'unavailable' | 'too-many-sessions' };

export interface ImapSessionDeps {
  write(data: Buffer): Promise<void>;
  /** Checks a password under the login limits; address and protocol are the io's. */
  login(user: string, password: string): Promise<ImapLoginResult>;
  openStore(user: string): ImapStore;
  /** Starts TLS on the connection; resolves once the handshake is done. */
  startTls(): Promise<void>;
  /** Ends the connection after what was written. */
  close(): void;
  now(): Date;
  log(level: 'info' | 'warn', message: string, fields: Record<string, unknown>): void;
  /** The protocol trace, when the io wants one: each command and response line, masked (trace.ts). */
  trace?(direction: 'C' | 'S', line: string): void;
}

const codes: Record<ImapStoreError['code'], string> = {
  nonexistent: 'NONEXISTENT',
  exists: 'ALREADYEXISTS',
  cannot: 'CANNOT',
  'over-quota': 'OVERQUOTA',
  'too-big': 'TOOBIG',
  unavailable: 'UNAVAILABLE',
};

type Phase = 'not-authenticated' | 'authenticated' | 'selected' | 'logout';

export class ImapSession {
  private phase: Phase = 'not-authenticated';
  private secure = false;
  private errors = 0;
  private commandsBeforeLogin = 0;
  private context: (CommandContext & { stillValid?: () => Promise<boolean> }) | null = null;
  /** The tag of an AUTHENTICATE waiting for its response line, or of an IDLE waiting for DONE. */
  private saslTag: string | null = null;
  private idleTag: string | null = null;

  constructor(
    private readonly options: ImapSessionOptions,
    private readonly deps: ImapSessionDeps,
  ) {}

  get closed(): boolean {
    return this.phase === 'logout';
  }

  get idling(): boolean {
    return this.idleTag !== null;
  }

  get loggedIn(): boolean {
    return this.context !== null;
  }

  get user(): string | null {
    return this.context?.user ?? null;
  }

  /** RFC 3501 §7.1.1: the greeting, with the capabilities so clients need not ask. */
  greeting(): Promise<void> {
    return this.untagged(`OK [CAPABILITY ${this.capabilities()}] PennCloud IMAP4rev1 server ready`);
  }

  /** A line over the framer's limit. */
  async lineTooLong(tag: string | null): Promise<void> {
    await this.bad(tag, 'Command line too long');
  }

  /** A literal the framer refused for its size. */
  async literalRefused(tag: string | null, bytes: number): Promise<void> {
    const text = bytes > this.options.messageBytesMax ? `Literal too large (at most ${this.options.messageBytesMax} octets)` : 'Command too large';
    await this.reply(tag, { status: 'BAD', code: 'TOOBIG', text });
    await this.countError();
  }

  /** The io's autologout timer (RFC 3501 §5.4). */
  async timeout(): Promise<void> {
    if (this.closed) return;
    this.phase = 'logout';
    await this.untagged('BYE Autologout; idle for too long');
    this.deps.close();
  }

  /** Server shutdown. */
  async shutdown(): Promise<void> {
    if (this.closed) return;
    this.phase = 'logout';
    await this.untagged('BYE Server shutting down');
    this.deps.close();
  }

  /** During IDLE, the io calls this every few seconds: new mail and flag changes go out at once. */
  async poll(): Promise<void> {
    if (!this.idling || !this.context) return;
    if (!(await this.stillValid())) return;
    try {
      await this.context.sync(this.phase === 'selected');
    } catch (err) {
      // The store may be back by the next poll; the client keeps waiting meanwhile.
      this.deps.log('warn', 'IMAP IDLE poll failed', { err, user: this.user });
    }
  }

  /** One framed command (or the response line an AUTHENTICATE or IDLE waits for). */
  async handle(data: Buffer): Promise<void> {
    if (this.closed) return;
    if (this.saslTag !== null) {
      this.deps.trace?.('C', '(AUTHENTICATE response)');
      return this.saslResponse(data.toString('utf8'));
    }
    if (this.idleTag !== null) {
      this.deps.trace?.('C', data.toString('latin1', 0, Math.min(data.length, 20)).trim());
      return this.endIdle(data.toString('utf8'));
    }
    const parsed = parseCommand(data);
    if (!parsed.ok) {
      this.deps.trace?.('C', `${parsed.tag ?? '*'} (unparsable: ${parsed.message})`);
      return this.bad(parsed.tag, parsed.message);
    }
    const { tag, name, args } = parsed;
    this.deps.trace?.('C', traceCommand(tag, name, args));
    if (this.phase === 'not-authenticated' && ++this.commandsBeforeLogin > this.options.commandsBeforeLoginMax) {
      this.phase = 'logout';
      await this.untagged('BYE Too many commands without logging in');
      this.deps.close();
      return;
    }
    if (!(await this.stillValid())) return;
    let result: Tagged | null;
    try {
      result = await this.dispatch(tag, name, args);
    } catch (err) {
      result = this.storeFailure(err);
    }
    if (!result) return;
    await this.reply(tag, result);
    if (result.status === 'BAD') await this.countError();
  }

  /** False (and the session over) once the account's sessions were ended after this one logged in. */
  private async stillValid(): Promise<boolean> {
    const ctx = this.context;
    if (!ctx?.stillValid || (await ctx.stillValid())) return true;
    this.phase = 'logout';
    this.deps.log('info', 'IMAP session ended by a session version change', { user: ctx.user });
    await this.untagged('BYE Your session has ended (password changed or signed out everywhere); log in again');
    this.deps.close();
    return false;
  }

  private storeFailure(err: unknown): Tagged {
    if (err instanceof ImapStoreError) return { status: 'NO', code: codes[err.code], text: err.message };
    this.deps.log('warn', 'IMAP command failed', { err, user: this.user });
    return storageUnavailable;
  }

  private async dispatch(tag: string, name: string, args: Token[]): Promise<Tagged | null> {
    switch (name) {
      case 'CAPABILITY':
        if (args.length) return bad('CAPABILITY takes no arguments');
        await this.untagged(`CAPABILITY ${this.capabilities()}`);
        return ok('CAPABILITY completed');
      case 'NOOP':
        if (this.context) await this.context.sync(this.phase === 'selected');
        return ok('NOOP completed');
      case 'LOGOUT':
        this.phase = 'logout';
        await this.untagged('BYE PennCloud IMAP4rev1 server signing off');
        await this.reply(tag, ok('LOGOUT completed'));
        this.deps.close();
        return null;
      case 'ID':
        // RFC 2971: the server's name only; nothing about versions or hosts.
        await this.send([raw('*'), raw('ID'), ['name', 'PennCloud']]);
        return ok('ID completed');
    }
    if (this.phase === 'not-authenticated') return this.notAuthenticated(tag, name, args);
    const ctx = this.context as CommandContext;
    switch (name) {
      case 'STARTTLS':
      case 'LOGIN':
      case 'AUTHENTICATE':
        return bad('Already logged in');
      case 'ENABLE':
        if (args.length === 0) return bad('ENABLE needs capability names');
        // Nothing this server has needs enabling (no CONDSTORE, no UTF8=ACCEPT).
        await this.untagged('ENABLED');
        return ok('ENABLE completed');
      case 'NAMESPACE':
        await this.untagged('NAMESPACE (("" "/")) NIL NIL');
        return ok('NAMESPACE completed');
      case 'IDLE':
        if (args.length) return bad('IDLE takes no arguments');
        this.idleTag = tag;
        await this.sendRaw(Buffer.from('+ idling\r\n'));
        if (this.context) await this.context.sync(this.phase === 'selected');
        return null;
    }
    const folderResult = await runFolderCommand(ctx, name, args);
    this.afterCommand(ctx);
    if (folderResult) {
      if (this.phase === 'selected' && folderResult.status !== 'BAD' && !['SELECT', 'EXAMINE'].includes(name)) await ctx.sync(true);
      return folderResult;
    }
    if (this.phase !== 'selected') {
      const known = ['CHECK', 'CLOSE', 'UNSELECT', 'EXPUNGE', 'SEARCH', 'FETCH', 'STORE', 'COPY', 'MOVE', 'UID'];
      return bad(known.includes(name) ? `${name} needs a selected folder` : `Unknown command ${name.slice(0, 20)}`);
    }
    const messageResult = await runMessageCommand(ctx, name, args);
    this.afterCommand(ctx);
    return messageResult ?? bad(`Unknown command ${name.slice(0, 20)}`);
  }

  /** A command may select or deselect a folder (or a sync may have ended the session). */
  private afterCommand(ctx: CommandContext): void {
    if (this.phase !== 'logout') this.phase = ctx.view ? 'selected' : 'authenticated';
  }

  // ---- Not authenticated (RFC 3501 §6.2) ----

  private get loginAllowed(): boolean {
    return this.options.plainAuthAllowed || this.secure;
  }

  private async notAuthenticated(tag: string, name: string, args: Token[]): Promise<Tagged | null> {
    switch (name) {
      case 'STARTTLS':
        if (!this.options.tlsAvailable) return bad('STARTTLS is not available here');
        if (this.secure) return bad('TLS is already active');
        await this.reply(tag, ok('Begin TLS negotiation now'));
        await this.deps.startTls();
        // RFC 3501 §6.2.1: after the handshake, everything learned before it is forgotten.
        this.secure = true;
        return null;
      case 'LOGIN': {
        if (!this.loginAllowed) return this.privacyRequired();
        const user = astring(args[0]);
        const password = astring(args[1]);
        if (args.length !== 2 || !user || password === undefined) return bad('Usage: LOGIN user password');
        return this.login(user, password);
      }
      case 'AUTHENTICATE': {
        const mechanism = args[0]?.kind === 'atom' ? args[0].value.toUpperCase() : '';
        if (mechanism !== 'PLAIN' || args.length > 2) return { status: 'NO', text: 'Unsupported mechanism; PLAIN is supported' };
        if (!this.loginAllowed) return this.privacyRequired();
        const initial = args[1];
        if (initial) return this.plainResponse(astring(initial) === '=' ? '' : (astring(initial) ?? ''));
        this.saslTag = tag;
        await this.sendRaw(Buffer.from('+ \r\n'));
        return null;
      }
      default:
        return bad(`${name.slice(0, 20)} is not allowed before login`);
    }
  }

  private privacyRequired(): Tagged {
    return {
      status: 'NO',
      code: 'PRIVACYREQUIRED',
      text: this.options.tlsAvailable ? 'Use STARTTLS first: passwords travel in plain text only from this machine' : 'Logins are accepted only from this machine (TLS is off)',
    };
  }

  private async saslResponse(line: string): Promise<void> {
    const tag = this.saslTag as string;
    this.saslTag = null;
    const result = line.trim() === '*' ? bad('Authentication cancelled') : await this.plainResponse(line.trim());
    await this.reply(tag, result);
    if (result.status === 'BAD') await this.countError();
  }

  /** RFC 4616: base64 of authzid NUL authcid NUL passwd; authzid must be empty or the same user. */
  private async plainResponse(b64: string): Promise<Tagged> {
    const malformed: Tagged = { status: 'BAD', text: 'Malformed PLAIN response' };
    if (!/^[A-Za-z0-9+/]*={0,2}$/.test(b64)) return malformed;
    const parts = Buffer.from(b64, 'base64').toString('utf8').split('\0');
    if (parts.length !== 3) return malformed;
    const [authzid, authcid, password] = parts as [string, string, string];
    if (authcid === '' || password === '') return malformed;
    if (authzid !== '' && authzid !== authcid) return { status: 'NO', code: 'AUTHORIZATIONFAILED', text: 'Acting as another user is not allowed' };
    return this.login(authcid, password);
  }

  private async login(input: string, password: string): Promise<Tagged> {
    const result = await this.deps.login(input, password);
    switch (result.outcome) {
      case 'ok':
        this.context = this.makeContext(result.user, this.deps.openStore(result.user), result.stillValid);
        this.phase = 'authenticated';
        return { status: 'OK', code: `CAPABILITY ${this.capabilities()}`, text: 'Logged in' };
      case 'wrong':
        return { status: 'NO', code: 'AUTHENTICATIONFAILED', text: 'Wrong username or password' };
      case 'rate-limited':
        return { status: 'NO', code: 'AUTHENTICATIONFAILED', text: 'Too many failed logins; try again later' };
      case 'too-many-sessions':
        return { status: 'NO', code: 'LIMIT', text: 'Too many IMAP sessions for this account' };
      case 'unavailable':
        return storageUnavailable;
    }
  }

  private makeContext(user: string, store: ImapStore, stillValid: (() => Promise<boolean>) | undefined): CommandContext & { stillValid?: () => Promise<boolean> } {
    const ctx: CommandContext & { stillValid?: () => Promise<boolean> } = {
      store,
      user,
      options: this.options,
      view: null,
      stillValid,
      send: (values) => this.send(values),
      sendRaw: (data) => this.sendRaw(data),
      now: () => this.deps.now(),
      sync: (expungeAllowed) => this.syncView(ctx, expungeAllowed),
    };
    return ctx;
  }

  /** Tells the client what changed in the selected folder since it last heard (view.ts). */
  private async syncView(ctx: CommandContext, expungeAllowed: boolean): Promise<void> {
    const view = ctx.view;
    if (!view) return;
    const changes = await ctx.store.changes(view.folder);
    if (changes === view.changes && !view.hasUnreported) return;
    let listing;
    try {
      listing = await ctx.store.messages(view.folder);
    } catch (err) {
      if (!(err instanceof ImapStoreError) || err.code !== 'nonexistent') throw err;
      // The selected folder was deleted or renamed elsewhere: nothing about it is true any more.
      this.phase = 'logout';
      await this.untagged('BYE The selected folder was deleted or renamed');
      this.deps.close();
      return;
    }
    view.changes = changes;
    for (const line of view.sync(listing, expungeAllowed)) await this.sendRaw(line);
  }

  // ---- IDLE (RFC 2177) ----

  private async endIdle(line: string): Promise<void> {
    const tag = this.idleTag as string;
    this.idleTag = null;
    if (line.trim().toUpperCase() !== 'DONE') return this.reply(tag, bad('Expected DONE'));
    await this.reply(tag, ok('IDLE terminated'));
  }

  // ---- Output ----

  private capabilities(): string {
    const caps = ['IMAP4rev1', 'LITERAL+', 'SASL-IR', 'ID', 'ENABLE', 'IDLE', 'NAMESPACE', 'UNSELECT', 'CHILDREN', 'UIDPLUS', 'MOVE', 'SPECIAL-USE', `APPENDLIMIT=${this.options.messageBytesMax}`];
    if (this.phase === 'not-authenticated') {
      if (this.options.tlsAvailable && !this.secure) caps.push('STARTTLS');
      caps.push(this.loginAllowed ? 'AUTH=PLAIN' : 'LOGINDISABLED');
    }
    return caps.join(' ');
  }

  private send(values: Value[]): Promise<void> {
    return this.sendRaw(encode(values));
  }

  /** Every response goes out here, so the trace sees them all. */
  private sendRaw(data: Buffer): Promise<void> {
    if (this.deps.trace && data.length > 2) this.deps.trace('S', traceResponse(data));
    return this.deps.write(data);
  }

  private untagged(text: string): Promise<void> {
    return this.sendRaw(Buffer.from(`* ${text}\r\n`));
  }

  private reply(tag: string | null, result: Tagged): Promise<void> {
    const code = result.code ? `[${result.code}] ` : '';
    return this.sendRaw(Buffer.from(`${tag ?? '*'} ${result.status} ${code}${result.text}\r\n`));
  }

  private async bad(tag: string | null, text: string): Promise<void> {
    await this.reply(tag, bad(text));
    await this.countError();
  }

  /** Past errorsMax BAD answers the server hangs up: the client is not speaking IMAP. */
  private async countError(): Promise<void> {
    if (++this.errors < this.options.errorsMax || this.closed) return;
    this.phase = 'logout';
    await this.untagged('BYE Too many errors; closing');
    this.deps.close();
  }
}
