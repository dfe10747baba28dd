// `npm run bench:mail`: the mail daemon on a fresh cluster of the default shape (3 groups × 3
// replicas, coordinator, daemon — all real processes through their entry points).
//   1. SMTP: MESSAGES (5,000) messages of 4 KiB delivered over SESSIONS (20) parallel SMTP
//      sessions to 20 local users; each 250 means the message is durably in the store. Prints
//      messages/s, MB/s and the p50/p99 time from MAIL FROM to the 250 after DATA. The same load
//      runs untimed for SMTP_WARMUP_SECONDS (20) first, from another sender: what is measured
//      is the system running, not V8 compiling it (docs/PERFORMANCE.md, "Warm-up"). Each session
//      is a lean client of its own (smtp-sender.ts), as the peers are loaded by smtp-source.
//   2. SMTP with a Message-ID: KEYED_MESSAGES (2,000) more, each with its own Message-ID header,
//      as real mail has — those take the delivery-mark path (a retry after a 451 stores once).
//      Then ONE_MAILBOX_MESSAGES (2,000) from the same sessions all to one user, as the peers'
//      own load sends (smtp-source -t one address): every delivery changes that one mailbox;
//      and, when Postfix's smtp-source is installed, as many again sent by it, as the anchors
//      send them (smtp_source_msgs: messages found stored over its run time).
//   3. POP3: one mailbox of POP3_MESSAGES (1,000) messages of POP3_MESSAGE_KB (32) KiB,
//      downloaded by one client with RETR after RETR (as Thunderbird does), READ_WARMUP_PASSES
//      (2) times untimed, then READ_PASSES (3) times timed. Prints the median MB/s and the time
//      to log in and list; then the same by a client that pipelines 16 RETRs (RFC 2449).
//   4–6. IMAP (scripts/bench/mail-imap.ts): FETCH of that mailbox (MB/s, in passes as POP3's),
//      SEARCH over 10,000 messages (p50/p99, and the webmail's search), IDLE delivery latency
//      over 50 deliveries.
// Beside each rate it prints the CPU time per message of the daemon and of the storage nodes
// (from /proc, so other load on the machine moves it much less than the wall-clock rates), and
// the replicated writes per message (the groups' log positions).
// MAIL_CPU_PROF=<dir> profiles the daemon (as `node --cpu-prof` would) into <dir>; MAIL_LOG=<file>
// keeps a copy of the daemon's log.
import { spawn, spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import nodemailer, { type SendMailOptions, type Transporter } from 'nodemailer';
import { MailboxStore } from '../../cluster/model/mail/mailbox-store.ts';
import { MailClient } from '../../cluster/smtp/client.ts';
import { Accounts } from '../../cluster/smtp/io/accounts.ts';
import { mailPorts, startCluster, startMailDaemon } from '../lib/cluster.ts';
import { median, percentile, timedPasses } from './load.ts';
import { figure, loadFigures } from './figures.ts';
import { imapPhases } from './mail-imap.ts';
import { SmtpSender, type Reply } from './smtp-sender.ts';

const messages = Number(process.env.MESSAGES ?? 5000);
const keyedMessages = Number(process.env.KEYED_MESSAGES ?? 2000);
const oneMailboxMessages = Number(process.env.ONE_MAILBOX_MESSAGES ?? 2000);
const sessions = Number(process.env.SESSIONS ?? 20);
const pop3Messages = Number(process.env.POP3_MESSAGES ?? 1000);
const pop3MessageKb = Number(process.env.POP3_MESSAGE_KB ?? 32);
const cpuProfileDir = process.env.MAIL_CPU_PROF;
const messageBytes = 4096;
const smtpWarmupSeconds = Number(process.env.SMTP_WARMUP_SECONDS ?? 20);
const readWarmupPasses = Number(process.env.READ_WARMUP_PASSES ?? 2) || 0;
const readPasses = Math.max(1, Number(process.env.READ_PASSES ?? 3) || 3);
const pop3RetrsAhead = 16;

function message(subject: string, bytes: number, messageId?: string): string {
  const head = `From: bench@example.org\r\nTo: somebody@localhost\r\nSubject: ${subject}\r\n${messageId ? `Message-ID: <${messageId}@example.org>\r\n` : ''}\r\n`;
  const line = 'The quick brown fox jumps over the lazy dog, again and again and again.\r\n';
  return head + line.repeat(Math.ceil((bytes - head.length) / line.length)).slice(0, bytes - head.length);
}

/** User plus system CPU time of a process so far, in ms (Linux /proc; 0 elsewhere or when gone). */
function cpuMs(pid: number | undefined): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // Fields 14 and 15 of stat (utime, stime), counted after the command name.
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100;
  } catch {
    return 0;
  }
}

