// SMTP in, against a real cluster and the real daemon: submission with AUTH by nodemailer and
// by Python's smtplib, delivery between local users with a copy in the sender's Sent, and the
// protocol edges — relay without AUTH, unknown user, oversize, 1001-byte lines, pipelining,
// sender spoofing, AUTH only over TLS from other machines, connection and login limits.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import nodemailer from 'nodemailer';
import { waitFor } from '../../scripts/lib/processes.ts';
import { LineClient, externalAddress, password, python, rfc822, startMailSystem, testMailSettings, type MailSystem } from './mail-system.ts';

const smtplibSend = `
import json, smtplib, sys
port, user, pw, sender, rcpts, path = sys.argv[1:7]
s = smtplib.SMTP('127.0.0.1', int(port), timeout=20)
s.ehlo('python.test')
# AUTH LOGIN explicitly (login() would pick PLAIN, which nodemailer already covers).
s.user, s.password = user, pw
code, text = s.auth('LOGIN', s.auth_login, initial_response_ok=False)
assert code == 235, (code, text)
refused = s.sendmail(sender, rcpts.split(','), open(path, 'rb').read())
s.quit()
print(json.dumps({'refused': {k: [v[0], v[1].decode()] for k, v in refused.items()}}))
`;

/** Sends one line on an SMTP session (a command, or a message's data up to its lone dot) and checks the reply. */
async function say(c: LineClient, line: string, reply: RegExp): Promise<void> {
  c.send(`${line}\r\n`);
  assert.match(await c.smtpReply(), reply);
}

