// Attacks on the mail daemon's intake, against the real daemon and cluster with real clients
// (nodemailer, raw sockets, the webmail's Mail.Send): a mailbox filled past its quota, one
// connection or one sender address delivering without end, a logged-in user sending without
// end, sessions that outlive a password change, clients that connect and say nothing, and
// more connections than the caps allow. Small limits, set in this test's own config.
import assert from 'node:assert/strict';
import net from 'node:net';
import { after, before, describe, test } from 'node:test';
import nodemailer from 'nodemailer';
import { withIdentity } from '../../cluster/common/config.ts';
import { bumpSessionVersion } from '../../cluster/model/accounts/accounts.ts';
import { MailboxStore } from '../../cluster/model/mail/mailbox-store.ts';
import { MailClient } from '../../cluster/smtp/client.ts';
import { Accounts } from '../../cluster/smtp/io/accounts.ts';
import { mailPorts, startCluster, startMailDaemon, type MailPorts, type TestCluster } from '../../scripts/lib/cluster.ts';
import { waitFor, type Service } from '../../scripts/lib/processes.ts';
import { LineClient, password, rfc822, testMailSettings } from '../mail/mail-system.ts';

const quotaBytes = 64 * 1024;
const limits = {
  mailboxQuotaBytes: quotaBytes,
  inboundMessagesPerConnectionMax: 3,
  inboundMessagesPerSenderPerHourMax: 6,
  sendsPerUserPerHourMax: 3,
  connectionsMax: 6,
  connectionsPerAddressMax: 4,
};
const timeouts = { pop3LoginMs: 3000, smtpBeforeMailMs: 3000, mailSessionCheckMs: 0 };
const users = ['quinn', 'rob', 'sam', 'tess', 'uma', 'vic', 'walt'];