/**
 * A module to preload into the daemon that profiles it from start to exit (Node 20 refuses
 * --cpu-prof in NODE_OPTIONS): the in-process inspector session answers synchronously, so the
 * profile is still written from the 'exit' handler. Answers the module's path.
 */
function profilerPreload(dir: string): string {
  mkdirSync(dir, { recursive: true });
  const file = path.join(dir, 'profile-preload.mjs');
  writeFileSync(
    file,
    `import { Session } from 'node:inspector';
import { writeFileSync } from 'node:fs';
const session = new Session();
session.connect();
session.post('Profiler.enable');
session.post('Profiler.start');
process.on('exit', () => {
  session.post('Profiler.stop', (err, result) => {
    if (!err) writeFileSync(${JSON.stringify(dir)} + '/mail-' + process.pid + '.cpuprofile', JSON.stringify(result.profile));
  });
});
`,
  );
  return file;
}

async function main(): Promise<void> {
  const ports = await mailPorts();
  const cluster = await startCluster({
    groups: 3,
    replicas: 3,
    // The warm-up alone can send more than the per-sender hourly limit from its one sender.
    config: { web: { scryptCostLog2: 10 }, mail: { ...ports, connectionsPerAddressMax: sessions + 5, inboundMessagesPerSenderPerHourMax: 1_000_000 } },
  });
  const users = Array.from({ length: sessions }, (_, i) => `${'abcdefghijklmnopqrstuvwxyz'[(i * 7) % 26]}user${i}`);
  const accounts = Accounts.open(cluster.client, cluster.config);
  // Sign-ups ride out a store that is slow to answer on a loaded machine (the cluster client
  // gives up after 20 s): try again, unless the first attempt did land.
  const signUp = async (u: string): Promise<void> => {
    for (let attempt = 1; ; attempt++) {
      try {
        return await accounts.create(u, `${u}-password`);
      } catch (err) {
        if (attempt >= 5) throw err;
        if (await accounts.exists(u).catch(() => false)) return;
      }
    }
  };
  await Promise.all([...users, 'popper', 'searcher', 'idler', 'sink'].map(signUp));
  const daemon = await startMailDaemon(cluster, cpuProfileDir ? { NODE_OPTIONS: `--import ${profilerPreload(cpuProfileDir)}` } : {});
  const status = new MailClient(cluster.config);
  const nodePids = cluster.nodes.map((n) => cluster.services.get(n.id)?.child.pid);
  /** CPU ms of the daemon and of all storage nodes together, so far. */
  const cpu = () => ({ daemon: cpuMs(daemon.child.pid), nodes: nodePids.reduce<number>((sum, pid) => sum + cpuMs(pid), 0) });
  /** CPU µs per message of the daemon and of the storage nodes between two readings of cpu(). */
  const cpuPerMessage = (before: ReturnType<typeof cpu>, after: ReturnType<typeof cpu>, count: number) => ({
    daemonUs: ((after.daemon - before.daemon) * 1000) / count,
    nodesUs: ((after.nodes - before.nodes) * 1000) / count,
  });
  /** Replicated writes so far: the sum over groups of the furthest log position of their nodes. */
  const writes = async () => {
    const positions = await Promise.all(cluster.nodes.map((n) => cluster.node(n.id).status().then((s) => ({ group: n.group, at: Number(s.log_position) }), () => ({ group: n.group, at: 0 }))));
    const furthest = new Map<number, number>();
    for (const p of positions) furthest.set(p.group, Math.max(furthest.get(p.group) ?? 0, p.at));
    return [...furthest.values()].reduce((a, b) => a + b, 0);
  };
  try {
    console.log(`bench:mail — 3 groups × 3 replicas, mail daemon on SMTP ${ports.smtpPort}, POP3 ${ports.pop3Port}, IMAP ${ports.imapPort}`);

    // 1 and 2. SMTP in: a connection per session (a new one every half of the daemon's
    // per-connection limit), messages one after another on it.
    /**
     * Every session sends `raw(n)` from `from` until `more()` says stop, over a lean client of its
     * own (smtp-sender.ts), a 4xx tried again (sendAgain); answers each delivered message's latency.
     */
    const sendFromSessions = async (from: string, more: () => boolean, raw: (n: number) => string, recipient: (user: string) => string = (user) => user) => {
      const sent = { latencies: [] as number[], retries: 0, failed: 0 };
      let next = 0;
      await Promise.all(
        users.map(async (user) => {
          const sender = new SmtpSender(ports.smtpPort, cluster.config.mail.inboundMessagesPerConnectionMax / 2);
          while (more()) {
            const text = raw(next++);
            const t = performance.now();
            const outcome = await sendAgain(() => sender.send(from, `${recipient(user)}@localhost`, text));
            sent.retries += outcome.again;
            if (outcome.failed) sent.failed++;
            else sent.latencies.push(performance.now() - t);
          }
          await sender.close();
        }),
      );
      return sent;
    };
    // The same load, untimed, until the processes' code is compiled: a cluster just started
    // spends a fifth of the machine in V8's optimizing compiler for its first ~15 s.
    if (smtpWarmupSeconds > 0) {
      const started = performance.now();
      const until = started + smtpWarmupSeconds * 1000;
      const body = message('warm-up', messageBytes);
      const warm = await sendFromSessions('warm-up@example.org', () => performance.now() < until, () => body);
      const seconds = (performance.now() - started) / 1000;
      const rate = warm.latencies.length / seconds;
      console.log(
        `SMTP warm-up  ${warm.latencies.length} × 4 KiB over ${sessions} sessions in ${seconds.toFixed(0)} s, untimed: ${rate.toFixed(0)} messages/s` +
          (warm.retries ? `; ${warm.retries} sent again after a 4xx` : '') +
          (warm.failed ? `, ${warm.failed} given up` : ''),
      );
      figure('mail', 'smtp_warmup_msgs', rate, 'ops/s');
    }
    const smtpPhase = async (name: string, count: number, withMessageId: boolean, recipient?: (user: string) => string) => {
      const body = message('bench', messageBytes);
      const cpuBefore = cpu();
      const clientBefore = process.cpuUsage();
      const writesBefore = await writes();
      const started = performance.now();
      let begun = 0;
      const { latencies, retries, failed } = await sendFromSessions(
        'bench@example.org',
        () => begun++ < count,
        (n) => (withMessageId ? message('bench', messageBytes, `${name}.${n}.${Date.now()}`) : body),
        recipient,
      );
      const seconds = (performance.now() - started) / 1000;
      const cpuAfter = cpu();
      // The bench's whole process: its SMTP sessions, and the processes' logs it relays.
      const client = process.cpuUsage(clientBefore);
      const clientUs = (client.user + client.system) / count;
      const writesPerMessage = ((await writes()) - writesBefore) / count;
      latencies.sort((a, b) => a - b);
      const result = { opsPerSecond: latencies.length / seconds, p50Ms: percentile(latencies, 0.5), p99Ms: percentile(latencies, 0.99) };
      const { daemonUs, nodesUs } = cpuPerMessage(cpuBefore, cpuAfter, count);
      console.log(
        `SMTP ${withMessageId ? 'with Message-ID' : recipient ? 'into one mailbox' : 'delivery'}  ${count} × 4 KiB over ${sessions} sessions: ${result.opsPerSecond.toFixed(0)} messages/s, ` +
          `${((count * messageBytes) / seconds / 1e6).toFixed(2)} MB/s, p50 ${result.p50Ms.toFixed(1)} ms, p99 ${result.p99Ms.toFixed(1)} ms; ` +
          `CPU per message: daemon ${daemonUs.toFixed(0)} µs, storage nodes ${nodesUs.toFixed(0)} µs, this bench ${clientUs.toFixed(0)} µs; ${writesPerMessage.toFixed(2)} replicated writes per message` +
          (retries ? `; ${retries} sent again after a 4xx` : '') +
          (failed ? `, ${failed} given up` : ''),
      );
      // <name>_msgs (messages/s), <name>_msgs_p50 and _p99 (ms): scripts/bench/all.ts reads smtp_msgs.
      loadFigures('mail', `${name}_msgs`, result);
      figure('mail', `${name}_daemon_cpu_per_msg`, daemonUs, 'us');
      figure('mail', `${name}_nodes_cpu_per_msg`, nodesUs, 'us');
      figure('mail', `${name}_bench_cpu_per_msg`, clientUs, 'us');
      figure('mail', `${name}_writes_per_msg`, writesPerMessage, 'writes');
      figure('mail', `${name}_retries`, retries, 'messages');
      figure('mail', `${name}_failed`, failed, 'messages');
    };
    await smtpPhase('smtp', messages, false);
    if (keyedMessages > 0) await smtpPhase('smtp_keyed', keyedMessages, true);
    // Every session to one recipient, as the peers' load (smtp-source -t one address) is sent.
    if (oneMailboxMessages > 0) await smtpPhase('smtp_one_mailbox', oneMailboxMessages, false, () => 'sink');
    // And by the peers' own client, when Postfix is installed (the smtp anchor installs it).
    if (oneMailboxMessages > 0 && smtpSourceInstalled()) {
      const mailbox = new MailboxStore(cluster.client, cluster.config.mail.chunkBytes);
      const before = (await mailbox.usage('sink')).inbox;
      const cpuBefore = cpu();
      const run = await smtpSource(ports.smtpPort, oneMailboxMessages);
      const { daemonUs, nodesUs } = cpuPerMessage(cpuBefore, cpu(), oneMailboxMessages);
      const stored = (await mailbox.usage('sink')).inbox - before;
      const rate = stored / run.seconds;
      console.log(
        `SMTP by smtp-source  ${smtpSourceArgs(ports.smtpPort, oneMailboxMessages).join(' ')}: ${rate.toFixed(0)} messages/s, ${stored} of ${oneMailboxMessages} stored in ${run.seconds.toFixed(1)} s; ` +
          `CPU per message: daemon ${daemonUs.toFixed(0)} µs, storage nodes ${nodesUs.toFixed(0)} µs` +
          (run.code === 0 ? '' : `; smtp-source exited ${run.code}: ${run.stderr.trim().split('\n')[0]}`),
      );
      figure('mail', 'smtp_source_msgs', rate, 'ops/s');
    }

    // 3. POP3 out: fill one mailbox, then download it.
    const big = message('pop3 bench', pop3MessageKb * 1024);
    const fill = nodemailer.createTransport({ pool: true, maxConnections: 8, maxMessages: Infinity, host: '127.0.0.1', port: ports.smtpPort, secure: false, ignoreTLS: true });
    const filled = await Promise.all(Array.from({ length: pop3Messages }, () => sendRetrying(fill, { envelope: { from: 'bench@example.org', to: ['popper@localhost'] }, raw: big })));
    if (filled.some((f) => f.failed)) console.log(`(${filled.filter((f) => f.failed).length} of the POP3 mailbox's messages could not be stored)`);
    fill.close();
    // Downloads untimed first (the read path's code compiled), then timed ones; the median counts.
    const download = (retrsAhead = 1) => downloadAll(ports.pop3Port, 'popper', 'popper-password', retrsAhead);
    let cpuBefore = cpu();
    const downloads = await timedPasses(readWarmupPasses, readPasses, download, (r) => r.bytes / r.retrSeconds / 1e6, () => (cpuBefore = cpu()));
    const cpuAfter = cpu();
    const mbPerS = downloads.median;
    const { count, bytes } = downloads.results[0]!;
    const retrieved = readPasses * count;
    const loginMs = median(downloads.results.map((r) => r.loginSeconds * 1000));
    console.log(
      `POP3 download  ${count} × ${pop3MessageKb} KiB: ${mbPerS.toFixed(1)} MB/s (${((mbPerS * 1e6) / (bytes / count)).toFixed(0)} messages/s; ${downloads.note}), ` +
        `login + STAT + UIDL ${loginMs.toFixed(0)} ms; ` +
        `CPU per message: daemon ${(((cpuAfter.daemon - cpuBefore.daemon) * 1000) / retrieved).toFixed(0)} µs, ` +
        `storage nodes ${(((cpuAfter.nodes - cpuBefore.nodes) * 1000) / retrieved).toFixed(0)} µs`,
    );
    figure('mail', 'pop3_mb_per_s', mbPerS, 'MB/s');
    // The same mailbox by a client that pipelines: what the daemon can send when no round trip
    // separates one message from the next.
    const pipelined = await timedPasses(0, readPasses, () => download(pop3RetrsAhead), (r) => r.bytes / r.retrSeconds / 1e6);
    console.log(`POP3 download, pipelined (${pop3RetrsAhead} RETRs ahead): ${pipelined.median.toFixed(1)} MB/s (${pipelined.note})`);
    figure('mail', 'pop3_pipelined_mb_per_s', pipelined.median, 'MB/s');
    figure('mail', 'pop3_login_ms', loginMs, 'ms');

    // 4–6. IMAP.
    const login = (name: string) => ({ name, password: `${name}-password` });
    await imapPhases({ warmupPasses: readWarmupPasses, passes: readPasses, config: cluster.config, cluster: cluster.client, smtpPort: ports.smtpPort, imapPort: ports.imapPort, fetchUser: login('popper'), searchUser: login('searcher'), idleUser: login('idler'), send: sendRetrying });
    const s = await status.status();
    console.log(`daemon RSS ${(s.rssBytes / 1024 / 1024).toFixed(0)} MiB after ${s.smtpMessages} SMTP messages`);
    figure('mail', 'daemon_rss', s.rssBytes / 1024 / 1024, 'MiB');
  } finally {
    status.close();
    await daemon.stop();
    // The daemon's log goes with the cluster's temp dir; MAIL_LOG=<file> keeps a copy.
    if (process.env.MAIL_LOG) copyFileSync(path.join(cluster.env.dir, 'mail.log'), process.env.MAIL_LOG);
    await cluster.close();
  }
}

