// A lean SMTP client for bench:mail's intake phases: one connection, one message at a time
// (MAIL, RCPT, DATA, each answered before the next, as Postfix's smtp-source sends the peers'
// load). It shares the machine's two cores with the system it measures, so it does no more than
// the protocol: no MIME building, no pool, no per-message objects beyond the reply lines.
// nodemailer, which the tests use as a real client, spent ~1.7 ms of CPU per 4 KiB message
// here — as much as the mail daemon's whole work on it (docs/PERFORMANCE.md, "Warm-up").
import net from 'node:net';

/** A reply's code and text (the last line's, for a multi-line reply). */
export interface Reply {
  code: number;
  text: string;
}

/** Messages one connection sends before it says QUIT and the next one opens (the daemon's per-connection limit is 1,000). */
const messagesPerConnection = 500;

export class SmtpSender {
  private socket: net.Socket | null = null;
  private sentOnConnection = 0;
  private buffered = '';
  private readonly lines: string[] = [];
  private wake: (() => void) | null = null;
  private closed = false;

  constructor(
    private readonly port: number,
    private readonly host = '127.0.0.1',
  ) {}

  /**
   * Sends one message (CRLF line ends) from `from` to `to`; answers the reply that settled it:
   * the 250 after DATA, or the first refusal (after which the transaction is reset).
   */
  async send(from: string, to: string, message: string): Promise<Reply> {
    if (!this.socket || this.closed || this.sentOnConnection >= messagesPerConnection) await this.reconnect();
    this.sentOnConnection++;
    for (const command of [`MAIL FROM:<${from}>`, `RCPT TO:<${to}>`]) {
      const reply = await this.command(command);
      if (reply.code !== 250) return this.reset(reply);
    }
    const go = await this.command('DATA');
    if (go.code !== 354) return this.reset(go);
    // Dot-stuffing (RFC 5321 §4.5.2), then the end of data.
    const stuffed = (message.startsWith('.') ? '.' : '') + message.replaceAll('\r\n.', '\r\n..');
    return this.command(`${stuffed}${stuffed.endsWith('\r\n') ? '' : '\r\n'}.`);
  }

  close(): void {
    if (this.socket && !this.closed) this.socket.end('QUIT\r\n');
    this.socket = null;
  }

  private async reset(refusal: Reply): Promise<Reply> {
    if (!this.closed && refusal.code !== 421) await this.command('RSET');
    return refusal;
  }

  private async reconnect(): Promise<void> {
    this.close();
    this.closed = false;
    this.buffered = '';
    this.lines.length = 0;
    this.sentOnConnection = 0;
    const socket = net.connect({ port: this.port, host: this.host });
    socket.setNoDelay(true);
    socket.setEncoding('latin1');
    socket.on('data', (text: string) => {
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
    socket.on('close', gone);
    socket.on('error', gone);
    this.socket = socket;
    const greeting = await this.reply();
    if (greeting.code !== 220) throw new Error(`SMTP greeting: ${greeting.code} ${greeting.text}`);
    const hello = await this.command('EHLO bench.example.org');
    if (hello.code !== 250) throw new Error(`EHLO: ${hello.code} ${hello.text}`);
  }

  private command(line: string): Promise<Reply> {
    this.socket?.write(`${line}\r\n`);
    return this.reply();
  }

  /** The next reply; a connection that closed first reads as 421 (try again later). */
  private async reply(): Promise<Reply> {
    for (;;) {
      const line = this.lines.shift();
      if (line !== undefined) {
        if (line[3] === '-') continue;
        return { code: Number(line.slice(0, 3)), text: line.slice(4) };
      }
      if (this.closed) return { code: 421, text: 'connection closed' };
      await new Promise<void>((resolve) => (this.wake = resolve));
      this.wake = null;
    }
  }
}
