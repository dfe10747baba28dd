// The IMAP part of `npm run bench:mail` (scripts/bench/mail.ts), against the same cluster and
// daemon:
//   4. FETCH: the POP3 phase's mailbox (1,000 × 32 KiB) fetched whole (BODY.PEEK[]) by imapflow
//      in one FETCH 1:*; MB/s.
//   5. SEARCH: a mailbox of SEARCH_MESSAGES (10,000) messages of about 1 KiB, each with a few
//      words of its own; p50/p99 of IMAP UID SEARCH BODY/TEXT/SUBJECT/FROM, and of the webmail's
//      search (the model's MailSearch, what GET /api/mail/search runs, without HTTP).
//   6. IDLE: IDLE_DELIVERIES (50) messages sent over SMTP one at a time to a client in IDLE;
//      p50/p99 from the SMTP 250 to the client's EXISTS (mail.imapIdlePollMs bounds most of it).
import { ImapFlow } from 'imapflow';
import nodemailer, { type SendMailOptions, type Transporter } from 'nodemailer';
import type { Config } from '../../cluster/common/config.ts';
import type { ClusterClient } from '../../cluster/kvs/cluster-client.ts';
import { MailSearch } from '../../cluster/model/mail/mail-search.ts';
import { percentile, timedPasses } from './load.ts';
import { figure } from './figures.ts';

const searchMessages = Number(process.env.SEARCH_MESSAGES ?? 10_000);
const idleDeliveries = Number(process.env.IDLE_DELIVERIES ?? 50);
const searchRounds = 5;

type Send = (transport: Transporter, mail: SendMailOptions) => Promise<{ again: number; failed: boolean }>;

export interface ImapBenchInput {
  /** Untimed passes of the FETCH before the timed ones, whose median is the figure. */
  warmupPasses: number;
  passes: number;
  config: Readonly<Config>;
  cluster: ClusterClient;
  smtpPort: number;
  imapPort: number;
  /** A mailbox already filled (the POP3 phase's), its user and password. */
  fetchUser: { name: string; password: string };
  searchUser: { name: string; password: string };
  idleUser: { name: string; password: string };
  send: Send;
}

async function connect(port: number, user: { name: string; password: string }): Promise<ImapFlow> {
  const client = new ImapFlow({ host: '127.0.0.1', port, secure: false, auth: { user: user.name, pass: user.password }, logger: false, disableAutoIdle: true, tls: { rejectUnauthorized: false } });
  await client.connect();
  return client;
}

const words = ['apple', 'birch', 'cedar', 'delta', 'ember', 'fjord', 'grove', 'harbor', 'indigo', 'juniper', 'kestrel', 'lagoon'];

function searchMessage(n: number): string {
  const rare = `token${n}`;
  const body = Array.from({ length: 12 }, (_, i) => `${words[(n + i) % words.length]} line ${i} of message ${n} about ${words[(n * 7 + i) % words.length]}`).join('\r\n');
  return `From: sender${n % 50}@example.org\r\nTo: searcher@localhost\r\nSubject: report ${n} ${words[n % words.length]}\r\n\r\n${body}\r\nfinal ${rare} Grüße\r\n`;
}

