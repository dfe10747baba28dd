// IMAP against a real cluster and the real daemon, with real clients: imapflow for the whole
// protocol (logins and their limits, LIST with special use, SELECT/EXAMINE, FETCH, STORE seen
// by the model the webmail reads, SEARCH over stored text, APPEND/COPY/MOVE with their UIDs,
// EXPUNGE, an APPEND to Sent of the copy the daemon already saved, folders, IDLE seeing an
// SMTP delivery and another client's changes), Python's imaplib for a basic session, and a
// raw socket for literals and hostile input.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { ImapFlow } from 'imapflow';
import nodemailer from 'nodemailer';
import { bumpSessionVersion } from '../../cluster/model/accounts/accounts.ts';
import { waitFor } from '../../scripts/lib/processes.ts';
import { LineClient, externalAddress, password, python, rfc822, startMailSystem, type MailSystem } from './mail-system.ts';

const imaplibSession = `
import imaplib, json, sys
port, user, pw = sys.argv[1:4]
m = imaplib.IMAP4('127.0.0.1', int(port))
m.login(user, pw)
typ, boxes = m.list()
typ, data = m.select('INBOX')
count = int(data[0])
typ, found = m.search(None, 'SUBJECT', '"python hello"')
typ, msg = m.fetch(found[0].split()[0], '(RFC822)')
typ, app = m.append('INBOX', '(\\\\Seen)', None, b'Subject: from imaplib\\r\\n\\r\\nappended\\r\\n')
m.logout()
print(json.dumps({'boxes': [b.decode() for b in boxes], 'count': count, 'body': msg[0][1].decode('latin1'), 'append': app[0].decode()}))
`;

