// `npm run bench:mail`: the mail daemon on a fresh cluster of the default shape (3 groups × 3
// replicas, coordinator, daemon — all real processes through their entry points).
//   1. SMTP: MESSAGES (5,000) messages of 4 KiB delivered over SESSIONS (20) parallel SMTP
//      sessions to 20 local users; each 250 means the message is durably in the store. Prints
//      messages/s, MB/s and the p50/p99 time from MAIL FROM to the 250 after DATA.
//   2. POP3: one mailbox of POP3_MESSAGES (1,000) messages of POP3_MESSAGE_KB (32) KiB,
//      downloaded by one client with RETR after RETR (as Thunderbird does). Prints MB/s and
//      the time to log in and list.
import net from 'node:net';
import nodemailer from 'nodemailer';
import { MailClient } from '../../cluster/smtp/client.ts';
import { Accounts } from '../../cluster/smtp/io/accounts.ts';
import { mailPorts, startCluster, startMailDaemon } from '../../tests/lib/cluster.ts';

const messages = Number(process.env.MESSAGES ?? 5000);
const sessions = Number(process.env.SESSIONS ?? 20);
const pop3Messages = Number(process.env.POP3_MESSAGES ?? 1000);
const pop3MessageKb = Number(process.env.POP3_MESSAGE_KB ?? 32);
const messageBytes = 4096;

function message(subject: string, bytes: number): string {
  const head = `From: bench@example.org\r\nTo: somebody@localhost\r\nSubject: ${subject}\r\n\r\n`;
  const line = 'The quick brown fox jumps over the lazy dog, again and again and again.\r\n';
  return head + line.repeat(Math.ceil((bytes - head.length) / line.length)).slice(0, bytes - head.length);
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))] ?? NaN;
}

async function main(): Promise<void> {
  const ports = await mailPorts();
  const cluster = await startCluster({
    groups: 3,
    replicas: 3,
    config: { web: { scryptCostLog2: 10 }, mail: { ...ports, connectionsPerAddressMax: sessions + 5 } },
  });
  const users = Array.from({ length: sessions }, (_, i) => `${'abcdefghijklmnopqrstuvwxyz'[(i * 7) % 26]}user${i}`);
  const accounts = Accounts.open(cluster.client, cluster.config);
  await Promise.all([...users, 'popper'].map((u) => accounts.create(u, `${u}-password`)));
  const daemon = await startMailDaemon(cluster);
  const status = new MailClient(cluster.config);
  try {
    console.log(`bench:mail — 3 groups × 3 replicas, mail daemon on SMTP ${ports.smtpPort}, POP3 ${ports.pop3Port}`);

    // 1. SMTP in: one connection per session, messages one after another on it.
    const body = message('bench', messageBytes);
    const latencies: number[] = [];
    let next = 0;
    const started = performance.now();
    await Promise.all(
      users.map(async (user) => {
        const transport = nodemailer.createTransport({ pool: true, maxConnections: 1, maxMessages: Infinity, host: '127.0.0.1', port: ports.smtpPort, secure: false, ignoreTLS: true });
        while (next < messages) {
          next++;
          const t = performance.now();
          await transport.sendMail({ envelope: { from: 'bench@example.org', to: [`${user}@localhost`] }, raw: body });
          latencies.push(performance.now() - t);
        }
        transport.close();
      }),
    );
    const seconds = (performance.now() - started) / 1000;
    latencies.sort((a, b) => a - b);
    console.log(
      `SMTP delivery  ${messages} × 4 KiB over ${sessions} sessions: ${(messages / seconds).toFixed(0)} messages/s, ` +
        `${((messages * messageBytes) / seconds / 1e6).toFixed(2)} MB/s, p50 ${percentile(latencies, 0.5).toFixed(1)} ms, p99 ${percentile(latencies, 0.99).toFixed(1)} ms`,
    );

    // 2. POP3 out: fill one mailbox, then download it.
    const big = message('pop3 bench', pop3MessageKb * 1024);
    const fill = nodemailer.createTransport({ pool: true, maxConnections: 8, maxMessages: Infinity, host: '127.0.0.1', port: ports.smtpPort, secure: false, ignoreTLS: true });
    await Promise.all(Array.from({ length: pop3Messages }, () => fill.sendMail({ envelope: { from: 'bench@example.org', to: ['popper@localhost'] }, raw: big })));
    fill.close();
    const result = await downloadAll(ports.pop3Port, 'popper', 'popper-password');
    console.log(
      `POP3 download  ${result.count} × ${pop3MessageKb} KiB: ${(result.bytes / result.retrSeconds / 1e6).toFixed(1)} MB/s ` +
        `(${(result.count / result.retrSeconds).toFixed(0)} messages/s), login + STAT + UIDL ${(result.loginSeconds * 1000).toFixed(0)} ms`,
    );
    const s = await status.status();
    console.log(`daemon RSS ${(s.rssBytes / 1024 / 1024).toFixed(0)} MiB after ${s.smtpMessages} SMTP messages`);
  } finally {
    status.close();
    await daemon.stop();
    await cluster.close();
  }
}

/** A minimal POP3 client: USER/PASS, STAT, UIDL, then RETR 1…n one at a time, counting bytes. */
async function downloadAll(port: number, user: string, password: string) {
  const socket = net.connect({ port, host: '127.0.0.1' });
  socket.setNoDelay(true);
  let buffer: Buffer = Buffer.alloc(0);
  let wake: (() => void) | null = null;
  socket.on('data', (d: Buffer) => {
    buffer = buffer.length ? Buffer.concat([buffer, d]) : d;
    wake?.();
  });
  const until = async (terminator: string): Promise<Buffer> => {
    for (;;) {
      const i = buffer.indexOf(terminator);
      if (i !== -1) {
        const out = buffer.subarray(0, i + terminator.length);
        buffer = buffer.subarray(i + terminator.length);
        return out;
      }
      await new Promise<void>((r) => (wake = r));
    }
  };
  const command = async (line: string, multi: boolean): Promise<Buffer> => {
    socket.write(line + '\r\n');
    const first = await until('\r\n');
    if (!first.toString().startsWith('+OK')) throw new Error(`${line.split(' ')[0]}: ${first.toString().trim()}`);
    return multi ? until('\r\n.\r\n') : first;
  };
  await until('\r\n');
  const t0 = performance.now();
  await command(`USER ${user}`, false);
  await command(`PASS ${password}`, false);
  const count = Number((await command('STAT', false)).toString().split(' ')[1]);
  await command('UIDL', true);
  const t1 = performance.now();
  let bytes = 0;
  for (let i = 1; i <= count; i++) bytes += (await command(`RETR ${i}`, true)).length;
  const t2 = performance.now();
  await command('QUIT', false);
  socket.destroy();
  return { count, bytes, loginSeconds: (t1 - t0) / 1000, retrSeconds: (t2 - t1) / 1000 };
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