/**
 * Sends as a mail server would: a temporary failure (4xx — on a loaded machine, the store's
 * 2.5 s deadline) is tried again, up to 3 times (a message with a Message-ID whose first
 * attempt failed midway gets 451 for claimStaleMs: a real server comes back minutes later; the
 * bench counts it failed and goes on); a permanent one throws. Answers how many times it sent
 * again, and whether it gave up.
 */
async function sendAgain(attempt: () => Promise<Reply>): Promise<{ again: number; failed: boolean }> {
  for (let again = 0; ; again++) {
    const reply = await attempt();
    if (reply.code >= 200 && reply.code < 300) return { again, failed: false };
    if (reply.code < 400 || reply.code >= 500) throw new Error(`SMTP refused a message: ${reply.code} ${reply.text}`);
    if (again >= 3) return { again, failed: true };
  }
}

/** sendAgain through nodemailer (the untimed fills). */
function sendRetrying(transport: Transporter, mail: SendMailOptions): Promise<{ again: number; failed: boolean }> {
  return sendAgain(async () => {
    try {
      await transport.sendMail(mail);
      return { code: 250, text: 'ok' };
    } catch (err) {
      const code = (err as { responseCode?: number }).responseCode;
      if (code === undefined) throw err;
      return { code, text: (err as Error).message };
    }
  });
}

