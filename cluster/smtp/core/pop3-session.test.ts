import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { Pop3Session, unauthenticatedCommandsMax, type Pop3Effect, type Pop3Message, type Pop3Options } from './pop3-session.ts';

const options: Pop3Options = { tlsAvailable: true, plainAuthAllowed: true, errorsMax: 5, lineBytesMax: 1000 };
const messages: Pop3Message[] = [
  { id: 'aaa', size: 100 },
  { id: 'bbb', size: 250 },
  { id: 'ccc', size: 50 },
];

function replies(effects: Pop3Effect[]): string[] {
  return effects.filter((e) => e.type === 'reply').map((e) => (e as { text: string }).text);
}

function line(s: Pop3Session, text: string): Pop3Effect[] {
  return s.handle({ type: 'line', line: text });
}

function loggedIn(opts: Partial<Pop3Options> = {}): Pop3Session {
  const s = new Pop3Session({ ...options, ...opts });
  line(s, 'USER alice');
  const effects = line(s, 'PASS secret words');
  assert.deepEqual(effects, [{ type: 'login', user: 'alice', password: 'secret words' }]);
  s.handle({ type: 'login-result', user: 'alice', outcome: 'ok', messages });
  return s;
}

describe('POP3 session', () => {
  test('USER/PASS asks for a login; the result opens the maildrop (STAT, LIST, UIDL)', () => {
    const s = new Pop3Session(options);
    assert.deepEqual(replies(s.greeting()), ['+OK PennCloud POP3 server ready']);
    assert.deepEqual(replies(line(s, 'user alice')), ['+OK send PASS']);
    line(s, 'PASS pw');
    assert.ok(s.busy);
    assert.throws(() => line(s, 'STAT'), /while waiting for login/);
    assert.deepEqual(replies(s.handle({ type: 'login-result', user: 'alice', outcome: 'ok', messages })), ["+OK alice's maildrop has 3 messages (400 octets)"]);
    assert.deepEqual(replies(line(s, 'STAT')), ['+OK 3 400']);
    assert.deepEqual(replies(line(s, 'LIST')), ['+OK 3 messages (400 octets)\r\n1 100\r\n2 250\r\n3 50\r\n.']);
    assert.deepEqual(replies(line(s, 'UIDL 2')), ['+OK 2 bbb']);
    assert.deepEqual(replies(line(s, 'LIST 4')), ['-ERR no message 4']);
    assert.deepEqual(replies(line(s, 'LIST 0')), ['-ERR "0" is not a message number']);
    assert.deepEqual(replies(line(s, 'LIST -1')), ['-ERR "-1" is not a message number']);
  });

  test('PASS before USER, and every login failure, get -ERR with RFC 2449 response codes', () => {
    const s = new Pop3Session({ ...options, errorsMax: 100 });
    assert.deepEqual(replies(line(s, 'PASS x')), ['-ERR USER first']);
    const fail = (outcome: 'wrong' | 'in-use' | 'rate-limited' | 'unavailable') => {
      line(s, 'USER bob');
      line(s, 'PASS x');
      return replies(s.handle({ type: 'login-result', user: 'bob', outcome }));
    };
    assert.match(fail('wrong')[0]!, /^-ERR \[AUTH\]/);
    assert.match(fail('in-use')[0]!, /^-ERR \[IN-USE\]/);
    assert.match(fail('rate-limited')[0]!, /^-ERR \[AUTH\] too many/);
    assert.match(fail('unavailable')[0]!, /^-ERR \[SYS\/TEMP\]/);
    // USER is forgotten after a failure.
    assert.deepEqual(replies(line(s, 'PASS x')), ['-ERR USER first']);
  });

  test('DELE marks, RSET unmarks, QUIT commits exactly the marked ids (RFC 1939 §6)', () => {
    const s = loggedIn();
    assert.deepEqual(replies(line(s, 'DELE 3')), ['+OK message 3 deleted']);
    assert.deepEqual(replies(line(s, 'DELE 3')), ['-ERR message 3 is already deleted']);
    assert.deepEqual(replies(line(s, 'RETR 3')), ['-ERR message 3 is already deleted']);
    assert.deepEqual(replies(line(s, 'STAT')), ['+OK 2 350']);
    assert.deepEqual(replies(line(s, 'UIDL')), ['+OK unique-id listing follows\r\n1 aaa\r\n2 bbb\r\n.']);
    line(s, 'RSET');
    assert.deepEqual(replies(line(s, 'STAT')), ['+OK 3 400']);
    line(s, 'DELE 2');
    line(s, 'DELE 1');
    assert.deepEqual(line(s, 'QUIT'), [{ type: 'commit', ids: ['aaa', 'bbb'] }]);
    const end = s.handle({ type: 'commit-result', failed: 0 });
    assert.deepEqual(end, [{ type: 'reply', text: '+OK PennCloud POP3 server signing off (2 messages deleted)' }, { type: 'close' }]);
    assert.ok(s.closed);
  });

  test('a failed commit says so; a timeout or too many errors close without committing', () => {
    const a = loggedIn();
    line(a, 'DELE 1');
    line(a, 'QUIT');
    assert.deepEqual(replies(a.handle({ type: 'commit-result', failed: 1 })), ['-ERR [SYS/TEMP] some deleted messages not removed; try again later']);
    const b = loggedIn();
    line(b, 'DELE 1');
    assert.deepEqual(b.handle({ type: 'timeout' }), [{ type: 'reply', text: '-ERR autologout: idle for too long' }, { type: 'close' }]);
    const c = loggedIn();
    line(c, 'DELE 1');
    let effects: Pop3Effect[] = [];
    for (let i = 0; i < options.errorsMax; i++) effects = line(c, 'BOGUS');
    assert.deepEqual(effects.at(-1), { type: 'close' });
    assert.ok(!effects.some((e) => e.type === 'commit'));
  });

  test('RETR and TOP ask the io to send the message; a vanished message gets -ERR, storage trouble -ERR [SYS/TEMP]', () => {
    const s = loggedIn();
    assert.deepEqual(line(s, 'RETR 2'), [{ type: 'retrieve', id: 'bbb', size: 250, topLines: null }]);
    assert.deepEqual(s.handle({ type: 'retrieve-result', ok: true }), []);
    assert.deepEqual(line(s, 'TOP 1 0'), [{ type: 'retrieve', id: 'aaa', size: 100, topLines: 0 }]);
    assert.deepEqual(replies(s.handle({ type: 'retrieve-result', ok: false })), ['-ERR that message is no longer available']);
    // Storage that cannot serve is a temporary error (RFC 3206), not a vanished message.
    line(s, 'RETR 1');
    assert.deepEqual(replies(s.handle({ type: 'retrieve-result', ok: false, unavailable: true })), ['-ERR [SYS/TEMP] mail storage is unavailable; try again later']);
    assert.deepEqual(replies(line(s, 'TOP 1')), ['-ERR usage: TOP message lines']);
    assert.deepEqual(replies(line(s, 'TOP 1 x')), ['-ERR the line count must be a non-negative number']);
  });

  test('AUTH PLAIN: initial response, continuation, cancel, other mechanisms, authzid', () => {
    const token = (z: string, c: string, p: string) => Buffer.from(`${z}\0${c}\0${p}`).toString('base64');
    const s = new Pop3Session({ ...options, errorsMax: 100 });
    assert.deepEqual(line(s, `AUTH PLAIN ${token('', 'bob', 'pw')}`), [{ type: 'login', user: 'bob', password: 'pw' }]);
    s.handle({ type: 'login-result', user: 'bob', outcome: 'wrong' });
    assert.deepEqual(replies(line(s, 'AUTH PLAIN')), ['+ ']);
    assert.deepEqual(replies(line(s, '*')), ['-ERR authentication cancelled']);
    line(s, 'AUTH plain');
    assert.deepEqual(line(s, token('bob', 'bob', 'pw2')), [{ type: 'login', user: 'bob', password: 'pw2' }]);
    s.handle({ type: 'login-result', user: 'bob', outcome: 'wrong' });
    assert.match(replies(line(s, `AUTH PLAIN ${token('alice', 'bob', 'pw')}`))[0]!, /acting as another user/);
    assert.match(replies(line(s, 'AUTH PLAIN !!!'))[0]!, /malformed/);
    assert.match(replies(line(s, 'AUTH CRAM-MD5'))[0]!, /unsupported SASL mechanism/);
    assert.deepEqual(replies(line(s, 'AUTH')), ['+OK SASL mechanisms follow\r\nPLAIN\r\n.']);
  });

  test('without loopback or TLS, login needs STLS first; after STLS it is offered (RFC 2595)', () => {
    const s = new Pop3Session({ ...options, plainAuthAllowed: false });
    const capa = replies(line(s, 'CAPA'))[0]!;
    assert.ok(capa.includes('STLS') && !capa.includes('USER') && !capa.includes('SASL'));
    assert.match(replies(line(s, 'USER bob'))[0]!, /use STLS first/);
    assert.match(replies(line(s, 'AUTH PLAIN'))[0]!, /use STLS first/);
    assert.deepEqual(line(s, 'STLS'), [{ type: 'reply', text: '+OK begin TLS negotiation' }, { type: 'start-tls' }]);
    s.handle({ type: 'tls-started' });
    const after = replies(line(s, 'CAPA'))[0]!;
    assert.ok(after.includes('USER') && !after.includes('STLS'));
    assert.deepEqual(replies(line(s, 'STLS')), ['-ERR TLS is already active']);
    assert.deepEqual(replies(line(s, 'USER bob')), ['+OK send PASS']);
  });

  test('without TLS configured, STLS is refused and non-local logins are refused outright', () => {
    const s = new Pop3Session({ ...options, tlsAvailable: false, plainAuthAllowed: false });
    assert.ok(!replies(line(s, 'CAPA'))[0]!.includes('STLS'));
    assert.deepEqual(replies(line(s, 'STLS')), ['-ERR STLS is not available here']);
    assert.match(replies(line(s, 'USER bob'))[0]!, /only from this machine/);
  });

  test('transaction commands before login, login commands after it, unknown commands and long lines get -ERR', () => {
    const s = new Pop3Session({ ...options, errorsMax: 100 });
    assert.deepEqual(replies(line(s, 'STAT')), ['-ERR log in first']);
    assert.deepEqual(replies(line(s, 'APOP a b')), ['-ERR APOP is not supported; use USER/PASS or AUTH PLAIN']);
    assert.deepEqual(replies(s.handle({ type: 'line-too-long' })), ['-ERR line too long (at most 1000 octets)']);
    const t = loggedIn({ errorsMax: 100 });
    assert.deepEqual(replies(line(t, 'USER x')), ['-ERR already logged in']);
    assert.deepEqual(replies(line(t, 'STLS')), ['-ERR STLS is only allowed before login']);
    assert.deepEqual(replies(line(t, 'XYZZY')), ['-ERR unknown command']);
    assert.deepEqual(replies(line(t, 'NOOP')), ['+OK']);
  });

  test('a client that never logs in is cut off after a bounded number of commands', () => {
    const s = new Pop3Session({ ...options, errorsMax: 1000 });
    let effects: Pop3Effect[] = [];
    for (let i = 0; i <= unauthenticatedCommandsMax; i++) effects = line(s, 'CAPA');
    assert.deepEqual(effects.at(-1), { type: 'close' });
    assert.ok(s.closed);
    assert.deepEqual(line(s, 'CAPA'), []);
  });

  test('QUIT before login closes without a commit', () => {
    const s = new Pop3Session(options);
    assert.deepEqual(line(s, 'QUIT'), [{ type: 'reply', text: '+OK PennCloud POP3 server signing off' }, { type: 'close' }]);
  });
});
