// What the mail tests share: a real cluster with the real mail daemon (through its entry
// point), users signed up as the web does it, a sink SMTP server (smtp-server) that stands in
// for other domains' mail exchangers via mail.relay, a line-level TCP client for protocol
// edges, and runners for the outside clients (python3 smtplib/poplib, curl).
import { execFile } from 'node:child_process';
import net from 'node:net';
import os from 'node:os';
import tls from 'node:tls';
import { SMTPServer } from 'smtp-server';
import { MailClient } from '../../cluster/smtp/client.ts';
import { Accounts } from '../../cluster/smtp/io/accounts.ts';
import { MailboxStore } from '../../cluster/model/mail/mailbox-store.ts';
import { mailPorts, startCluster, startMailDaemon, type MailPorts, type TestCluster } from '../../scripts/lib/cluster.ts';
import { freePorts, waitFor, type Service } from '../../scripts/lib/processes.ts';
import { withIdentity } from '../../cluster/common/config.ts';
import { SocketLines } from '../lib/raw-exchange.ts';

export const password = (user: string) => `${user}-secret-pw`;

export interface MailSystem {
  cluster: TestCluster;
  ports: MailPorts;
  accounts: Accounts;
  mailbox: MailboxStore;
  client: MailClient;
  daemon: Service;
  sink: Sink;
  /** Restarts the daemon (kill -9 or SIGTERM first), with optional env overrides. */
  restartDaemon(how: 'kill9' | 'stop', env?: Record<string, string>): Promise<void>;
  close(): Promise<void>;
}

export interface MailSystemOptions {
  users: string[];
  /** Storage groups (1 by default); with 2, users a–i live in group 0 and j–z in group 1. */
  groups?: number;
  /** Settings under `mail` besides ports and relay. */
  mail?: Record<string, unknown>;
}

/** Settings that keep the tests fast: small limits, short retries, cheap password hashes. */
export const testMailSettings = {
  domain: 'localhost',
  messageBytesMax: 256 * 1024,
  chunkBytes: 16 * 1024,
  connectionsPerAddressMax: 8,
  loginFailuresPerUserMax: 3,
  loginFailuresPerAddressMax: 50,
  retryBaseMs: 1000,
  retryMaxMs: 2000,
  deliveryAttemptsMax: 3,
  deliveryTimeoutMs: 500,
  pop3ErrorsMax: 10,
};

export async function startMailSystem(options: MailSystemOptions): Promise<MailSystem> {
  const ports = await mailPorts();
  const sink = await startSink();
  const cluster = await startCluster({
    groups: options.groups ?? 1,
    replicas: 3,
    config: {
      web: { scryptCostLog2: 10, scryptConcurrencyMax: 4 },
      mail: { ...testMailSettings, ...ports, relay: `127.0.0.1:${sink.port}`, ...options.mail },
    },
  });
  const accounts = Accounts.open(cluster.client, cluster.config);
  await Promise.all(options.users.map((u) => accounts.create(u, password(u))));
  let daemon: Service;
  try {
    daemon = await startMailDaemon(cluster);
  } catch (err) {
    await cluster.close();
    await sink.close();
    throw err;
  }
  // Mail.Send is the frontends' call (the mail daemon refuses it from any other certificate).
  const client = new MailClient(withIdentity(cluster.config, 'web1'), 10_000);
  const system: MailSystem = {
    cluster,
    ports,
    accounts,
    mailbox: new MailboxStore(cluster.client, cluster.config.mail.chunkBytes),
    client,
    daemon,
    sink,
    async restartDaemon(how, env = {}) {
      await (how === 'kill9' ? system.daemon.kill9() : system.daemon.stop());
      system.daemon = await startMailDaemon(cluster, env);
    },
    async close() {
      client.close();
      await system.daemon.kill9();
      await cluster.close();
      await sink.close();
    },
  };
  return system;
}

// ---- The sink: a remote mail exchanger ----

export interface SinkMessage {
  from: string;
  to: string[];
  raw: Buffer;
}

export type SinkMode = 'accept' | 'tempfail' | 'reject' | 'silent';

export interface Sink {
  port: number;
  messages: SinkMessage[];
  /** Connections seen (each delivery attempt opens one). */
  connections: number;
  /** Recipients refused (tempfail and reject modes). */
  refusals: number;
  mode: SinkMode;
  close(): Promise<void>;
}

/**
 * accept: 250 for everything; tempfail: 451 to every RCPT; reject: 550 to every RCPT;
 * silent: accepts the TCP connection and never greets (an MX that never answers).
 */