export async function imapPhases(input: ImapBenchInput): Promise<void> {
  // 4. FETCH of a whole mailbox: untimed first (the read path's code compiled), then timed; the median counts.
  const fetcher = await connect(input.imapPort, input.fetchUser);
  const box = await fetcher.mailboxOpen('INBOX', { readOnly: true });
  const fetchAll = async () => {
    let bytes = 0;
    const t0 = performance.now();
    for await (const m of fetcher.fetch('1:*', { source: true })) bytes += m.source?.length ?? 0;
    return { bytes, rate: bytes / ((performance.now() - t0) / 1000) / 1e6 };
  };
  const fetches = await timedPasses(input.warmupPasses, input.passes, fetchAll, (f) => f.rate);
  await fetcher.logout();
  console.log(
    `IMAP FETCH  ${box.exists} messages (${((fetches.results[0]?.bytes ?? 0) / 1e6).toFixed(1)} MB) in one FETCH 1:* BODY.PEEK[]: ${fetches.median.toFixed(1)} MB/s (${fetches.note})`,
  );
  figure('mail', 'imap_fetch_mb_per_s', fetches.median, 'MB/s');

  // 5. SEARCH over a large mailbox, from 50 senders of its own (as a real inbox has, and what
  // the FROM search below looks for).
  // A new connection every 500 messages: one connection delivers at most mail.inboundMessagesPerConnectionMax.
  const fill = nodemailer.createTransport({ pool: true, maxConnections: 8, maxMessages: 500, host: '127.0.0.1', port: input.smtpPort, secure: false, ignoreTLS: true });
  const t1 = performance.now();
  const filled = await Promise.all(Array.from({ length: searchMessages }, (_, n) => input.send(fill, { envelope: { from: `sender${n % 50}@example.org`, to: [`${input.searchUser.name}@localhost`] }, raw: searchMessage(n) })));
  fill.close();
  console.log(`(filled ${input.searchUser.name}'s inbox with ${searchMessages} messages in ${((performance.now() - t1) / 1000).toFixed(0)} s${filled.some((f) => f.failed) ? `, ${filled.filter((f) => f.failed).length} not stored` : ''})`);
  const searcher = await connect(input.imapPort, input.searchUser);
  const t2 = performance.now();
  await searcher.mailboxOpen('INBOX');
  const selectMs = performance.now() - t2;
  const queries: Record<string, string | boolean>[] = [{ body: `token${searchMessages >> 1}` }, { text: 'kestrel lagoon' }, { subject: 'report 77' }, { from: 'sender7@' }, { body: 'grüße' }];
  const imapMs: number[] = [];
  for (let round = 0; round < searchRounds; round++) {
    for (const q of queries) {
      const t = performance.now();
      await searcher.search(q, { uid: true });
      imapMs.push(performance.now() - t);
    }
  }
  await searcher.logout();
  const mail = input.config.mail;
  const model = new MailSearch(input.cluster, { pageBytes: mail.searchPageBytes, scanBytesMax: mail.searchScanBytesMax });
  const webMs: number[] = [];
  for (let round = 0; round < searchRounds; round++) {
    for (const q of [`token${searchMessages >> 2}`, 'kestrel report', 'grüße sender3', 'nothing-matches-this']) {
      const t = performance.now();
      await model.search(input.searchUser.name, q, { limit: 50 });
      webMs.push(performance.now() - t);
    }
  }
  imapMs.sort((a, b) => a - b);
  webMs.sort((a, b) => a - b);
  console.log(
    `IMAP SEARCH over ${searchMessages} messages: p50 ${percentile(imapMs, 0.5).toFixed(0)} ms, p99 ${percentile(imapMs, 0.99).toFixed(0)} ms (SELECT ${selectMs.toFixed(0)} ms); ` +
      `webmail search: p50 ${percentile(webMs, 0.5).toFixed(0)} ms, p99 ${percentile(webMs, 0.99).toFixed(0)} ms`,
  );
  figure('mail', 'imap_search_p50', percentile(imapMs, 0.5), 'ms');
  figure('mail', 'imap_search_p99', percentile(imapMs, 0.99), 'ms');
  figure('mail', 'imap_select_search_box', selectMs, 'ms');
  figure('mail', 'web_search_p50', percentile(webMs, 0.5), 'ms');
  figure('mail', 'web_search_p99', percentile(webMs, 0.99), 'ms');

  // 6. IDLE: how soon a delivery shows.
  const idler = await connect(input.imapPort, input.idleUser);
  await idler.mailboxOpen('INBOX');
  let seen = 0;
  let wake: (() => void) | null = null;
  idler.on('exists', (e: { count: number }) => {
    seen = e.count;
    wake?.();
  });
  const idling = idler.idle();
  const transport = nodemailer.createTransport({ host: '127.0.0.1', port: input.smtpPort, secure: false, ignoreTLS: true });
  const idleMs: number[] = [];
  for (let n = 1; n <= idleDeliveries; n++) {
    await transport.sendMail({ envelope: { from: 'idle-bench@example.org', to: [`${input.idleUser.name}@localhost`] }, raw: `Subject: idle ${n}\r\n\r\nnew mail\r\n` });
    const t = performance.now();
    while (seen < n) await new Promise<void>((resolve) => (wake = resolve));
    idleMs.push(performance.now() - t);
  }
  transport.close();
  await idler.noop();
  await idling;
  await idler.logout();
  idleMs.sort((a, b) => a - b);
  console.log(`IMAP IDLE  ${idleDeliveries} SMTP deliveries, from the 250 to EXISTS: p50 ${percentile(idleMs, 0.5).toFixed(0)} ms, p99 ${percentile(idleMs, 0.99).toFixed(0)} ms (poll every ${mail.imapIdlePollMs} ms)`);
  figure('mail', 'imap_idle_p50', percentile(idleMs, 0.5), 'ms');
  figure('mail', 'imap_idle_p99', percentile(idleMs, 0.99), 'ms');
}
