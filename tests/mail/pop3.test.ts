// POP3 against a real cluster and the real daemon: Python's poplib and curl list, fetch and
// delete; the protocol edges — deletions only at QUIT, one session per mailbox, pipelining,
// garbage and over-long lines, AUTH PLAIN, STLS, and logins from other machines.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { waitFor } from '../../scripts/lib/processes.ts';
import { LineClient, externalAddress, password, python, rfc822, run, startMailSystem, testMailSettings, type MailSystem } from './mail-system.ts';

const poplibFetchAll = `
import json, poplib, sys
port, user, pw, delete = sys.argv[1:5]
p = poplib.POP3('127.0.0.1', int(port), timeout=20)
p.user(user)
p.pass_(pw)
count, octets = p.stat()
uidl = [l.decode().split(' ') for l in p.uidl()[1]]
sizes = [int(l.split()[1]) for l in p.list()[1]]
bodies = []
for i in range(1, count + 1):
    resp, lines, n = p.retr(i)
    bodies.append(b'\\r\\n'.join(lines).decode('latin1') + '\\r\\n')
    if delete == '1':
        p.dele(i)
p.quit()
print(json.dumps({'count': count, 'octets': octets, 'uidl': uidl, 'sizes': sizes, 'bodies': bodies}))
`;

const poplibStls = `
import json, poplib, ssl, sys
host, port, user, pw = sys.argv[1:5]
p = poplib.POP3(host, int(port), timeout=20)
caps = p.capa()
refused = ''
try:
    p.user(user)
except poplib.error_proto as e:
    refused = e.args[0].decode()
ctx = ssl.create_default_context()
ctx.check_hostname = False
ctx.verify_mode = ssl.CERT_NONE
p.stls(ctx)
p.user(user)
p.pass_(pw)
count = p.stat()[0]
p.quit()
print(json.dumps({'caps': sorted(caps.keys()), 'refused': refused, 'count': count}))
`;

