// Mail search through a real frontend and the real daemon over one real cluster: the webmail's
// GET /api/mail/search (docs/API.md) and IMAP SEARCH answer from the same index — text of
// inline messages decoded, a larger (chunked) message by its summary — and Thunderbird's
// autoconfig offers IMAP first, POP3 second.
import assert from 'node:assert/strict';
import http from 'node:http';
import { after, before, describe, test } from 'node:test';
import { ImapFlow } from 'imapflow';
import { Accounts } from '../../cluster/smtp/io/accounts.ts';
import { MailboxStore } from '../../cluster/model/mail/mailbox-store.ts';
import { mailPorts, startMailDaemon, type MailPorts } from '../../scripts/lib/cluster.ts';
import type { Service } from '../../scripts/lib/processes.ts';
import { startWebCluster, type WebCluster } from '../../scripts/lib/web-cluster.ts';
import { ensureWebBuild } from '../../web/build.ts';
import { rfc822, testMailSettings } from './mail-system.ts';

interface Reply {
  status: number;
  body: Record<string, unknown>;
  text: string;
}

function request(base: string, path: string, cookie = '', method = 'GET', body?: unknown): Promise<Reply & { cookie: string }> {
  const target = new URL(path, base);
  const data = body === undefined ? undefined : Buffer.from(JSON.stringify(body));
  return new Promise((resolve, reject) => {
    const req = http.request(target, { method, agent: false, headers: { Origin: target.origin, ...(cookie ? { Cookie: cookie } : {}), ...(data ? { 'Content-Type': 'application/json' } : {}) } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        let parsed: Record<string, unknown> = {};
        try {
          parsed = JSON.parse(text) as Record<string, unknown>;
        } catch {
          // Not JSON (the autoconfig XML): the text says enough.
        }
        const set = (res.headers['set-cookie'] ?? []).map((l) => l.split(';')[0]).filter(Boolean).join('; ');
        resolve({ status: res.statusCode ?? 0, body: parsed, text, cookie: set || cookie });
      });
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(data);
  });
}

interface Row {
  id: string;
  folder: string;
  subject: string;
  uid: number | null;
  snippet: string;
}

describe('mail search', () => {
  let cloud: WebCluster;
  let ports: MailPorts;
  let daemon: Service;
  let mailbox: MailboxStore;
  let base: string;
  let cookie: string;
  before(async () => {
    await ensureWebBuild();
    ports = await mailPorts();
    cloud = await startWebCluster({ groups: 1, replicas: 3, frontends: 1, config: { mail: { ...testMailSettings, ...ports, tls: false } } });
    daemon = await startMailDaemon(cloud.cluster);
    await Accounts.open(cloud.cluster.client, cloud.config).create('vera', 'vera password');
    mailbox = new MailboxStore(cloud.cluster.client, cloud.config.mail.chunkBytes);
    base = cloud.frontendUrl(1);
    const login = await request(base, '/api/auth/login', '', 'POST', { username: 'vera', password: 'vera password' });
    assert.equal(login.status, 200);
    cookie = login.cookie;
  });
  after(async () => {
    await daemon?.kill9();
    await cloud?.close();
  });

  const store = (folder: string, subject: string, body: string, headers: Record<string, string> = {}) =>
    mailbox.store('vera', folder, Buffer.from(rfc822({ From: 'Wanda <wanda@example.org>', To: 'vera@localhost', Subject: subject, ...headers }, body)), { unread: true });
  const search = async (query: string) => request(base, `/api/mail/search?${query}`, cookie);

  test('the webmail finds words in text, subjects and senders, newest first, per folder or everywhere', async () => {
    const folder = (await request(base, '/api/mail/folders', cookie, 'POST', { name: 'Receipts' })).body.folder as { id: string };
    const a = await store('inbox', 'Invoice 1', 'Please pay by Friday.');
    const b = await store(folder.id, 'Invoice 2', 'Bezahlung für die Lieferung', { 'Content-Type': 'text/plain; charset=utf-8' });
    const c = await store('inbox', 'Quoted', 'Stra=C3=9Fe and the PAYMENT', { 'Content-Type': 'text/plain; charset=utf-8', 'Content-Transfer-Encoding': 'quoted-printable' });
    // Larger than an inline message: found by its summary (subject, sender, snippet), not deep text.
    const long = Array.from({ length: 1500 }, (_, i) => `row ${i} ${i === 1000 ? 'deepword' : 'filler text'}`).join('\n');
    const d = await store('inbox', 'Big invoice', `First words here.\n${long}`);
    assert.ok(d.chunks > 0);

    const all = await search('q=invoice');
    assert.equal(all.status, 200);
    assert.deepEqual((all.body.messages as Row[]).map((m) => m.id), [d.id, b.id, a.id]);
    assert.equal(all.body.more, false);
    const row = (all.body.messages as Row[])[1]!;
    assert.deepEqual([row.folder, typeof row.uid, row.subject], [folder.id, 'number', 'Invoice 2']);
    assert.deepEqual(((await search('q=STRASSE')).body.messages as Row[]).length, 0);
    assert.deepEqual(((await search(`q=${encodeURIComponent('straße payment')}`)).body.messages as Row[]).map((m) => m.id), [c.id]);
    assert.deepEqual(((await search(`q=${encodeURIComponent('FÜR')}&folder=${folder.id}`)).body.messages as Row[]).map((m) => m.id), [b.id]);
    assert.deepEqual(((await search('q=wanda&folder=inbox&limit=2')).body as { messages: Row[]; more: boolean }).more, true);
    assert.deepEqual(((await search('q=deepword')).body.messages as Row[]).length, 0);
  });

  test('a query that is empty, too long or aimed at no folder is refused with a reason', async () => {
    for (const [query, status, reason] of [
      ['q=', 400, /text to search/],
      ['q=%20%20', 400, /text to search/],
      ['', 400, /`q` is required/],
      [`q=${'x'.repeat(201)}`, 400, /at most 200/],
      ['q=a&limit=0', 400, /limit/],
      ['q=a&limit=201', 400, /limit/],
      ['q=a&folder=..%2Fx', 400, /folder/],
      ['q=a&folder=f99', 404, /folder/],
    ] as const) {
      const r = await search(query);
      assert.equal(r.status, status, query);
      assert.match(String(r.body.error), reason, query);
    }
    assert.equal((await request(base, '/api/mail/search?q=invoice')).status, 401);
  });

  test('IMAP SEARCH answers from the same index; autoconfig offers IMAP first', async () => {
    const client = new ImapFlow({ host: '127.0.0.1', port: ports.imapPort, secure: false, auth: { user: 'vera', pass: 'vera password' }, logger: false, disableAutoIdle: true });
    await client.connect();
    await client.mailboxOpen('INBOX');
    const uids = async (q: Record<string, string>) => ((await client.search(q, { uid: true })) || []).length;
    assert.equal(await uids({ body: 'payment' }), 1);
    assert.equal(await uids({ subject: 'invoice' }), 2);
    assert.equal(await uids({ text: 'first words' }), 1);
    await client.logout();

    const xml = (await request(base, '/.well-known/autoconfig/mail/config-v1.1.xml')).text;
    const imap = xml.indexOf('type="imap"');
    const pop3 = xml.indexOf('type="pop3"');
    assert.ok(imap > 0 && pop3 > imap, 'IMAP is offered before POP3');
    assert.ok(xml.includes(`<port>${ports.imapPort}</port>`));
  });
});