describe('IMAP', () => {
  let sys: MailSystem;
  let port: number;
  const clients: ImapFlow[] = [];
  before(async () => {
    sys = await startMailSystem({ users: ['alice', 'bob', 'carol', 'dave', 'erin', 'gina', 'hank', 'ivan', 'kate'], mail: { host: '0.0.0.0' } });
    port = sys.ports.imapPort;
  });
  after(async () => {
    await Promise.all(clients.map((c) => c.logout().catch(() => c.close())));
    await sys?.close();
  });

  async function connect(user: string, host = '127.0.0.1'): Promise<ImapFlow> {
    const c = new ImapFlow({ host, port, secure: false, auth: { user, pass: password(user) }, logger: false, tls: { rejectUnauthorized: false }, disableAutoIdle: true });
    await c.connect();
    clients.push(c);
    return c;
  }

  async function count(c: ImapFlow, path: string): Promise<number | undefined> {
    const status = await c.status(path, { messages: true });
    return status ? status.messages : undefined;
  }

  async function deliver(user: string, subject: string, body = 'hello', folder = 'inbox'): Promise<number> {
    const raw = Buffer.from(rfc822({ From: 'Someone <someone@example.org>', To: `${user}@localhost`, Subject: subject }, body));
    return (await sys.mailbox.store(user, folder, raw, { unread: true })).uid as number;
  }

  /** A raw session: greeting read, logged in when a user is given. */
  async function raw(user?: string, host = '127.0.0.1'): Promise<LineClient & { greeting: string; command(tag: string, text: string): Promise<string[]> }> {
    const c = (await LineClient.connect(port, host)) as LineClient & { greeting: string; command(tag: string, text: string): Promise<string[]> };
    c.greeting = await c.line();
    assert.match(c.greeting, /^\* OK /);
    c.command = async (tag, text) => {
      c.send(`${tag} ${text}\r\n`);
      const lines: string[] = [];
      for (;;) {
        const l = await c.line();
        lines.push(l);
        if (l.startsWith(`${tag} `)) return lines;
      }
    };
    if (user) assert.match((await c.command('l', `LOGIN ${user} ${password(user)}`)).at(-1)!, /^l OK /);
    return c;
  }

  test('logins: a wrong password is NO [AUTHENTICATIONFAILED]; past the limit even the right one is refused', async () => {
    const c = await raw();
    for (let i = 0; i < 3; i++) assert.match((await c.command(`w${i}`, 'LOGIN gina wrong-password')).at(-1)!, /^w\d NO \[AUTHENTICATIONFAILED\] Wrong/);
    assert.match((await c.command('r', `LOGIN gina ${password('gina')}`)).at(-1)!, /^r NO \[AUTHENTICATIONFAILED\] Too many failed logins/);
    c.destroy();
    await assert.rejects(new ImapFlow({ host: '127.0.0.1', port, secure: false, auth: { user: 'nobody', pass: 'x' }, logger: false, tls: { rejectUnauthorized: false } }).connect());
  });

  test('from another machine a password needs STARTTLS; a password change ends a session at its next command', async () => {
    const outside = await raw(undefined, externalAddress());
    assert.match(outside.greeting, /STARTTLS.*LOGINDISABLED/);
    assert.match((await outside.command('a', `LOGIN hank ${password('hank')}`)).at(-1)!, /^a NO \[PRIVACYREQUIRED\] /);
    outside.destroy();
    // imapflow upgrades with STARTTLS on its own; its login is then accepted.
    const secure = await connect('hank', externalAddress());
    assert.equal(await count(secure, 'INBOX'), 0);

    const c = await raw('hank');
    await bumpSessionVersion(sys.cluster.client, 'hank');
    // The session's view of its version may be timeouts.mailSessionCheckMs old: NOOP until it ends.
    const ended = await waitFor(
      async () => {
        c.send('n NOOP\r\n');
        for (;;) {
          const l = await c.line();
          if (l.startsWith('* BYE')) return l;
          if (l.startsWith('n ')) return undefined;
        }
      },
      { timeoutMs: 20_000, intervalMs: 200, what: 'the session to end after the password change' },
    );
    assert.match(ended, /session has ended/);
    await c.waitClosed();
  });

  test('LIST shows the special-use folders; SELECT and EXAMINE; FETCH envelope, structure, parts and partial', async () => {
    const mime = [
      'From: Alice <alice@example.org>',
      'To: bob@localhost',
      'Subject: =?utf-8?B?' + Buffer.from('Grüße aus Zürich').toString('base64') + '?=',
      'MIME-Version: 1.0',
      'Content-Type: multipart/mixed; boundary="b1"',
      '',
      '--b1',
      'Content-Type: text/plain; charset=utf-8',
      'Content-Transfer-Encoding: quoted-printable',
      '',
      'Sch=C3=B6ne Gr=C3=BC=C3=9Fe, the number is 4711.',
      '--b1',
      'Content-Type: application/octet-stream; name="a.bin"',
      'Content-Disposition: attachment; filename="a.bin"',
      'Content-Transfer-Encoding: base64',
      '',
      Buffer.from('binary attachment').toString('base64'),
      '--b1--',
      '',
    ].join('\r\n');
    const { uid } = await sys.mailbox.store('bob', 'inbox', Buffer.from(mime), { unread: true });
    const c = await connect('bob');
    const boxes = await c.list();
    const use = Object.fromEntries(boxes.map((b) => [b.path, b.specialUse ?? '']));
    assert.deepEqual(use, { INBOX: '\\Inbox', Drafts: '\\Drafts', Sent: '\\Sent', Junk: '\\Junk', Trash: '\\Trash' });
    const examined = await c.mailboxOpen('INBOX', { readOnly: true });
    assert.equal(examined.readOnly, true);
    assert.equal(examined.exists, 1);
    const box = await c.mailboxOpen('INBOX');
    assert.equal(box.readOnly, false);
    assert.equal(box.uidNext > (uid as number), true);
    const m = await c.fetchOne(String(uid), { envelope: true, bodyStructure: true, size: true, flags: true, bodyParts: ['1', '2'] }, { uid: true });
    assert.ok(m);
    assert.equal(m.envelope?.subject, 'Grüße aus Zürich');
    assert.equal(m.envelope?.from?.[0]?.address, 'alice@example.org');
    assert.equal(m.bodyStructure?.type, 'multipart/mixed');
    assert.deepEqual(m.bodyStructure?.childNodes?.map((n) => n.type), ['text/plain', 'application/octet-stream']);
    assert.equal(m.size, Buffer.byteLength(mime));
    assert.equal(m.flags?.has('\\Seen'), false);
    assert.match(m.bodyParts?.get('1')?.toString() ?? '', /Sch=C3=B6ne/);
    assert.equal(Buffer.from(m.bodyParts?.get('2')?.toString() ?? '', 'base64').toString(), 'binary attachment');
    // A partial fetch: octets 0–3 of the whole message.
    const partial = await c.fetchOne(String(uid), { source: { start: 0, maxLength: 4 } }, { uid: true });
    assert.equal(partial && partial.source?.toString(), 'From');
  });

  test('STORE flags are the webmail\'s flags; SEARCH finds text in stored messages', async () => {
    const c = await connect('carol');
    const first = await deliver('carol', 'quarterly report', 'the numbers are in the attached spreadsheet');
    const second = await deliver('carol', 'lunch', 'Ünïcode lunch plans at the Café');
    await deliver('carol', 'unrelated', 'nothing to see');
    await c.mailboxOpen('INBOX');
    await c.messageFlagsAdd(String(first), ['\\Seen', '\\Flagged'], { uid: true });
    const summaries = await sys.mailbox.list('carol', 'inbox');
    const stored = summaries.find((s) => s.uid === first);
    assert.equal(stored?.unread, false);
    assert.ok(stored?.flags?.includes('\\Flagged'));
    // And the other way: the webmail marks the second one read.
    const secondId = summaries.find((s) => s.uid === second)?.id as string;
    await sys.mailbox.setUnread('carol', 'inbox', secondId, false);
    const seen = await c.search({ seen: true }, { uid: true });
    assert.deepEqual([...(seen || [])].sort(), [first, second].sort());
    assert.deepEqual(await c.search({ body: 'SPREADSHEET' }, { uid: true }), [first]);
    assert.deepEqual(await c.search({ body: 'ünïcode' }, { uid: true }), [second]);
    assert.deepEqual(await c.search({ text: 'café' }, { uid: true }), [second]);
    assert.deepEqual(await c.search({ subject: 'Quarterly' }, { uid: true }), [first]);
    assert.deepEqual(await c.search({ from: 'someone@example.org', body: 'lunch' }, { uid: true }), [second]);
  });

  test('APPEND answers APPENDUID; COPY and MOVE answer COPYUID; EXPUNGE; CREATE, RENAME and DELETE', async () => {
    const c = await connect('dave');
    await c.mailboxCreate('Projects');
    await c.mailboxCreate('Projects/2026');
    const appended = await c.append('Projects/2026', rfc822({ Subject: 'appended' }, 'body'), ['\\Seen', '\\Draft']);
    assert.ok(appended && appended.uid && appended.uidValidity);
    const uid = await deliver('dave', 'to move');
    await c.mailboxOpen('INBOX');
    const copied = await c.messageCopy(String(uid), 'Projects', { uid: true });
    assert.ok(copied && copied.uidMap?.get(uid));
    const moved = await c.messageMove(String(uid), 'Projects/2026', { uid: true });
    assert.ok(moved && moved.uidMap?.get(uid));
    assert.equal(await count(c, 'INBOX'), 0);
    assert.equal(await count(c, 'Projects/2026'), 2);
    await c.mailboxOpen('Projects');
    assert.equal(await c.messageDelete('1:*', { uid: true }), true);
    assert.equal(await count(c, 'Projects'), 0);
    await c.mailboxRename('Projects/2026', 'Archive 2026');
    const names = (await c.list()).map((b) => b.path);
    assert.ok(names.includes('Archive 2026') && !names.includes('Projects/2026'));
    await c.mailboxOpen('INBOX');
    await c.mailboxDelete('Projects');
    assert.ok(!(await c.list()).some((b) => b.path === 'Projects'));
    await assert.rejects(c.mailboxDelete('Trash'));
    // The webmail sees the folder by its new name with the two messages.
    const folder = (await sys.mailbox.state.read('dave')).folders.find((f) => f.name === 'Archive 2026');
    assert.equal(folder?.total, 2);
  });

  test('a client that sends over SMTP and then saves its own copy to Sent (Thunderbird does) leaves one copy there', async () => {
    const text = rfc822({ From: 'ivan@localhost', To: 'ivan@localhost', Subject: 'saved once', 'Message-ID': '<saved-once@localhost>' }, 'body');
    const transport = nodemailer.createTransport({ host: '127.0.0.1', port: sys.ports.smtpPort, secure: false, ignoreTLS: true, auth: { user: 'ivan', pass: password('ivan') } });
    // To ivan himself: the other tests count the messages of their own users' inboxes.
    await transport.sendMail({ envelope: { from: 'ivan@localhost', to: ['ivan@localhost'] }, raw: text });
    const sent = async () => (await sys.mailbox.list('ivan', 'sent')).filter((s) => s.subject === 'saved once');
    const [daemonCopy] = await sent();
    assert.ok(daemonCopy?.uid);
    const c = await connect('ivan');
    const appended = await c.append('Sent', text, ['\\Seen']);
    assert.ok(appended);
    assert.equal(appended.uid, daemonCopy.uid);
    assert.equal((await sent()).length, 1);
    // Another message, or the same one anywhere but Sent, is stored as usual.
    const other = await c.append('Sent', text.replace('saved-once@', 'another@'), ['\\Seen']);
    assert.ok(other && other.uid !== daemonCopy.uid);
    await c.append('Drafts', text, ['\\Draft']);
    assert.equal(await count(c, 'Sent'), 2);
    assert.equal(await count(c, 'Drafts'), 1);
  });

  test('IDLE sees an SMTP delivery, and another client\'s STORE and EXPUNGE', async () => {
    const watcher = await connect('erin');
    const other = await connect('erin');
    const existing = await deliver('erin', 'already here');
    await watcher.mailboxOpen('INBOX');
    await other.mailboxOpen('INBOX');
    const events: string[] = [];
    watcher.on('exists', (e: { count: number }) => events.push(`exists ${e.count}`));
    watcher.on('flags', (e: { uid?: number; flags: Set<string> }) => events.push(`flags ${[...e.flags].join(' ')}`));
    watcher.on('expunge', () => events.push('expunge'));
    const idling = watcher.idle();
    const transport = nodemailer.createTransport({ host: '127.0.0.1', port: sys.ports.smtpPort, secure: false, ignoreTLS: true });
    await transport.sendMail({ from: 'friend@example.org', to: 'erin@localhost', subject: 'over SMTP', text: 'new mail' });
    await waitFor(() => events.includes('exists 2'), { timeoutMs: 10_000, what: 'IDLE to report the delivery' });
    await other.messageFlagsAdd(String(existing), ['\\Flagged'], { uid: true });
    await waitFor(() => events.some((e) => e.startsWith('flags') && e.includes('\\Flagged')), { timeoutMs: 10_000, what: 'IDLE to report the other client\'s flag' });
    await other.messageDelete(String(existing), { uid: true });
    await waitFor(() => events.includes('expunge'), { timeoutMs: 10_000, what: 'IDLE to report the other client\'s expunge' });
    await watcher.noop();
    await idling;
  });

  test('a message a poll looked for between its delivery\'s two steps is still reported', async () => {
    // A larger message's delivery counts it into the folder, then writes its body and its entry
    // (a small one is counted and written at once). The delivery here is held before the entry
    // while the client polls, so that poll lists the folder without it.
    const watcher = await connect('kate');
    await deliver('kate', 'first');
    await watcher.mailboxOpen('INBOX');
    const events: string[] = [];
    watcher.on('exists', (e: { count: number }) => events.push(`exists ${e.count}`));
    const store = sys.mailbox;
    const commit = store.commit.bind(store);
    let reachCommit!: () => void;
    const atCommit = new Promise<void>((resolve) => (reachCommit = resolve));
    let releaseCommit!: () => void;
    const commitAllowed = new Promise<void>((resolve) => (releaseCommit = resolve));
    store.commit = async (...args) => {
      reachCommit();
      await commitAllowed;
      return commit(...args);
    };
    try {
      const delivery = deliver('kate', 'second', 'a larger message, stored in chunks\r\n'.repeat(1000));
      await atCommit;
      await watcher.noop();
      assert.deepEqual(events, [], 'nothing to report before the entry is written');
      releaseCommit();
      await delivery;
    } finally {
      store.commit = commit;
    }
    await watcher.noop();
    assert.deepEqual(events, ['exists 2']);
    await watcher.logout();
  });

  test('Python imaplib: list, select, search, fetch and append', async () => {
    await deliver('alice', 'python hello', 'from the test');
    const r = await python<{ boxes: string[]; count: number; body: string; append: string }>(imaplibSession, [port, 'alice', password('alice')]);
    assert.ok(r.boxes.some((b) => b.includes('\\Trash')));
    assert.equal(r.count, 1);
    assert.match(r.body, /from the test/);
    assert.match(r.append, /APPENDUID \d+ 2/);
  });

  test('literals and hostile input get tagged BAD or NO, and the daemon keeps serving', async () => {
    const c = await raw('alice');
    const message = 'Subject: literal\r\n\r\nsent as a literal\r\n';
    c.send(`a1 APPEND INBOX {${message.length}}\r\n`);
    assert.match(await c.line(), /^\+ /);
    c.send(`${message}\r\n`);
    for (;;) if ((await c.line()).startsWith('a1 ')) break;
    assert.match((await c.command('a2', `APPEND INBOX {${message.length}+}\r\n${message}`)).at(-1)!, /^a2 OK \[APPENDUID /);
    const hostile = ['FETCH 1:* (BODY[', 'SELECT', 'UID FETCH 1:* (FLAGS', 'SEARCH ((((((((((((((((((ALL))))))))))))))))))', 'STORE 1 +FLAGS (\\Bogus', 'LIST "" "*', `APPEND INBOX {${100 * 1024 * 1024}}`, '\u0000\u0001garbage', 'x'.repeat(70_000)];
    for (const [i, line] of hostile.entries()) {
      c.send(`h${i} ${line}\r\n`);
      let answer = '';
      while (!answer.startsWith(`h${i} `) && !answer.startsWith('* BAD')) answer = await c.line();
      assert.match(answer, new RegExp(`^(h${i}|\\*) (BAD|NO) `), `answer to ${JSON.stringify(line.slice(0, 40))}`);
    }
    c.destroy();
    const again = await connect('alice');
    assert.ok(((await count(again, 'INBOX')) ?? 0) >= 2);
  });
});