describe('POP3', () => {
  let sys: MailSystem;
  let port: number;
  before(async () => {
    sys = await startMailSystem({ users: ['alice', 'bob', 'carol', 'erin', 'frank', 'gina'], mail: { host: '0.0.0.0' } });
    port = sys.ports.pop3Port;
  });
  after(async () => sys?.close());

  /** Puts a message straight into a user's inbox, as delivery does. */
  async function deliver(user: string, subject: string, body = 'hello'): Promise<string> {
    const raw = Buffer.from(rfc822({ From: 'someone@example.org', To: `${user}@localhost`, Subject: subject }, body));
    return (await sys.mailbox.store(user, 'inbox', raw, { unread: true })).id;
  }

  async function login(user: string, host = '127.0.0.1'): Promise<LineClient> {
    const c = await LineClient.connect(port, host);
    assert.match(await c.line(), /^\+OK /);
    c.send(`USER ${user}\r\nPASS ${password(user)}\r\n`);
    assert.match(await c.line(), /^\+OK/);
    assert.match(await c.line(), /^\+OK .*maildrop has/);
    return c;
  }

  test('poplib lists, fetches byte for byte (dot-stuffed lines, multi-chunk messages) and deletes at QUIT', async () => {
    const small = await deliver('bob', 'first', '.starts with a dot\n..two dots\nplain');
    const bigBody = Array.from({ length: 600 }, (_, i) => `${i % 7 === 0 ? '.' : ''}row ${i} ${'q'.repeat(50)}`).join('\n');
    const big = await deliver('bob', 'second', bigBody);
    const expected = await Promise.all([small, big].map(async (id) => (await sys.mailbox.read('bob', 'inbox', id))!.raw.toString('latin1')));
    assert.ok(expected[1]!.length > 2 * testMailSettings.chunkBytes);
    type Fetch = { count: number; octets: number; uidl: [string, string][]; sizes: number[]; bodies: string[] };
    const r = await python<Fetch>(poplibFetchAll, [port, 'bob', password('bob'), 1]);
    assert.equal(r.count, 2);
    assert.deepEqual(r.uidl, [['1', small], ['2', big]]);
    assert.deepEqual(r.sizes, expected.map((e) => e.length));
    assert.equal(r.octets, expected[0]!.length + expected[1]!.length);
    // poplib undoes the byte-stuffing; what it returns is the stored message exactly.
    assert.deepEqual(r.bodies, expected);
    assert.deepEqual(await sys.mailbox.list('bob', 'inbox'), []);
    const again = await python<Fetch>(poplibFetchAll, [port, 'bob', password('bob'), 0]);
    assert.equal(again.count, 0);
  });

  test('RETR after RETR (read ahead): 24 messages, inline and chunked, each byte for byte; TOP and going back work too', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 24; i++) {
      // Sizes from a few bytes (inline in the index value) to several chunks.
      const body = Array.from({ length: (i * 37) % 400 }, (_, n) => `${n % 5 === 0 ? '.' : ''}line ${i}/${n} ${'w'.repeat(40)}`).join('\n');
      ids.push(await deliver('gina', `ahead ${i}`, body));
    }
    const expected = await Promise.all(ids.map(async (id) => (await sys.mailbox.read('gina', 'inbox', id))!.raw.toString('latin1')));
    assert.ok(expected.some((e) => e.length > testMailSettings.chunkBytes) && expected.some((e) => e.length < 200));
    type Fetch = { count: number; bodies: string[] };
    const r = await python<Fetch>(poplibFetchAll, [port, 'gina', password('gina'), 0]);
    assert.equal(r.count, 24);
    assert.deepEqual(r.bodies, expected);
    // Out of order: a TOP between RETRs, and a message before the ones read ahead.
    const c = await login('gina');
    const unstuff = (lines: string[]) => lines.slice(1).map((l) => (l.startsWith('.') ? l.slice(1) : l)).join('\r\n') + '\r\n';
    for (const n of [5, 6, 7]) {
      c.send(`RETR ${n}\r\n`);
      assert.equal(unstuff(await c.pop3Multi()), expected[n - 1]);
    }
    c.send('TOP 8 0\r\n');
    assert.equal(unstuff(await c.pop3Multi()), expected[7]!.slice(0, expected[7]!.indexOf('\r\n\r\n') + 4));
    for (const n of [8, 2, 9]) {
      c.send(`RETR ${n}\r\n`);
      assert.equal(unstuff(await c.pop3Multi()), expected[n - 1]);
    }
    c.send('QUIT\r\n');
    assert.match(await c.line(), /^\+OK/);
  });

  test('curl lists, shows unique ids and retrieves', async () => {
    const id = await deliver('carol', 'for curl', 'curl body');
    const url = `pop3://127.0.0.1:${port}/`;
    const list = await run('curl', ['-sS', '--max-time', '20', url, '-u', `carol:${password('carol')}`]);
    assert.equal(list.code, 0, list.stderr);
    const raw = (await sys.mailbox.read('carol', 'inbox', id))!.raw.toString('latin1');
    assert.equal(list.stdout.trim(), `1 ${raw.length}`);
    const uidl = await run('curl', ['-sS', '--max-time', '20', url, '-u', `carol:${password('carol')}`, '-X', 'UIDL']);
    assert.equal(uidl.stdout.trim(), `1 ${id}`);
    const retr = await run('curl', ['-sS', '--max-time', '20', `${url}1`, '-u', `carol:${password('carol')}`]);
    assert.equal(retr.stdout, raw);
    const wrong = await run('curl', ['-sS', '--max-time', '20', url, '-u', 'carol:nope']);
    assert.notEqual(wrong.code, 0);
  });

  test('DELE then disconnect without QUIT deletes nothing (RFC 1939 §6)', async () => {
    await deliver('erin', 'keep me');
    const c = await login('erin');
    c.send('DELE 1\r\n');
    assert.match(await c.line(), /^\+OK message 1 deleted/);
    c.send('STAT\r\n');
    assert.equal(await c.line(), '+OK 0 0');
    c.destroy();
    // Once the server has ended that session (its lock is free), the message is still there.
    const again = await waitFor(
      async () => {
        const d = await LineClient.connect(port);
        assert.match(await d.line(), /^\+OK/);
        d.send(`USER erin\r\nPASS ${password('erin')}\r\n`);
        await d.line();
        const reply = await d.line();
        if (reply.startsWith('+OK')) return d;
        d.destroy();
        return undefined;
      },
      { timeoutMs: 5000, what: 'the first session to end' },
    );
    again.send('STAT\r\n');
    assert.match(await again.line(), /^\+OK 1 \d+$/);
    again.destroy();
    assert.equal((await sys.mailbox.list('erin', 'inbox')).length, 1);
  });

  test('DELE, RSET, LIST/UIDL/TOP with arguments, deleted messages refused, QUIT commits', async () => {
    const ids = [await deliver('frank', 'one', 'b1\nb2\nb3'), await deliver('frank', 'two')];
    const c = await login('frank');
    c.send('LIST 2\r\n');
    const size2 = (await sys.mailbox.summary('frank', 'inbox', ids[1]!))!.size;
    assert.equal(await c.line(), `+OK 2 ${size2}`);
    c.send('UIDL 1\r\n');
    assert.equal(await c.line(), `+OK 1 ${ids[0]}`);
    c.send('TOP 1 2\r\n');
    const top = await c.pop3Multi();
    assert.deepEqual(top.slice(-3), ['', 'b1', 'b2']);
    assert.ok(top.includes('Subject: one'));
    c.send('DELE 1\r\n');
    assert.match(await c.line(), /^\+OK/);
    c.send('RETR 1\r\n');
    assert.match(await c.line(), /^-ERR message 1 is already deleted/);
    c.send('LIST\r\n');
    assert.deepEqual(await c.pop3Multi(), [`+OK 1 messages (${size2} octets)`, `2 ${size2}`]);
    c.send('RSET\r\nSTAT\r\nDELE 2\r\nLIST 3\r\nQUIT\r\n');
    assert.match(await c.line(), /^\+OK maildrop has 2 messages/);
    assert.match(await c.line(), /^\+OK 2 /);
    assert.match(await c.line(), /^\+OK message 2 deleted/);
    assert.match(await c.line(), /^-ERR no message 3/);
    assert.match(await c.line(), /^\+OK .*1 messages deleted/);
    await c.waitClosed();
    assert.deepEqual((await sys.mailbox.list('frank', 'inbox')).map((m) => m.id), [ids[0]]);
  });

  test('a second concurrent login to one mailbox is refused; after QUIT it works', async () => {
    const first = await login('alice');
    const second = await LineClient.connect(port);
    assert.match(await second.line(), /^\+OK/);
    second.send(`USER alice\r\nPASS ${password('alice')}\r\n`);
    assert.match(await second.line(), /^\+OK/);
    assert.match(await second.line(), /^-ERR \[IN-USE\]/);
    first.send('QUIT\r\n');
    assert.match(await first.line(), /^\+OK/);
    await first.waitClosed();
    second.send(`USER alice\r\nPASS ${password('alice')}\r\n`);
    assert.match(await second.line(), /^\+OK/);
    assert.match(await second.line(), /^\+OK .*maildrop/);
    second.destroy();
  });

  test('garbage commands and a 1001-byte line get -ERR and the connection survives; too many errors end it', async () => {
    const c = await LineClient.connect(port);
    assert.match(await c.line(), /^\+OK/);
    c.send('FROBNICATE\r\n');
    assert.match(await c.line(), /^-ERR unknown command/);
    c.send('\x00\xff\x7f garbage\r\n');
    assert.match(await c.line(), /^-ERR/);
    c.send('STAT\r\n');
    assert.match(await c.line(), /^-ERR log in first/);
    c.send('X'.repeat(999) + '\r\n');
    assert.match(await c.line(), /^-ERR line too long/);
    c.send('NOOP\r\nCAPA\r\n');
    assert.match(await c.line(), /^-ERR/);
    const capa = await c.pop3Multi();
    assert.ok(capa.includes('UIDL') && capa.includes('TOP') && capa.includes('USER') && capa.includes('STLS'));
    for (let i = 0; i < testMailSettings.pop3ErrorsMax; i++) c.send('BAD\r\n');
    await c.waitClosed();
  });

  test('pipelined commands (RFC 2449) are answered in order', async () => {
    await deliver('bob', 'p1');
    await deliver('bob', 'p2');
    const c = await LineClient.connect(port);
    assert.match(await c.line(), /^\+OK/);
    c.send(`CAPA\r\nUSER bob\r\nPASS ${password('bob')}\r\nSTAT\r\nUIDL\r\nNOOP\r\nTOP 2 0\r\nQUIT\r\n`);
    assert.ok((await c.pop3Multi()).includes('PIPELINING'));
    assert.match(await c.line(), /^\+OK/);
    assert.match(await c.line(), /^\+OK .*2 messages/);
    assert.match(await c.line(), /^\+OK 2 \d+$/);
    assert.equal((await c.pop3Multi()).length, 3);
    assert.equal(await c.line(), '+OK');
    assert.ok((await c.pop3Multi()).includes('Subject: p2'));
    assert.match(await c.line(), /^\+OK .*0 messages deleted/);
    await c.waitClosed();
  });

  test('AUTH PLAIN with an initial response and as a continuation; wrong passwords get -ERR [AUTH]', async () => {
    const token = (user: string, pw: string) => Buffer.from(`\0${user}\0${pw}`).toString('base64');
    const c = await LineClient.connect(port);
    assert.match(await c.line(), /^\+OK/);
    c.send(`AUTH PLAIN ${token('carol', 'wrong')}\r\n`);
    assert.match(await c.line(), /^-ERR \[AUTH\]/);
    c.send('AUTH PLAIN\r\n');
    assert.equal(await c.line(), '+ ');
    c.send(`${token('carol', password('carol'))}\r\n`);
    assert.match(await c.line(), /^\+OK carol's maildrop/);
    c.send('QUIT\r\n');
    assert.match(await c.line(), /^\+OK/);
    const d = await LineClient.connect(port);
    assert.match(await d.line(), /^\+OK/);
    d.send(`AUTH PLAIN ${Buffer.from(`bob\0carol\0${password('carol')}`).toString('base64')}\r\n`);
    assert.match(await d.line(), /^-ERR \[AUTH\] acting as another user/);
    d.send(`USER CAROL@localhost\r\nPASS ${password('carol')}\r\n`);
    assert.match(await d.line(), /^\+OK/);
    assert.match(await d.line(), /^\+OK carol's maildrop/);
    d.destroy();
  });

  test('a message deleted elsewhere during a session: RETR says so, the session goes on', async () => {
    const id = await deliver('carol', 'vanishing');
    const c = await login('carol');
    c.send('STAT\r\n');
    const [, count] = /^\+OK (\d+) /.exec(await c.line())!;
    await sys.mailbox.remove('carol', 'inbox', id);
    c.send(`RETR ${count}\r\n`);
    assert.match(await c.line(), /^-ERR that message is no longer available/);
    c.send('NOOP\r\n');
    assert.equal(await c.line(), '+OK');
    c.destroy();
  });

  test('from another machine: login only after STLS (poplib with TLS)', async () => {
    await deliver('bob', 'over stls');
    const host = externalAddress();
    const r = await python<{ caps: string[]; refused: string; count: number }>(poplibStls, [host, port, 'bob', password('bob')]);
    assert.ok(r.caps.includes('STLS'));
    assert.ok(!r.caps.includes('USER'), `USER is not offered before TLS: ${r.caps.join(' ')}`);
    assert.match(r.refused, /^-ERR \[AUTH\] use STLS first/);
    assert.ok(r.count >= 1);
  });
});