export async function startSink(): Promise<Sink> {
  const [port] = (await freePorts(1)) as [number];
  const sink: Sink = { port, messages: [], connections: 0, refusals: 0, mode: 'accept', close: async () => {} };
  const server = new SMTPServer({
    disableReverseLookup: true,
    authOptional: true,
    disabledCommands: ['AUTH', 'STARTTLS'],
    logger: false,
    onConnect(_session, callback) {
      sink.connections++;
      if (sink.mode !== 'silent') callback();
      // silent: no callback, so no greeting; the client's greeting timeout ends it.
    },
    onRcptTo(_address, _session, callback) {
      if (sink.mode === 'tempfail' || sink.mode === 'reject') sink.refusals++;
      if (sink.mode === 'tempfail') return callback(Object.assign(new Error('try again later'), { responseCode: 451 }));
      if (sink.mode === 'reject') return callback(Object.assign(new Error('5.1.1 no such user'), { responseCode: 550 }));
      callback();
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        sink.messages.push({
          from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
          to: session.envelope.rcptTo.map((r) => r.address),
          raw: Buffer.concat(chunks),
        });
        callback();
      });
    },
  });
  // A sender killed mid-session (kill -9 of the daemon) resets its connection: that is the
  // sender's doing, not a failure of this stand-in remote server.
  server.on('error', () => {});
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  sink.close = () =>
    new Promise<void>((resolve) => {
      server.close(() => resolve());
      for (const c of (server as unknown as { connections: Set<{ close(): void }> }).connections) c.close();
    });
  return sink;
}

// ---- A line client for protocol edges ----

export class LineClient {
  private lines: SocketLines;

  private constructor(private socket: net.Socket) {
    this.lines = new SocketLines(socket, false);
  }

  static connect(port: number, host = '127.0.0.1'): Promise<LineClient> {
    return new Promise((resolve, reject) => {
      const socket = net.connect({ port, host }, () => resolve(new LineClient(socket)));
      socket.once('error', reject);
    });
  }

  get closed(): boolean {
    return this.lines.closed;
  }

  send(text: string): void {
    this.socket.write(text);
  }

  /** The next line (without CRLF); throws on a deadline or when the server hung up first. */
  async line(timeoutMs = 10_000): Promise<string> {
    const read = await this.lines.next(timeoutMs);
    if ('line' in read) return read.line;
    const unread = JSON.stringify(this.lines.unread);
    throw new Error(read.end === 'closed' ? `connection closed; unread: ${unread}` : `no line within ${timeoutMs} ms; unread: ${unread}`);
  }

  /** One SMTP reply (all lines of a multi-line one), e.g. "250-a\n250 b". */
  async smtpReply(timeoutMs?: number): Promise<string> {
    const lines: string[] = [];
    for (;;) {
      const l = await this.line(timeoutMs);
      lines.push(l);
      if (/^\d{3}(?: |$)/.test(l)) return lines.join('\n');
    }
  }

  /** One POP3 multi-line response up to (not including) the "." line; the first line alone when it is -ERR. */
  async pop3Multi(timeoutMs?: number): Promise<string[]> {
    const first = await this.line(timeoutMs);
    if (!first.startsWith('+OK')) return [first];
    const lines = [first];
    for (;;) {
      const l = await this.line(timeoutMs);
      if (l === '.') return lines;
      lines.push(l);
    }
  }

  /** Resolves when the server has closed the connection. */
  async waitClosed(timeoutMs = 10_000): Promise<void> {
    await waitFor(() => this.closed, { timeoutMs, what: 'the server to close the connection' });
  }

  /** Upgrades to TLS (after the server agreed to STARTTLS/STLS); accepts the self-signed certificate. */
  async startTls(): Promise<void> {
    this.socket.removeAllListeners('data');
    this.socket.removeAllListeners('close');
    const secure = tls.connect({ socket: this.socket, rejectUnauthorized: false });
    await new Promise<void>((resolve, reject) => {
      secure.once('secureConnect', resolve);
      secure.once('error', reject);
    });
    this.socket = secure;
    this.lines = new SocketLines(secure, false);
  }

  destroy(): void {
    this.socket.destroy();
  }
}

// ---- Outside clients ----

export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

export function run(cmd: string, args: string[], timeoutMs = 30_000): Promise<RunResult> {
  return new Promise((resolve) => {
    execFile(cmd, args, { timeout: timeoutMs, maxBuffer: 64 * 1024 * 1024, encoding: 'buffer' }, (err, stdout, stderr) => {
      const code = err ? (typeof (err as { code?: unknown }).code === 'number' ? ((err as { code: number }).code) : 1) : 0;
      resolve({ code, stdout: stdout.toString('latin1'), stderr: stderr.toString('utf8') });
    });
  });
}

/** Runs a python3 script (given as text) with arguments; its JSON output parsed. */
export async function python<T>(script: string, args: (string | number)[]): Promise<T> {
  const r = await run('python3', ['-c', script, ...args.map(String)]);
  if (r.code !== 0) throw new Error(`python3 failed (${r.code}): ${r.stderr}`);
  return JSON.parse(r.stdout) as T;
}

/** An IPv4 address of this machine that is not loopback, to test what non-local clients get. */
export function externalAddress(): string {
  for (const list of Object.values(os.networkInterfaces())) {
    for (const a of list ?? []) if (a.family === 'IPv4' && !a.internal) return a.address;
  }
  throw new Error('this machine has no non-loopback IPv4 address; the non-local tests need one');
}

/** A message with CRLF line ends. */
export function rfc822(headers: Record<string, string>, body: string): string {
  const head = Object.entries(headers).map(([k, v]) => `${k}: ${v}`);
  return [...head, '', ...body.split('\n')].join('\r\n') + '\r\n';
}