function smtpSourceInstalled(): boolean {
  return spawnSync('smtp-source', [], { stdio: 'ignore' }).error === undefined;
}

/**
 * The anchors' SMTP load (docs/PERFORMANCE.md, "Peers"): SESSIONS sessions, messages sharing
 * connections (-d), 4 KiB each, all to one address. The sender is not the anchors'
 * anchor@localhost: a sender in our own domain must log in first.
 */
function smtpSourceArgs(port: number, count: number): string[] {
  return ['-d', '-s', String(sessions), '-m', String(count), '-l', String(messageBytes), '-M', 'localhost', '-f', 'anchor@example.org', '-t', 'sink@localhost', `127.0.0.1:${port}`];
}

function smtpSource(port: number, count: number): Promise<{ seconds: number; code: number | null; stderr: string }> {
  const started = performance.now();
  const child = spawn('smtp-source', smtpSourceArgs(port, count), { stdio: ['ignore', 'ignore', 'pipe'] });
  // What it says on failure, for the bench's line: its first few KiB are plenty.
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => {
    if (stderr.length < 4096) stderr += d.toString();
  });
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => resolve({ seconds: (performance.now() - started) / 1000, code, stderr }));
  });
}

/**
 * A minimal POP3 client: USER/PASS, STAT, UIDL, then RETR 1…n, counting bytes: one at a time
 * (as Thunderbird does), or with up to `retrsAhead` RETRs sent ahead of their answers
 * (RFC 2449 PIPELINING, which the daemon announces in CAPA).
 */