describe('SMTP in', () => {
  let sys: MailSystem;
  let port: number;
  before(async () => {
    sys = await startMailSystem({ users: ['alice', 'bob', 'carol', 'dave', 'mallory'], mail: { host: '0.0.0.0' } });
    port = sys.ports.smtpPort;
  });
  after(async () => sys?.close());

  const transport = (user: string, pass = password(user)) =>
    nodemailer.createTransport({ host: '127.0.0.1', port, secure: false, ignoreTLS: true, auth: { user, pass }, tls: { rejectUnauthorized: false } });

  async function session(): Promise<LineClient> {
    const c = await LineClient.connect(port);
    assert.match(await c.smtpReply(), /^220 /);
    await say(c, 'EHLO test.client', /^250 /m);
    return c;
  }

  async function authed(user: string): Promise<LineClient> {
    const c = await session();
    await say(c, `AUTH PLAIN ${Buffer.from(`\0${user}\0${password(user)}`).toString('base64')}`, /^235 /);
    return c;
  }

  test('nodemailer with AUTH PLAIN: bob gets the mail, alice has it in Sent with its summary', async () => {
    const info = await transport('alice').sendMail({
      from: 'Alice <alice@localhost>',
      to: 'bob@localhost',
      cc: 'carol@localhost',
      subject: 'Lunch?',
      text: 'At noon.\n.a line that starts with a dot\n',
      attachments: [{ filename: 'menu.txt', content: 'soup' }],
    });
    assert.deepEqual(info.accepted.sort(), ['bob@localhost', 'carol@localhost']);
    for (const user of ['bob', 'carol']) {
      const [inbox] = await sys.mailbox.list(user, 'inbox');
      assert.ok(inbox, `${user} has the message`);
      assert.equal(inbox.subject, 'Lunch?');
      assert.equal(inbox.from, 'Alice <alice@localhost>');
      assert.deepEqual(inbox.to, ['bob@localhost']);
      assert.deepEqual(inbox.cc, ['carol@localhost']);
      assert.equal(inbox.hasAttachments, true);
      assert.equal(inbox.unread, true);
      const stored = await sys.mailbox.read(user, 'inbox', inbox.id);
      assert.equal(stored?.raw.length, inbox.size);
      assert.match(stored!.raw.toString(), /^Return-Path: <alice@localhost>\r\nReceived: from test|^Return-Path: <alice@localhost>\r\nReceived: from /);
      assert.match(stored!.raw.toString(), /with ESMTPA id/);
      assert.match(stored!.raw.toString(), /\r\n\.a line that starts with a dot\r\n/);
    }
    const [sent] = await sys.mailbox.list('alice', 'sent');
    assert.equal(sent?.subject, 'Lunch?');
    assert.equal(sent?.unread, false);
  });

  test('python smtplib with AUTH LOGIN: a message bigger than a chunk arrives byte for byte', async () => {
    const body = Array.from({ length: 800 }, (_, i) => `line ${i} ${'x'.repeat(60)}`).join('\n');
    const message = rfc822({ From: 'dave@localhost', To: 'bob@localhost', Subject: 'big one', 'Message-ID': '<big@test>' }, body);
    assert.ok(message.length > 2 * testMailSettings.chunkBytes);
    const file = `${sys.cluster.env.dir}/big.eml`;
    const { writeFile } = await import('node:fs/promises');
    await writeFile(file, message);
    const r = await python<{ refused: object }>(smtplibSend, [port, 'dave', password('dave'), 'dave@localhost', 'bob@localhost', file]);
    assert.deepEqual(r.refused, {});
    const found = (await sys.mailbox.list('bob', 'inbox')).find((m) => m.subject === 'big one');
    assert.ok(found);
    assert.ok(found.chunks >= 3, `stored in ${found.chunks} chunks`);
    const stored = await sys.mailbox.read('bob', 'inbox', found.id);
    assert.ok(stored!.raw.toString('latin1').endsWith(message), 'the message is stored unchanged after the added headers');
    // RFC 6409 §8: the submission had no Date, so one was added; its Message-ID was kept.
    const head = stored!.raw.toString('latin1').slice(0, stored!.raw.length - message.length);
    assert.match(head, /\r\nDate: \w{3}, \d{2} \w{3} \d{4} [\d:]{8} \+0000\r\n$/);
    assert.equal(stored!.raw.toString().match(/^Message-ID:/gim)?.length, 1);
  });

  test('30 concurrent deliveries into one mailbox: none is lost', async () => {
    const before = (await sys.mailbox.ids('carol', 'inbox')).length;
    const senders = ['alice', 'bob', 'dave'];
    // Two pooled connections per sender: six sessions at once, under the per-address limit.
    const pools = senders.map((user) =>
      nodemailer.createTransport({ pool: true, maxConnections: 2, host: '127.0.0.1', port, secure: false, ignoreTLS: true, auth: { user, pass: password(user) } }),
    );
    await Promise.all(
      Array.from({ length: 30 }, (_, i) =>
        pools[i % 3]!.sendMail({ from: `${senders[i % 3]}@localhost`, to: 'carol@localhost', subject: `burst ${i}`, text: `n ${i}` }),
      ),
    );
    pools.forEach((p) => p.close());
    const inbox = await sys.mailbox.list('carol', 'inbox');
    assert.equal(inbox.length, before + 30);
    const subjects = new Set(inbox.map((m) => m.subject));
    for (let i = 0; i < 30; i++) assert.ok(subjects.has(`burst ${i}`), `burst ${i}`);
  });

  test('a wrong password gets 535; repeated failures for a user get 454 even with the right one', async () => {
    await assert.rejects(transport('mallory', 'wrong').sendMail({ from: 'mallory@localhost', to: 'bob@localhost', text: 'x' }), /535/);
    for (let i = 1; i < testMailSettings.loginFailuresPerUserMax; i++) {
      await assert.rejects(transport('mallory', 'wrong').sendMail({ from: 'mallory@localhost', to: 'bob@localhost', text: 'x' }), /535/);
    }
    await assert.rejects(transport('mallory').sendMail({ from: 'mallory@localhost', to: 'bob@localhost', text: 'x' }), /454/);
  });

  test('without AUTH: local delivery works, relaying is refused (554), an unknown user is 550, a local sender needs AUTH (530)', async () => {
    const c = await session();
    await say(c, 'MAIL FROM:<friend@example.org>', /^250 /);
    await say(c, 'RCPT TO:<someone@example.com>', /^554 .*Relay access denied/);
    await say(c, 'RCPT TO:<nobody@localhost>', /^550 .*No such user/);
    await say(c, 'RCPT TO:<x#files@localhost>', /^550 /);
    await say(c, 'RCPT TO:<Bob@LOCALHOST>', /^250 /);
    await say(c, 'DATA', /^354 /);
    await say(c, 'Subject: from outside\r\n\r\nhello\r\n.', /^250 /);
    await say(c, 'MAIL FROM:<alice@localhost>', /^530 /);
    await say(c, 'QUIT', /^221 /);
    const outside = (await sys.mailbox.list('bob', 'inbox')).find((m) => m.subject === 'from outside');
    assert.ok(outside);
    // Mail from other servers is stored as it came: no Date or Message-ID added.
    assert.doesNotMatch((await sys.mailbox.read('bob', 'inbox', outside.id))!.raw.toString(), /^(Date|Message-ID):/im);
  });

  test('an authenticated user may send only as themselves (553)', async () => {
    const c = await authed('alice');
    await say(c, 'MAIL FROM:<bob@localhost>', /^553 .*only as alice@localhost/);
    await say(c, 'MAIL FROM:<>', /^553 /);
    await say(c, 'MAIL FROM:<alice@localhost>', /^250 /);
    c.destroy();
  });

  test('oversized messages get 552, declared with SIZE or not', async () => {
    const c = await authed('alice');
    await say(c, `MAIL FROM:<alice@localhost> SIZE=${testMailSettings.messageBytesMax + 1}`, /^552 /);
    await say(c, 'MAIL FROM:<alice@localhost>', /^250 /);
    await say(c, 'RCPT TO:<bob@localhost>', /^250 /);
    await say(c, 'DATA', /^354 /);
    const line = 'y'.repeat(998) + '\r\n';
    await say(c, 'Subject: too big\r\n\r\n' + line.repeat(Math.ceil(testMailSettings.messageBytesMax / line.length) + 1) + '.', /^552 /);
    // The session goes on.
    await say(c, 'NOOP', /^250 /);
    c.destroy();
    assert.ok(!(await sys.mailbox.list('bob', 'inbox')).some((m) => m.subject === 'too big'));
  });

  test('a 1001-byte line is refused (550, RFC 5321 §4.5.3.1.6); a 1000-byte line is fine', async () => {
    const c = await authed('alice');
    const send = async (subject: string, lineBytes: number) => {
      c.send('MAIL FROM:<alice@localhost>\r\nRCPT TO:<bob@localhost>\r\nDATA\r\n');
      assert.match(await c.smtpReply(), /^250 /);
      assert.match(await c.smtpReply(), /^250 /);
      assert.match(await c.smtpReply(), /^354 /);
      c.send(`Subject: ${subject}\r\n\r\n${'z'.repeat(lineBytes - 2)}\r\n.\r\n`);
      return c.smtpReply();
    };
    assert.match(await send('long line', 1001), /^550 .*longer than 1000 octets/);
    assert.match(await send('max line', 1000), /^250 /);
    c.destroy();
    const subjects = (await sys.mailbox.list('bob', 'inbox')).map((m) => m.subject);
    assert.ok(subjects.includes('max line'));
    assert.ok(!subjects.includes('long line'));
  });

  test('pipelined commands (RFC 2920) are answered in order', async () => {
    const c = await authed('carol');
    c.send('MAIL FROM:<carol@localhost>\r\nRCPT TO:<bob@localhost>\r\nRCPT TO:<nobody@localhost>\r\nRCPT TO:<alice@localhost>\r\nDATA\r\n');
    assert.match(await c.smtpReply(), /^250 /);
    assert.match(await c.smtpReply(), /^250 /);
    assert.match(await c.smtpReply(), /^550 /);
    assert.match(await c.smtpReply(), /^250 /);
    assert.match(await c.smtpReply(), /^354 /);
    c.send('Subject: pipelined\r\n\r\nhi\r\n.\r\nRSET\r\nNOOP\r\nQUIT\r\n');
    assert.match(await c.smtpReply(), /^250 .*stored/);
    assert.match(await c.smtpReply(), /^250 /);
    assert.match(await c.smtpReply(), /^250 /);
    assert.match(await c.smtpReply(), /^221 /);
    for (const user of ['alice', 'bob']) assert.ok((await sys.mailbox.list(user, 'inbox')).some((m) => m.subject === 'pipelined'));
  });

  test('garbage commands get an error and the session survives', async () => {
    const c = await session();
    await say(c, 'FROB nicate', /^500 /);
    await say(c, '\x01\x02\x03', /^5\d\d /);
    await say(c, 'NOOP', /^250 /);
    c.destroy();
  });

  test('from another machine: no AUTH before STARTTLS, then AUTH over TLS works', async () => {
    const host = externalAddress();
    const c = await LineClient.connect(port, host);
    assert.match(await c.smtpReply(), /^220 /);
    c.send('EHLO remote.client\r\n');
    const ehlo = await c.smtpReply();
    assert.match(ehlo, /STARTTLS/);
    assert.doesNotMatch(ehlo, /AUTH/);
    await say(c, `AUTH PLAIN ${Buffer.from(`\0alice\0${password('alice')}`).toString('base64')}`, /^5\d\d /);
    await say(c, 'STARTTLS', /^220 /);
    await c.startTls();
    await say(c, 'EHLO remote.client', /AUTH PLAIN LOGIN/);
    await say(c, `AUTH PLAIN ${Buffer.from(`\0alice\0${password('alice')}`).toString('base64')}`, /^235 /);
    c.destroy();
    // nodemailer refuses to go on without TLS when told so, and succeeds with STARTTLS.
    const viaTls = nodemailer.createTransport({ host, port, secure: false, requireTLS: true, auth: { user: 'alice', pass: password('alice') }, tls: { rejectUnauthorized: false } });
    const info = await viaTls.sendMail({ from: 'alice@localhost', to: 'bob@localhost', subject: 'over tls', text: 'secret' });
    assert.deepEqual(info.accepted, ['bob@localhost']);
    const found = (await sys.mailbox.list('bob', 'inbox')).find((m) => m.subject === 'over tls');
    assert.ok(found);
    assert.match((await sys.mailbox.read('bob', 'inbox', found.id))!.raw.toString(), /with ESMTPSA id/);
    const plain = nodemailer.createTransport({ host, port, secure: false, ignoreTLS: true, auth: { user: 'alice', pass: password('alice') } });
    await assert.rejects(plain.sendMail({ from: 'alice@localhost', to: 'bob@localhost', text: 'x' }));
  });

  test('connections per address are limited (421), and freed when they close', async () => {
    const open: LineClient[] = [];
    for (let i = 0; i < testMailSettings.connectionsPerAddressMax; i++) {
      const c = await LineClient.connect(port);
      assert.match(await c.smtpReply(), /^220 /);
      open.push(c);
    }
    const extra = await LineClient.connect(port);
    assert.match(await extra.smtpReply(), /^421 /);
    await extra.waitClosed();
    open.forEach((c) => c.destroy());
    await waitFor(
      async () => {
        const c = await LineClient.connect(port);
        const reply = await c.smtpReply();
        c.destroy();
        return reply.startsWith('220');
      },
      { timeoutMs: 5000, what: 'a free connection slot' },
    );
  });
});
