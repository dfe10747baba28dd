// `node --import tsx scripts/bench/abuse-web-edge.ts`: the attacks on a frontend's HTTP edge,
// each against one real frontend (one storage node behind it), each result a FIGURE line
// (figures.ts):
// - 20 parallel 25 MiB posts to /api/mail/send with a hand-set Origin, first with no cookie, then
//   with a user's session: the frontend's peak resident memory, and the answers;
// - bodies that stop moving after a few bytes: how many connections the frontend still holds;
// - many idle connections from one address: how many it accepts.
// The helpers are shared with tests/abuse/web-edge-*.test.ts, which assert what these measure.
import http from 'node:http';
import net from 'node:net';
import { residentBytes, waitFor } from '../lib/processes.ts';
import { figure } from './figures.ts';
import { startSignedUp, type OneFrontend } from './one-frontend.ts';

export const MiB = 1024 * 1024;

export interface Frontend extends OneFrontend {
  port: number;
}

/** One frontend on a one-node store, with `web` settings, and a signed-up user. */
export async function startFrontend(username: string, web: Record<string, unknown> = {}, timeouts: Record<string, unknown> = {}): Promise<Frontend> {
  const f = await startSignedUp({ groups: 1, replicas: 1, coordinators: 1, frontends: 1, web, config: { timeouts } }, username, 'abuse password');
  return { ...f, port: Number(new URL(f.origin).port) };
}

const boundary = 'abuse-web-edge-boundary';

/**
 * A mail-send form of about `bytes` bytes: an empty To (so a send that gets as far as the
 * handler is refused without storing anything) and one attachment of zeros.
 */
export function sendForm(bytes: number): { body: Buffer; contentType: string } {
  const head = Buffer.from(
    `--${boundary}\r\nContent-Disposition: form-data; name="to"\r\n\r\n\r\n` +
      `--${boundary}\r\nContent-Disposition: form-data; name="attachments"; filename="zeros.bin"\r\nContent-Type: application/octet-stream\r\n\r\n`,
  );
  const tail = Buffer.from(`\r\n--${boundary}--\r\n`);
  const body = Buffer.concat([head, Buffer.alloc(Math.max(0, bytes - head.length - tail.length)), tail]);
  return { body, contentType: `multipart/form-data; boundary=${boundary}` };
}

export interface Answer {
  /** The status, or 0 when the connection ended without one (closed or reset). */
  status: number;
  headers: http.IncomingHttpHeaders;
  text: string;
}

/** One request on its own connection; the body is written in 1 MiB pieces, as the socket takes them. */
export function post(port: number, path: string, headers: Record<string, string>, body: Buffer): Promise<Answer> {
  return new Promise((resolve) => {
    let settled = false;
    const done = (answer: Answer) => {
      if (settled) return;
      settled = true;
      resolve(answer);
    };
    const req = http.request({ host: '127.0.0.1', port, path, method: 'POST', agent: false, headers: { ...headers, 'Content-Length': String(body.length) } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => done({ status: res.statusCode ?? 0, headers: res.headers, text: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', () => done({ status: res.statusCode ?? 0, headers: res.headers, text: '' }));
    });
    req.on('error', () => done({ status: 0, headers: {}, text: '' }));
    let offset = 0;
    const writeMore = () => {
      while (offset < body.length) {
        const piece = body.subarray(offset, offset + MiB);
        offset += piece.length;
        if (!req.write(piece)) return void req.once('drain', writeMore);
      }
      req.end();
    };
    writeMore();
  });
}

/** Runs `attack` while sampling the process's resident memory every 20 ms; the peak in MiB. */
export async function peakRssDuring<T>(pid: number, attack: () => Promise<T>): Promise<{ result: T; peakMiB: number; beforeMiB: number }> {
  const beforeMiB = residentBytes(pid) / MiB;
  let peak = beforeMiB;
  const timer = setInterval(() => {
    peak = Math.max(peak, residentBytes(pid) / MiB);
  }, 20);
  try {
    const result = await attack();
    peak = Math.max(peak, residentBytes(pid) / MiB);
    return { result, peakMiB: peak, beforeMiB };
  } finally {
    clearInterval(timer);
  }
}

/** `count` parallel mail sends of `bytes` each; with `cookie`, as that user. */
export function mailSendFlood(f: Frontend, count: number, bytes: number, cookie?: string): Promise<Answer[]> {
  const { body, contentType } = sendForm(bytes);
  const headers: Record<string, string> = { 'Content-Type': contentType, Origin: f.origin, ...(cookie ? { Cookie: cookie } : {}) };
  return Promise.all(Array.from({ length: count }, () => post(f.port, '/api/mail/send', headers, body)));
}

/** A raw connection, and whether the server has closed it. */
export interface RawConnection {
  socket: net.Socket;
  /** Everything the server sent. */
  received(): string;
  closed(): boolean;
}

/** A raw connection to `port` on loopback; from `localAddress` (another of 127/8) when given, as another client would. */
export function connect(port: number, localAddress?: string): Promise<RawConnection> {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ port, host: '127.0.0.1', ...(localAddress ? { localAddress } : {}) });
    const chunks: Buffer[] = [];
    let closed = false;
    socket.on('data', (c: Buffer) => chunks.push(c));
    socket.on('close', () => (closed = true));
    socket.on('error', () => (closed = true));
    socket.once('connect', () => resolve({ socket, received: () => Buffer.concat(chunks).toString('latin1'), closed: () => closed }));
    socket.once('error', reject);
  });
}