async function downloadAll(port: number, user: string, password: string, retrsAhead = 1) {
  const socket = net.connect({ port, host: '127.0.0.1' });
  socket.setNoDelay(true);
  // Received data not yet consumed, and how far of it has been searched for the terminator.
  let parts: Buffer[] = [];
  let searched = 0;
  let wake: (() => void) | null = null;
  socket.on('data', (d: Buffer) => {
    parts.push(d);
    wake?.();
  });
  const until = async (terminator: string): Promise<Buffer> => {
    for (;;) {
      const buffer = parts.length === 1 ? (parts[0] as Buffer) : Buffer.concat(parts);
      parts = [buffer];
      // Only the new part (and a terminator's length before it) can hold a new match.
      const i = buffer.indexOf(terminator, Math.max(0, searched - terminator.length));
      if (i !== -1) {
        const out = buffer.subarray(0, i + terminator.length);
        parts = [buffer.subarray(i + terminator.length)];
        searched = 0;
        return out;
      }
      searched = buffer.length;
      await new Promise<void>((r) => (wake = r));
    }
  };
  const answer = async (line: string, multi: boolean): Promise<Buffer> => {
    const first = await until('\r\n');
    if (!first.toString().startsWith('+OK')) throw new Error(`${line.split(' ')[0]}: ${first.toString().trim()}`);
    return multi ? until('\r\n.\r\n') : first;
  };
  const command = (line: string, multi: boolean): Promise<Buffer> => {
    socket.write(line + '\r\n');
    return answer(line, multi);
  };
  await until('\r\n');
  const t0 = performance.now();
  await command(`USER ${user}`, false);
  await command(`PASS ${password}`, false);
  const count = Number((await command('STAT', false)).toString().split(' ')[1]);
  await command('UIDL', true);
  const t1 = performance.now();
  let bytes = 0;
  let sent = 0;
  const sendUpTo = (last: number) => {
    let lines = '';
    while (sent < Math.min(last, count)) lines += `RETR ${++sent}\r\n`;
    if (lines) socket.write(lines);
  };
  for (let i = 1; i <= count; i++) {
    sendUpTo(i - 1 + retrsAhead);
    bytes += (await answer('RETR', true)).length;
  }
  const t2 = performance.now();
  await command('QUIT', false);
  socket.destroy();
  return { count, bytes, loginSeconds: (t1 - t0) / 1000, retrSeconds: (t2 - t1) / 1000 };
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
