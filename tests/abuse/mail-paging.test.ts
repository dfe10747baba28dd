// A mailbox of many messages (ENTRIES, 200,000 by default: what about 400,000 small messages
// once made a listing too large for one gRPC reply) written straight into the store, then
// used as a person would: the webmail's newest page and the next (GET /api/mail/inbox on a real
// frontend), a POP3 download of the newest mail.pop3MessagesMax (python's poplib), and a new
// delivery that lands on top. Prints how long each took and the daemon's resident memory.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import nodemailer from 'nodemailer';
import { encodeIndexValue, encodeUsage, indexColumn, indexRow, usageColumn, usageRow } from '../../cluster/model/mail/mailbox.ts';
import { MailboxStore } from '../../cluster/model/mail/mailbox-store.ts';
import { mapLimit } from '../../cluster/model/mail/chunks.ts';
import { newMessageId } from '../../cluster/model/mail/message-id.ts';
import { parseMessage, summarize } from '../../cluster/model/mail/message-summary.ts';
import { Accounts } from '../../cluster/smtp/io/accounts.ts';
import { mailPorts, startMailDaemon, type MailPorts, type TestCluster } from '../../scripts/lib/cluster.ts';
import { startWebCluster, type WebCluster } from '../../scripts/lib/web-cluster.ts';
import { ensureWebBuild } from '../../web/build.ts';
import { residentBytes, type Service } from '../../scripts/lib/processes.ts';
import { password, python, rfc822, testMailSettings } from '../mail/mail-system.ts';

const entries = Number(process.env.ENTRIES ?? 200_000);
const pop3MessagesMax = 2000;

const poplibNewest = `
import json, poplib, sys, time
port, user, pw = sys.argv[1:4]
t0 = time.time()
p = poplib.POP3('127.0.0.1', int(port), timeout=120)
p.user(user)
p.pass_(pw)
count, octets = p.stat()
t1 = time.time()
sizes = [int(l.split()[1]) for l in p.list()[1]]
uidl = [l.decode().split(' ')[1] for l in p.uidl()[1]]
first = b'\\r\\n'.join(p.retr(1)[1]).decode('latin1')
last = b'\\r\\n'.join(p.retr(count)[1]).decode('latin1')
p.quit()
print(json.dumps({'count': count, 'octets': octets, 'sizes': len(sizes), 'uidl': uidl, 'first': first, 'last': last, 'loginSeconds': t1 - t0}))
`;

