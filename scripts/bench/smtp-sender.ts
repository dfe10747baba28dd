// A lean SMTP client for bench:mail's intake phases: one connection at a time, one message at a
// time (MAIL, RCPT, DATA, each answered before the next, as Postfix's smtp-source loads the
// peers). It shares the machine's two cores with the system it measures, so it does no more than
// the protocol: no MIME building, no pool. nodemailer, which the tests keep as a real client,
// spent ~1.7 ms of CPU per 4 KiB message here, about what the daemon itself spends on one
// (docs/PERFORMANCE.md, "Warm-up").
import net from 'node:net';

/** A reply's code and text (the last line's, for a multi-line reply). */
export interface Reply {
  code: number;
  text: string;
}

/** Read as the reply to whatever was waiting when the connection closed: try again later. */
const closedReply: Reply = { code: 421, text: 'connection closed' };

/** One connection and the replies read from it, so that a closing one never answers for the next. */
class Connection {
  private readonly socket: net.Socket;
  private buffered = '';
  private readonly lines: string[] = [];
  private wake: (() => void) | null = null;
  closed = false;

  constructor(port: number, host: string) {
    this.socket = net.connect({ port, host });
    this.socket.setNoDelay(true);
    this.socket.setEncoding('latin1');
    this.socket.on('data', (text: string) => {
      this.buffered += text;
      for (let end = this.buffered.indexOf('\r\n'); end !== -1; end = this.buffered.indexOf('\r\n')) {
        this.lines.push(this.buffered.slice(0, end));
        this.buffered = this.buffered.slice(end + 2);
      }
      this.wake?.();
    });
    const gone = () => {
      this.closed = true;
      this.wake?.();
    };
    this.socket.on('close', gone);
    this.socket.on('error', gone);
  }

  command(line: string): Promise<Reply> {
    if (!this.closed) this.socket.write(`${line}\r\n`);
    return this.reply();
  }

  /** The next reply. After a 421 the server closes: this connection is done. */
  async reply(): Promise<Reply> {
    for (;;) {
      const line = this.lines.shift();
      if (line !== undefined) {
        if (line[3] === '-') continue;
        const reply = { code: Number(line.slice(0, 3)), text: line.slice(4) };
        if (reply.code === 421) this.end();
        return reply;
      }
      if (this.closed) return closedReply;
      await new Promise<void>((resolve) => (this.wake = resolve));
      this.wake = null;
    }
  }

  /** Says QUIT and waits for the server to close (or gives up after a second). */
  async quit(): Promise<void> {
    if (this.closed) return;
    await Promise.race([this.command('QUIT'), new Promise((resolve) => setTimeout(resolve, 1000))]);
    this.end();
  }

  private end(): void {
    this.closed = true;
    this.socket.destroy();
  }
}

export class SmtpSender {
  private connection: Connection | null = null;
  private sentOnConnection = 0;

  /** `messagesPerConnectionMax` below the daemon's mail.inboundMessagesPerConnectionMax, so a session never meets it. */
  constructor(
    private readonly port: number,
    private readonly messagesPerConnectionMax: number,
    private readonly host = '127.0.0.1',
  ) {}

  /**
   * Sends one message (CRLF line ends) from `from` to `to`; answers the reply that settled it: the
   * 250 after DATA, or the first refusal (the transaction then reset), a greeting's included.
   */
  async send(from: string, to: string, message: string): Promise<Reply> {
    if (!this.connection || this.connection.closed || this.sentOnConnection >= this.messagesPerConnectionMax) {
      const refused = await this.reconnect();
      if (refused) return refused;
    }
    const connection = this.connection as Connection;
    this.sentOnConnection++;
    for (const command of [`MAIL FROM:<${from}>`, `RCPT TO:<${to}>`]) {
      const reply = await connection.command(command);
      if (reply.code !== 250) return this.reset(connection, reply);
    }
    const go = await connection.command('DATA');
    if (go.code !== 354) return this.reset(connection, go);
    // Dot-stuffing (RFC 5321 §4.5.2), then the end of data.
    const stuffed = (message.startsWith('.') ? '.' : '') + message.replaceAll('\r\n.', '\r\n..');
    return connection.command(`${stuffed}${stuffed.endsWith('\r\n') ? '' : '\r\n'}.`);
  }

  async close(): Promise<void> {
    await this.connection?.quit();
    this.connection = null;
  }

  private async reset(connection: Connection, refusal: Reply): Promise<Reply> {
    if (!connection.closed) await connection.command('RSET');
    return refusal;
  }

  /** A new connection, greeted and past EHLO; answers the refusal when the server would not have it. */
  private async reconnect(): Promise<Reply | undefined> {
    await this.close();
    const connection = new Connection(this.port, this.host);
    this.connection = connection;
    this.sentOnConnection = 0;
    const greeting = await connection.reply();
    if (greeting.code !== 220) return greeting;
    const hello = await connection.command('EHLO bench.example.org');
    return hello.code === 250 ? undefined : hello;
  }
}
