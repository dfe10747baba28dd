// The attacks on the mail daemon, against real processes (one storage group of 3 replicas, the
// coordinator group, the daemon), each printing what it achieved as FIGURE lines (figures.ts).
// The abuse tests (tests/abuse/mail-*.test.ts) run the same attacks and check the answers.
// MAIL_LOG=<file> keeps a copy of the daemon's log. Settings the attack needs (a small quota) are set only where the code knows them, so the
// same bench runs on the code before the limits existed, for the "before" figures.
//   1. fan_out: PARALLEL (10) unauthenticated messages of MESSAGE_MIB (25) MiB at once, each
//      to RECIPIENTS (100) local users: the daemon's peak resident memory, and the chunk
//      columns stored (one body per message, or one per copy).
//   2. quota: QUOTA_MESSAGES (300) messages of 1 MiB to one user with a quota of 256 MiB (room
//      for the fan-out's 10 × 25 MiB per user): what was accepted.
//   3. one_connection: CONNECTION_MESSAGES (2000) small messages on one connection from one
//      sender: how many were accepted.
//   4. session_outlived_password_change: a POP3 session open while the password changes: how
//      long it is still served (STAT once a second, up to 30 s).
import { copyFileSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import nodemailer from 'nodemailer';
import { parseConfig } from '../../cluster/common/config.ts';
import { bumpSessionVersion } from '../../cluster/model/accounts/accounts.ts';
import { MailboxStore } from '../../cluster/model/mail/mailbox-store.ts';
import { Accounts } from '../../cluster/smtp/io/accounts.ts';
import { mailPorts, startCluster, startMailDaemon } from '../lib/cluster.ts';
import { residentBytes } from '../lib/processes.ts';
import { figure } from './figures.ts';

const parallel = Number(process.env.PARALLEL ?? 10);
const messageMib = Number(process.env.MESSAGE_MIB ?? 25);
const recipients = Number(process.env.RECIPIENTS ?? 100);
const quotaMessages = Number(process.env.QUOTA_MESSAGES ?? 300);
const connectionMessages = Number(process.env.CONNECTION_MESSAGES ?? 2000);
const MiB = 1024 * 1024;

/** Only the settings this code knows (the config is strict), so the bench runs before and after. */
function known(section: 'mail', settings: Record<string, unknown>): Record<string, unknown> {
  const defaults = parseConfig({})[section] as Record<string, unknown>;
  return Object.fromEntries(Object.entries(settings).filter(([k]) => k in defaults));
}

function message(subject: string, bytes: number): string {
  const head = `From: bulk@example.org\r\nSubject: ${subject}\r\n\r\n`;
  const line = 'The quick brown fox jumps over the lazy dog, again and again and again.\r\n';
  return head + line.repeat(Math.ceil(bytes / line.length)).slice(0, bytes);
}

export async function bench(): Promise<void> {
  const ports = await mailPorts();
  const mail = {
    ...ports,
    domain: 'localhost',
    recipientsMax: Math.max(100, recipients),
    ...known('mail', { mailboxQuotaBytes: 256 * MiB }),
  };
  const cluster = await startCluster({ groups: 1, replicas: 3, config: { web: { scryptCostLog2: 10, scryptConcurrencyMax: 4 }, mail } });
  const users = Array.from({ length: recipients }, (_, i) => `user${String(i).padStart(3, '0')}`);
  const accounts = Accounts.open(cluster.client, cluster.config);
  for (let i = 0; i < users.length; i += 20) await Promise.all([...users.slice(i, i + 20)].map((u) => accounts.create(u, `${u}-password`)));
  await Promise.all(['quota', 'popper'].map((u) => accounts.create(u, `${u}-password`)));
  const daemon = await startMailDaemon(cluster);
  const pid = daemon.child.pid!;
  const send = (envelope: { from: string; to: string[] }, raw: string, transport = nodemailer.createTransport({ host: '127.0.0.1', port: ports.smtpPort, secure: false, ignoreTLS: true })) =>
    transport.sendMail({ envelope, raw }).then(
      () => 'ok',
      (err: { responseCode?: number }) => String(err.responseCode ?? 'error'),
    );
  try {
    console.log(`bench:abuse-mail — SMTP ${ports.smtpPort}, POP3 ${ports.pop3Port}`);

    // 1. One message to many: the daemon's memory and what is stored.
    const rssBefore = residentBytes(pid);
    let peak = rssBefore;
    const sampler = setInterval(() => (peak = Math.max(peak, residentBytes(pid))), 100);
    // Just under the default size limit, as an attacker would send.
  const big = message('fan out', messageMib * MiB - 4096);
    const started = performance.now();
    const outcomes = await Promise.all(Array.from({ length: parallel }, () => send({ from: 'bulk@example.org', to: users.map((u) => `${u}@localhost`) }, big)));
    clearInterval(sampler);
    const chunkColumns = await storedChunks(new MailboxStore(cluster.client, cluster.config.mail.chunkBytes), users);
    console.log(`fan-out: ${parallel} × ${messageMib} MiB × ${recipients} recipients in ${((performance.now() - started) / 1000).toFixed(1)} s: ${JSON.stringify(count(outcomes))}; daemon RSS ${(rssBefore / MiB).toFixed(0)} → peak ${(peak / MiB).toFixed(0)} MiB; ${chunkColumns} chunk columns stored`);
    figure('abuse_mail', 'fan_out_daemon_peak_rss', peak / MiB, 'MiB');
    figure('abuse_mail', 'fan_out_accepted', outcomes.filter((o) => o === 'ok').length, `of ${parallel}`);
    figure('abuse_mail', 'fan_out_chunk_columns', chunkColumns, 'columns');

    // 2. Filling one mailbox.
    const quotaOutcomes: string[] = [];
    const oneMib = message('filler', MiB);
    for (let i = 0; i < quotaMessages; i++) quotaOutcomes.push(await send({ from: `filler${i}@example.org`, to: ['quota@localhost'] }, oneMib));
    console.log(`quota: ${JSON.stringify(count(quotaOutcomes))}`);
    figure('abuse_mail', 'quota_accepted_mib', quotaOutcomes.filter((o) => o === 'ok').length, `MiB of ${quotaMessages}`);

    // 3. One connection, one sender, many messages.
    const pooled = nodemailer.createTransport({ pool: true, maxConnections: 1, maxMessages: Infinity, host: '127.0.0.1', port: ports.smtpPort, secure: false, ignoreTLS: true });
    let accepted = 0;
    for (let i = 0; i < connectionMessages; i++) {
      const r = await send({ from: 'flood@example.org', to: ['popper@localhost'] }, message(`flood ${i}`, 512), pooled);
      if (r !== 'ok') break;
      accepted++;
    }
    pooled.close();
    console.log(`one connection: ${accepted} accepted of ${connectionMessages}`);
    figure('abuse_mail', 'one_connection_accepted', accepted, `of ${connectionMessages}`);

    // 4. A POP3 session across a password change.
    const outlived = await popAcrossBump(ports.pop3Port, async () => {
      await bumpSessionVersion(cluster.client, 'popper');
    });
    console.log(`POP3 session served for ${outlived.toFixed(1)} s after a password change (30: never ended)`);
    figure('abuse_mail', 'session_outlived_password_change', outlived, 's');
  } finally {
    await daemon.kill9();
    if (process.env.MAIL_LOG) copyFileSync(path.join(cluster.env.dir, 'mail.log'), process.env.MAIL_LOG);
    await cluster.close();
  }
}

function count(outcomes: string[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const o of outcomes) out[o] = (out[o] ?? 0) + 1;
  return out;
}

/** Chunk columns stored for the recipients' messages: each distinct body (or, without shared bodies, each copy) once. */
async function storedChunks(mailbox: MailboxStore, users: string[]): Promise<number> {
  const bodies = new Map<string, number>();
  for (const user of users) {
    for (const m of await mailbox.list(user, 'inbox')) bodies.set((m as { body?: string }).body ?? `${user}#mail#${m.id}`, m.chunks);
  }
  return [...bodies.values()].reduce((a, b) => a + b, 0);
}

/**
 * Logs in over POP3, runs `between`, then sends STAT once a second until the session is ended
 * or `limitS` have passed: the seconds it was still served after `between`.
 */
async function popAcrossBump(port: number, between: () => Promise<void>, limitS = 30): Promise<number> {
  const socket = net.connect({ port, host: '127.0.0.1' });
  let buffer = '';
  socket.on('data', (d) => (buffer += d.toString('latin1')));
  socket.on('error', () => {});
  const line = async (n: number) => {
    const deadline = Date.now() + 30_000;
    while (buffer.split('\r\n').length - 1 < n) {
      if (Date.now() > deadline) throw new Error(`POP3: no answer; got ${JSON.stringify(buffer)}`);
      await new Promise((r) => setTimeout(r, 20));
    }
    return buffer.split('\r\n')[n - 1] ?? '';
  };
  await line(1);
  socket.write('USER popper\r\nPASS popper-password\r\n');
  await line(3);
  await between();
  const started = Date.now();
  try {
    for (let n = 4; Date.now() - started < limitS * 1000; n++) {
      socket.write('STAT\r\n');
      if (!(await line(n)).startsWith('+OK')) break;
      await new Promise((r) => setTimeout(r, 1000));
    }
  } catch {
    // The server closed the connection: the session is over.
  }
  socket.destroy();
  return Math.min(limitS, (Date.now() - started) / 1000);
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  bench().catch((err: unknown) => {
    console.error(err);
    process.exit(1);
  });
}