describe(`a mailbox of ${entries} messages`, () => {
  let cloud: WebCluster;
  let cluster: TestCluster;
  let daemon: Service;
  let ports: MailPorts;
  let mailbox: MailboxStore;
  let ids: string[];

  before(async () => {
    ports = await mailPorts();
    await ensureWebBuild();
    cloud = await startWebCluster({ groups: 1, replicas: 3, frontends: 1, config: { mail: { ...testMailSettings, ...ports, pop3MessagesMax } }, web: { scryptCostLog2: 10 } });
    cluster = cloud.cluster;
    await Accounts.open(cluster.client, cluster.config).create('ivy', password('ivy'));
    mailbox = new MailboxStore(cluster.client, cluster.config.mail.chunkBytes);
    // Index entries as deliveries leave them: each a summary with its small message inline,
    // arrival times spread over the last 30 days, written in parallel.
    const now = Date.now();
    const started = performance.now();
    ids = Array.from({ length: entries }, (_, i) => newMessageId(now - 30 * 86_400_000 + Math.floor((i * 30 * 86_400_000) / entries), i.toString(16).padStart(16, '0')));
    let bytes = 0;
    await mapLimit(ids, 64, async (id) => {
      const raw = Buffer.from(rfc822({ From: 'bulk@example.org', To: 'ivy@localhost', Subject: `bulk ${id}` }, 'hello'));
      const receivedAt = new Date(now);
      const summary = summarize(await parseMessage(raw, receivedAt), { id, folder: 'inbox', size: raw.length, chunks: 0, receivedAt, unread: true });
      bytes += raw.length;
      await cluster.client.put(indexRow('ivy'), indexColumn('inbox', id), encodeIndexValue(summary, raw));
    });
    await cluster.client.put(usageRow('ivy'), usageColumn, encodeUsage({ bytes, inbox: entries, sent: 0 }));
    console.log(`wrote ${entries} index entries in ${((performance.now() - started) / 1000).toFixed(1)} s`);
    daemon = await startMailDaemon(cluster);
  });
  after(async () => {
    await daemon?.kill9();
    await cloud?.close();
  });

  test('the webmail API lists the newest page and the next one, reading only a page', async () => {
    const site = cloud.frontendUrl(1);
    const login = await fetch(`${site}/api/auth/login`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Origin: site },
      body: JSON.stringify({ username: 'ivy', password: password('ivy') }),
    });
    assert.equal(login.status, 200);
    const cookie = login.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ');
    type Page = { messages: { id: string }[]; next: string | null; total: number; quota: { usedBytes: number; quotaBytes: number } };
    const get = async (query: string) => {
      const started = performance.now();
      const r = await fetch(`${site}/api/mail/inbox?${query}`, { headers: { Cookie: cookie } });
      assert.equal(r.status, 200);
      return { page: (await r.json()) as Page, ms: performance.now() - started };
    };
    const first = await get('limit=25');
    const second = await get(`limit=25&before=${first.page.next}`);
    console.log(`FIGURE mail_paging_api_first_page_ms: ${first.ms.toFixed(0)}`);
    console.log(`FIGURE mail_paging_api_second_page_ms: ${second.ms.toFixed(0)}`);
    assert.deepEqual(
      first.page.messages.map((m) => m.id),
      ids.slice(-25).reverse(),
    );
    assert.deepEqual(
      second.page.messages.map((m) => m.id),
      ids.slice(-50, -25).reverse(),
    );
    assert.equal(first.page.total, entries);
    assert.equal(first.page.quota.quotaBytes, cluster.config.mail.mailboxQuotaBytes);
    assert.ok(first.page.quota.usedBytes > 0);
    // The store's own call, as the API makes it.
    const t0 = performance.now();
    const direct = await mailbox.page('ivy', 'inbox', { limit: 25 });
    console.log(`FIGURE mail_paging_store_first_page_ms: ${(performance.now() - t0).toFixed(0)}`);
    assert.equal(direct.messages[0]?.id, ids[ids.length - 1]);
  });

  test(`POP3 shows the newest ${pop3MessagesMax}: STAT, LIST, UIDL and RETR work`, async () => {
    const r = await python<{ count: number; sizes: number; uidl: string[]; first: string; last: string; loginSeconds: number }>(poplibNewest, [ports.pop3Port, 'ivy', password('ivy')]);
    console.log(`FIGURE mail_paging_pop3_login_stat_ms: ${(r.loginSeconds * 1000).toFixed(0)}`);
    assert.equal(r.count, pop3MessagesMax);
    assert.equal(r.sizes, pop3MessagesMax);
    assert.deepEqual(r.uidl, ids.slice(-pop3MessagesMax));
    assert.ok(r.first.includes(`bulk ${ids[ids.length - pop3MessagesMax]}`));
    assert.ok(r.last.includes(`bulk ${ids[ids.length - 1]}`));
    console.log(`FIGURE mail_paging_daemon_rss_mb: ${(residentBytes(daemon.child.pid!) / 2 ** 20).toFixed(0)}`);
  });

  test('delivery still works, and the new message is on top', async () => {
    const transport = nodemailer.createTransport({ host: '127.0.0.1', port: ports.smtpPort, secure: false, ignoreTLS: true });
    await transport.sendMail({ envelope: { from: 'late@example.org', to: ['ivy@localhost'] }, raw: rfc822({ From: 'late@example.org', Subject: 'on top' }, 'hi') });
    transport.close();
    const page = await mailbox.page('ivy', 'inbox', { limit: 1 });
    assert.equal(page.messages[0]?.subject, 'on top');
    assert.equal(page.total, entries + 1);
  });
});
