// Byte-level clients for the bad-input tests: an HTTP request written as raw bytes on a socket
// (so a test can send what no well-behaved client library would — odd methods, duplicated or
// contradictory headers, a Content-Length that lies), and a reader of line replies for SMTP and
// POP3 that tells a well-formed reply from garbage, a closed connection and silence. The line
// reading itself (SocketLines) also serves the mail tests' client (tests/mail/mail-system.ts).
import net from 'node:net';

/** How one raw HTTP exchange ended. */
export type HttpOutcome =
  | { kind: 'reply'; status: number; headers: Map<string, string[]>; body: string; ms: number }
  | { kind: 'closed'; ms: number; received: string }
  | { kind: 'timeout'; ms: number; received: string };

export interface RawRequestOptions {
  /** Gives up (outcome `timeout`) when no complete answer came by then. */
  deadlineMs: number;
  /** Ends the sending side after the bytes, as a client that stopped mid-body does. */
  halfClose?: boolean;
}

/**
 * Writes `bytes` to port on loopback and reads until the server closes the connection (the
 * request should ask for `Connection: close`); the final response's status, headers and body,
 * after any interim 1xx ones. A server that closes without a status line gives `closed`.
 */
export function rawHttp(port: number, bytes: Buffer, options: RawRequestOptions): Promise<HttpOutcome> {
  const startMs = Date.now();
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let settled = false;
    const socket = net.connect({ port, host: '127.0.0.1' });
    const finish = (how: 'end' | 'timeout') => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.destroy();
      const ms = Date.now() - startMs;
      const received = Buffer.concat(chunks).toString('latin1');
      const parsed = parseResponse(received);
      if (parsed) resolve({ kind: 'reply', ...parsed, ms });
      else resolve(how === 'timeout' ? { kind: 'timeout', ms, received } : { kind: 'closed', ms, received });
    };
    const timer = setTimeout(() => finish('timeout'), options.deadlineMs);
    socket.on('data', (d: Buffer) => chunks.push(d));
    socket.on('close', () => finish('end'));
    socket.on('error', () => finish('end'));
    socket.on('connect', () => {
      socket.write(bytes);
      if (options.halfClose) socket.end();
    });
  });
}

/** The last non-1xx response head in `text` with the body after it, or undefined when none is complete. */
function parseResponse(text: string): { status: number; headers: Map<string, string[]>; body: string } | undefined {
  let at = 0;
  for (;;) {
    const headEnd = text.indexOf('\r\n\r\n', at);
    if (headEnd === -1) return undefined;
    const lines = text.slice(at, headEnd).split('\r\n');
    const match = /^HTTP\/1\.[01] (\d{3})(?: |$)/.exec(lines[0] ?? '');
    if (!match) return undefined;
    const status = Number(match[1]);
    at = headEnd + 4;
    if (status >= 100 && status < 200) continue;
    const headers = new Map<string, string[]>();
    for (const line of lines.slice(1)) {
      const colon = line.indexOf(':');
      if (colon <= 0) continue;
      const name = line.slice(0, colon).trim().toLowerCase();
      headers.set(name, [...(headers.get(name) ?? []), line.slice(colon + 1).trim()]);
    }
    return { status, headers, body: text.slice(at) };
  }
}

/**
 * What a socket receives, read a line at a time with a deadline on each read. A line ends at
 * CRLF, or with `bareLf` at a lone LF too (the CR, if any, dropped); a read gives the line
 * without its end, or how the wait ended.
 */
export class SocketLines {
  private buffer = '';
  private waiters: (() => void)[] = [];
  closed = false;

  constructor(
    readonly socket: net.Socket,
    private readonly bareLf: boolean,
  ) {
    socket.on('data', (d: Buffer) => {
      this.buffer += d.toString('latin1');
      this.wake();
    });
    socket.on('close', () => {
      this.closed = true;
      this.wake();
    });
    socket.on('error', () => {});
  }

  private wake(): void {
    const waiters = this.waiters;
    this.waiters = [];
    waiters.forEach((w) => w());
  }

  /** The next line; `{ end: 'closed' }` when the server hung up first, `{ end: 'timeout' }` past the deadline. */
  async next(timeoutMs: number): Promise<{ line: string } | { end: 'closed' | 'timeout' }> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const line = this.take();
      if (line !== undefined) return { line };
      if (this.closed) return { end: 'closed' };
      const left = deadline - Date.now();
      if (left <= 0) return { end: 'timeout' };
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  private take(): string | undefined {
    const end = this.bareLf ? this.buffer.indexOf('\n') : this.buffer.indexOf('\r\n');
    if (end === -1) return undefined;
    const line = this.buffer.slice(0, end);
    this.buffer = this.buffer.slice(end + (this.bareLf ? 1 : 2));
    return this.bareLf ? line.replace(/\r$/, '') : line;
  }

  /** Bytes received and not yet read as lines. */
  get unread(): string {
    return this.buffer;
  }
}

/** A socket read as CRLF lines (bare LF accepted), with a deadline on each read. */
export class LineReader {
  private readonly lines: SocketLines;

  private constructor(readonly socket: net.Socket) {
    this.lines = new SocketLines(socket, true);
  }

  static connect(port: number): Promise<LineReader> {
    return new Promise((resolve, reject) => {
      const socket = net.connect({ port, host: '127.0.0.1' }, () => resolve(new LineReader(socket)));
      socket.once('error', reject);
    });
  }

  get closed(): boolean {
    return this.lines.closed;
  }

  write(bytes: Buffer | string): void {
    if (!this.socket.destroyed) this.socket.write(bytes);
  }

  /** The next line without its line end; 'closed' when the server hung up first, 'timeout' past the deadline. */
  async line(timeoutMs: number): Promise<string | 'closed' | 'timeout'> {
    const read = await this.lines.next(timeoutMs);
    return 'line' in read ? read.line : read.end;
  }

  /** Bytes received and not yet read as lines. */
  get unread(): string {
    return this.lines.unread;
  }

  destroy(): void {
    this.socket.destroy();
  }
}
