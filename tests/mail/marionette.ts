// A minimal Marionette client (Firefox/Thunderbird remote protocol over TCP): messages are
// `<length>:<JSON>`; a command is [0, id, name, params], its answer [1, id, error, result].
// Enough to open a session, switch to the chrome context and run privileged scripts.
import net from 'node:net';

export class Marionette {
  private buffer = Buffer.alloc(0);
  private nextId = 1;
  private readonly pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  private hello: ((v: unknown) => void) | null = null;
  /** The session's script time limit: Marionette's default until set. */
  private scriptTimeoutMs = 30_000;

  private constructor(private readonly socket: net.Socket) {
    socket.on('data', (d: Buffer) => this.onData(d));
    socket.on('error', () => {});
  }

  static async connect(port: number): Promise<Marionette> {
    const socket = await new Promise<net.Socket>((resolve, reject) => {
      const s = net.connect({ port, host: '127.0.0.1' }, () => resolve(s));
      s.once('error', reject);
    });
    const m = new Marionette(socket);
    await new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        socket.destroy();
        reject(new Error('Marionette did not greet within 10000 ms'));
      }, 10_000);
      m.hello = (v) => {
        clearTimeout(timer);
        resolve(v);
      };
    });
    await m.command('WebDriver:NewSession', { capabilities: {} });
    await m.command('Marionette:SetContext', { value: 'chrome' });
    return m;
  }

  private onData(d: Buffer): void {
    this.buffer = Buffer.concat([this.buffer, d]);
    for (;;) {
      const colon = this.buffer.indexOf(':');
      if (colon === -1) return;
      const length = Number(this.buffer.subarray(0, colon).toString());
      if (this.buffer.length < colon + 1 + length) return;
      const message = JSON.parse(this.buffer.subarray(colon + 1, colon + 1 + length).toString('utf8')) as unknown;
      this.buffer = this.buffer.subarray(colon + 1 + length);
      if (!Array.isArray(message)) {
        this.hello?.(message);
        this.hello = null;
        continue;
      }
      const [, id, error, result] = message as [number, number, { error: string; message: string } | null, unknown];
      const waiter = this.pending.get(id);
      this.pending.delete(id);
      if (!waiter) continue;
      if (error) waiter.reject(new Error(`${error.error}: ${error.message}`));
      else waiter.resolve(result);
    }
  }

  /** Sends a command; its answer must come within deadlineMs (Thunderbird may hang, this must not). */
  command(name: string, params: Record<string, unknown>, deadlineMs = 10_000): Promise<unknown> {
    const id = this.nextId++;
    const body = Buffer.from(JSON.stringify([0, id, name, params]), 'utf8');
    this.socket.write(`${body.length}:`);
    this.socket.write(body);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new Error(`${name}: no answer from Marionette within ${deadlineMs} ms`));
      }, deadlineMs);
      const settle = <V>(then: (v: V) => void) => (v: V) => {
        clearTimeout(timer);
        then(v);
      };
      this.pending.set(id, { resolve: settle(resolve), reject: settle(reject) });
    });
  }

  /**
   * Runs an async script in the chrome context; it calls arguments[arguments.length - 1](value)
   * to answer. The script's time limit is the session's (WebDriver:SetTimeouts), not a parameter
   * of the call, so it is set whenever it changes.
   */
  async run<T>(script: string, args: unknown[] = [], timeoutMs = 30_000): Promise<T> {
    if (timeoutMs !== this.scriptTimeoutMs) {
      await this.command('WebDriver:SetTimeouts', { script: timeoutMs });
      this.scriptTimeoutMs = timeoutMs;
    }
    const r = (await this.command('WebDriver:ExecuteAsyncScript', { script, args, sandbox: 'system' }, timeoutMs + 10_000)) as { value: T };
    return r.value;
  }

  close(): void {
    this.socket.destroy();
  }
}