/**
 * Opens `count` connections that each send the head of a POST declaring a 25 MiB body, and the
 * first 10 bytes of it, then nothing more.
 */
export async function stalledBodies(f: Frontend, count: number, path = '/api/mail/send', cookie = f.cookie): Promise<RawConnection[]> {
  const connections: RawConnection[] = [];
  for (let i = 0; i < count; i++) {
    const c = await connect(f.port);
    c.socket.write(
      `POST ${path} HTTP/1.1\r\nHost: 127.0.0.1:${f.port}\r\nOrigin: ${f.origin}\r\nCookie: ${cookie}\r\n` +
        `Content-Type: multipart/form-data; boundary=${boundary}\r\nContent-Length: ${25 * MiB}\r\n\r\n--${boundary}`,
    );
    connections.push(c);
  }
  return connections;
}

/** Opens `count` connections that send nothing, each waiting `settleMs` for an early close. */
export async function idleConnections(port: number, count: number): Promise<RawConnection[]> {
  const connections: RawConnection[] = [];
  for (let i = 0; i < count; i++) connections.push(await connect(port).catch(() => ({ socket: new net.Socket(), received: () => '', closed: () => true })));
  return connections;
}

export function closeAll(connections: RawConnection[]): void {
  for (const c of connections) c.socket.destroy();
}

/**
 * Waits until a new connection from `localAddress` is served (`probe` says so) — once a place
 * under a cap has been freed — then closes it.
 */
export async function awaitServedAgain(port: number, localAddress: string, probe: (c: RawConnection) => Promise<boolean>, what: string): Promise<void> {
  const again = await waitFor(
    async () => {
      const c = await connect(port, localAddress);
      if (await probe(c)) return c;
      c.socket.destroy();
      return undefined;
    },
    { timeoutMs: 10_000, what },
  );
  closeAll([again]);
}

export function statusCounts(answers: Answer[]): string {
  const counts = new Map<number, number>();
  for (const a of answers) counts.set(a.status, (counts.get(a.status) ?? 0) + 1);
  return [...counts].sort((a, b) => a[0] - b[0]).map(([status, n]) => `${n}×${status === 0 ? 'closed' : status}`).join(' ');
}

const bench = 'abuse_web_edge';

async function run(): Promise<void> {
  const f = await startFrontend('abuser');
  try {
    for (const [name, cookie] of [['unauthenticated', undefined], ['authenticated', f.cookie]] as const) {
      const started = Date.now();
      const { result, peakMiB, beforeMiB } = await peakRssDuring(f.pid, () => mailSendFlood(f, 20, 25 * MiB, cookie));
      figure(bench, `${name}_20x25mib_rss_before`, beforeMiB, 'MiB');
      figure(bench, `${name}_20x25mib_rss_peak`, peakMiB, 'MiB');
      figure(bench, `${name}_20x25mib_ms`, Date.now() - started, 'ms');
      console.log(`${name} 20 × 25 MiB posts answered: ${statusCounts(result)}`);
      // Let the memory of one attack go before the next is measured.
      await waitFor(() => residentBytes(f.pid) / MiB < beforeMiB + 50, { timeoutMs: 60_000, what: 'the frontend to give memory back' }).catch(() => {});
    }

    const stalled = await stalledBodies(f, 50);
    const stalledWaitMs = 40_000;
    await waitFor(() => stalled.every((c) => c.closed()), { timeoutMs: stalledWaitMs, what: 'stalled bodies to be cut' }).catch(() => {});
    figure(bench, `stalled_bodies_open_after_${stalledWaitMs / 1000}s`, stalled.filter((c) => !c.closed()).length, 'of 50');
    closeAll(stalled);

    const idle = await idleConnections(f.port, 600);
    // A refused connection is closed at once; give the server a moment to do it.
    await new Promise((r) => setTimeout(r, 2000));
    figure(bench, 'idle_connections_one_address_held', idle.filter((c) => !c.closed()).length, 'of 600');
    closeAll(idle);
  } finally {
    await f.cloud.close();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  run().catch((err: unknown) => {
    console.error(err);
    process.exit(1);
  });
}