describe('mail intake under abuse', () => {
  let cluster: TestCluster;
  let daemon: Service;
  let ports: MailPorts;
  let mailbox: MailboxStore;
  let webmail: MailClient;

  before(async () => {
    ports = await mailPorts();
    cluster = await startCluster({
      groups: 1,
      replicas: 3,
      config: { web: { scryptCostLog2: 10, scryptConcurrencyMax: 4 }, mail: { ...testMailSettings, ...ports, ...limits }, timeouts },
    });
    const accounts = Accounts.open(cluster.client, cluster.config);
    await Promise.all(users.map((u) => accounts.create(u, password(u))));
    daemon = await startMailDaemon(cluster);
    mailbox = new MailboxStore(cluster.client, cluster.config.mail.chunkBytes);
    webmail = new MailClient(withIdentity(cluster.config, 'web1'), 10_000);
  });
  after(async () => {
    webmail?.close();
    await daemon?.kill9();
    await cluster?.close();
  });

  /** About `bytes` octets of body in lines of 100. */
  const message = (subject: string, bytes = 200) => rfc822({ From: 'someone@example.org', Subject: subject }, ('x'.repeat(98) + '\n').repeat(Math.ceil(bytes / 100)));

  /** A raw SMTP session up to the greeting and EHLO. */
  async function smtp(): Promise<LineClient> {
    const c = await LineClient.connect(ports.smtpPort);
    assert.match(await c.smtpReply(), /^220 /);
    c.send('EHLO attacker.example\r\n');
    assert.match(await c.smtpReply(), /^250 /m);
    return c;
  }

  /** One whole transaction on an open session; answers the reply to the end of DATA (or the first refusal). */
  async function transaction(c: LineClient, from: string, to: string[], body: string): Promise<string> {
    c.send(`MAIL FROM:<${from}>\r\n`);
    const mail = await c.smtpReply();
    if (!mail.startsWith('250')) return mail;
    for (const rcpt of to) {
      c.send(`RCPT TO:<${rcpt}>\r\n`);
      const r = await c.smtpReply();
      if (!r.startsWith('250')) {
        c.send('RSET\r\n');
        await c.smtpReply();
        return r;
      }
    }
    c.send('DATA\r\n');
    assert.match(await c.smtpReply(), /^354/);
    c.send(body.replace(/^\./gm, '..') + '.\r\n');
    return c.smtpReply(30_000);
  }

  const subjects = async (user: string) => (await mailbox.list(user, 'inbox')).map((m) => m.subject);

  test('a full mailbox: 552 5.2.2 at the end of DATA for the one without room (the other recipient gets it), 452 4.2.2 once full', async () => {
    const c = await smtp();
    for (let i = 0; i < 3; i++) assert.match(await transaction(c, 'filler@example.org', ['quinn@localhost'], message(`fill ${i}`, 20_000)), /^250 /);
    c.send('QUIT\r\n');
    const d = await smtp();
    const reply = await transaction(d, 'filler2@example.org', ['quinn@localhost', 'rob@localhost'], message('one too many', 20_000));
    console.log(`full mailbox at DATA: ${reply}`);
    assert.match(reply, /^552 5\.2\.2 .*quinn/);
    assert.ok((await subjects('rob')).includes('one too many'), 'the recipient with room got it');
    assert.ok(!(await subjects('quinn')).includes('one too many'));
    // Over the quota (a copy stored without a check, as a Sent copy is): refused at RCPT.
    await mailbox.store('quinn', 'sent', Buffer.from(message('sent copy', 8000)), { unread: false });
    const used = (await mailbox.usage('quinn')).bytes;
    assert.ok(used >= quotaBytes, `${used} octets used`);
    // The daemon may still go by the state it read or wrote under a second ago, which had room:
    // then the end of DATA refuses, temporarily as at RCPT (no one got it), and it knows. The
    // next RCPT gets 452.
    const first = await transaction(d, 'filler2@example.org', ['quinn@localhost'], message('refused'));
    assert.match(first, /^452 4\.2\.2 /);
    const rcpt = await transaction(d, 'filler2@example.org', ['quinn@localhost'], message('refused'));
    console.log(`full mailbox: ${first}, then at RCPT: ${rcpt}`);
    assert.match(rcpt, /^452 4\.2\.2 Mailbox of <quinn> is full/, 'refused at RCPT, not after DATA');
    assert.ok(!(await subjects('quinn')).includes('refused'));
    // Deleting mail makes room again.
    for (const m of await mailbox.list('quinn', 'inbox')) await mailbox.remove('quinn', 'inbox', m.id);
    assert.match(await transaction(d, 'filler2@example.org', ['quinn@localhost'], message('room again')), /^250 /);
    d.send('QUIT\r\n');
  });

  test('one connection delivers at most inboundMessagesPerConnectionMax messages (451 4.7.1), then a new connection goes on', async () => {
    const c = await smtp();
    for (let i = 0; i < 3; i++) assert.match(await transaction(c, 'chatty@example.org', ['sam@localhost'], message(`c${i}`)), /^250 /);
    const refused = await transaction(c, 'chatty@example.org', ['sam@localhost'], message('c3'));
    console.log(`4th message on one connection: ${refused}`);
    assert.match(refused, /^451 4\.7\.1 /);
    c.send('QUIT\r\n');
    const d = await smtp();
    assert.match(await transaction(d, 'chatty@example.org', ['sam@localhost'], message('c3')), /^250 /);
    d.send('QUIT\r\n');
  });

  test('one sender address gets inboundMessagesPerSenderPerHourMax messages an hour (451 4.7.1); other senders are not held back', async () => {
    let accepted = 0;
    let refusal = '';
    for (let round = 0; round < 4 && !refusal; round++) {
      const c = await smtp();
      for (let i = 0; i < 3 && !refusal; i++) {
        const r = await transaction(c, 'flood@example.org', ['vic@localhost'], message(`f${round}.${i}`));
        if (r.startsWith('250')) accepted++;
        else refusal = r;
      }
      c.send('QUIT\r\n');
    }
    console.log(`one sender: ${accepted} accepted, then ${refusal}`);
    assert.equal(accepted, limits.inboundMessagesPerSenderPerHourMax);
    assert.match(refusal, /^451 4\.7\.1 .*flood@example\.org/);
    const c = await smtp();
    assert.match(await transaction(c, 'someone-else@example.org', ['vic@localhost'], message('other')), /^250 /);
    c.send('QUIT\r\n');
  });

  test('a logged-in user sends at most sendsPerUserPerHourMax messages, SMTP and webmail together', async () => {
    const transport = nodemailer.createTransport({ host: '127.0.0.1', port: ports.smtpPort, secure: false, ignoreTLS: true, auth: { user: 'tess', pass: password('tess') } });
    await transport.sendMail({ from: 'tess@localhost', to: 'walt@localhost', subject: 's1', text: 'one' });
    await webmail.send({ user: 'tess', to: ['walt@localhost'], subject: 's2', text: 'two' });
    await transport.sendMail({ from: 'tess@localhost', to: 'walt@localhost', subject: 's3', text: 'three' });
    const smtpRefusal = await transport.sendMail({ from: 'tess@localhost', to: 'walt@localhost', subject: 's4', text: 'four' }).then(
      () => 'accepted',
      (err: { response?: string }) => err.response ?? String(err),
    );
    const webRefusal = await webmail.send({ user: 'tess', to: ['walt@localhost'], subject: 's5', text: 'five' }).then(
      () => 'accepted',
      (err: Error) => err.message,
    );
    console.log(`user limit: SMTP ${smtpRefusal}; webmail ${webRefusal}`);
    assert.match(smtpRefusal, /^451 4\.7\.1 /);
    assert.match(webRefusal, /too many messages this hour/);
    transport.close();
  });

  test('a password change ends POP3 and SMTP sessions at their next command', async () => {
    const pop = await LineClient.connect(ports.pop3Port);
    assert.match(await pop.line(), /^\+OK/);
    pop.send(`USER uma\r\nPASS ${password('uma')}\r\n`);
    assert.match(await pop.line(), /^\+OK/);
    assert.match(await pop.line(), /^\+OK/);
    pop.send('STAT\r\n');
    assert.match(await pop.line(), /^\+OK \d+ \d+/);

    const s = await smtp();
    s.send(`AUTH PLAIN ${Buffer.from(`\0uma\0${password('uma')}`).toString('base64')}\r\n`);
    assert.match(await s.smtpReply(), /^235 /);
    s.send('MAIL FROM:<uma@localhost>\r\n');
    assert.match(await s.smtpReply(), /^250 /);
    s.send('RSET\r\n');
    assert.match(await s.smtpReply(), /^250 /);

    await bumpSessionVersion(cluster.client, 'uma');
    pop.send('STAT\r\n');
    const popEnd = await pop.line();
    s.send('MAIL FROM:<uma@localhost>\r\n');
    const smtpEnd = await s.smtpReply();
    console.log(`after the password change: POP3 ${popEnd}; SMTP ${smtpEnd}`);
    assert.match(popEnd, /^-ERR \[AUTH\] /);
    assert.match(smtpEnd, /^421 4\.7\.0 /);
    await pop.waitClosed();
    await s.waitClosed();
    // A new login works as before.
    const again = await LineClient.connect(ports.pop3Port);
    await again.line();
    again.send(`USER uma\r\nPASS ${password('uma')}\r\nQUIT\r\n`);
    await again.line();
    assert.match(await again.line(), /^\+OK/);
    again.destroy();
  });

  test('clients that connect and do not log in (POP3) or start a message (SMTP) are cut off', async () => {
    const started = Date.now();
    const pop = await LineClient.connect(ports.pop3Port);
    await pop.line();
    const s = await LineClient.connect(ports.smtpPort);
    await s.smtpReply();
    s.send('EHLO slow.example\r\n');
    await s.smtpReply();
    // A logged-in SMTP session is not subject to it.
    const authed = await smtp();
    authed.send(`AUTH PLAIN ${Buffer.from(`\0walt\0${password('walt')}`).toString('base64')}\r\n`);
    assert.match(await authed.smtpReply(), /^235 /);
    const popLine = await pop.line(20_000);
    const smtpLine = await s.smtpReply(20_000);
    await pop.waitClosed();
    await s.waitClosed();
    console.log(`silent clients cut off after ~${Date.now() - started} ms: POP3 ${popLine}; SMTP ${smtpLine}`);
    assert.match(popLine, /^-ERR \[AUTH\] /);
    assert.match(smtpLine, /^421 /);
    authed.send('NOOP\r\n');
    assert.match(await authed.smtpReply(), /^250 /);
    authed.send('QUIT\r\n');
    await authed.waitClosed();
  });

  test('connection caps: per address (connectionsPerAddressMax) and in total (connectionsMax)', async () => {
    const open = (port: number, localAddress = '127.0.0.1') =>
      new Promise<{ socket: net.Socket; first: string }>((resolve, reject) => {
        const socket = net.connect({ port, host: '127.0.0.1', localAddress });
        socket.once('error', reject);
        socket.once('data', (d) => resolve({ socket, first: d.toString('latin1').split('\r\n')[0] ?? '' }));
      });
    for (const port of [ports.smtpPort, ports.pop3Port]) {
      const held = [];
      /** A connection the server greets (a refused one just closed may still count for a moment). */
      const greeted = (localAddress: string) =>
        waitFor(
          async () => {
            const o = await open(port, localAddress);
            if (/^(220|\+OK)/.test(o.first)) return o;
            o.socket.destroy();
            return undefined;
          },
          { timeoutMs: 10_000, what: 'a greeting' },
        );
      held.push(await greeted('127.0.0.1'));
      for (let i = 1; i < limits.connectionsPerAddressMax; i++) held.push(await open(port));
      assert.ok(held.every((h) => /^(220|\+OK)/.test(h.first)), 'the first connections are served');
      const perAddress = await open(port);
      perAddress.socket.destroy();
      held.push(await greeted('127.0.0.2'), await greeted('127.0.0.2'));
      const total = await open(port, '127.0.0.3');
      console.log(`port ${port}: past the per-address cap "${perAddress.first}"; past the total cap "${total.first}"`);
      assert.match(perAddress.first, /^(421 .*your address|-ERR \[SYS\/TEMP\] too many connections from your address)/);
      assert.match(total.first, /^(421 |-ERR \[SYS\/TEMP\] too many connections$)/);
      for (const h of [...held, perAddress, total]) h.socket.destroy();
      // The slots are freed when the connections end.
      (await greeted('127.0.0.1')).socket.destroy();
    }
  });
});
