// Password guessing over POP3 and SMTP AUTH, against a real cluster and the real mail daemon:
// parallel guesses used to all pass the daemon's check of its failure count, and a guesser
// anywhere used to lock the user's own mail client out. The counts are the web's, in the store.
import assert from 'node:assert/strict';
import net from 'node:net';
import { after, before, describe, test } from 'node:test';
import { decodeAttempts } from '../../cluster/model/accounts/attempt-counter.ts';
import { address, mailLockout, mailParallelGuesses, pop3Login } from '../../scripts/bench/abuse-accounts.ts';
import { password, startMailSystem, testMailSettings, type MailSystem } from '../mail/mail-system.ts';

const perUserMax = testMailSettings.loginFailuresPerUserMax;

describe('mail logins under attack', () => {
  let sys: MailSystem;
  before(async () => {
    sys = await startMailSystem({ users: ['alice', 'bob', 'carol'], mail: { connectionsMax: 400 } });
  });
  after(async () => sys?.close());

  test('60 parallel wrong POP3 guesses from 60 addresses: at most the limit are checked, in the counter the web uses', async () => {
    const counts = await mailParallelGuesses(sys.ports.pop3Port, 'bob', 60);
    console.log(`POP3 parallel guesses: ${JSON.stringify(counts)}`);
    assert.ok((counts.wrong ?? 0) <= perUserMax, JSON.stringify(counts));
    assert.equal((counts.wrong ?? 0) + (counts.limited ?? 0), 60, JSON.stringify(counts));
    const stored = decodeAttempts(await sys.cluster.client.get('bob#login', 'failures'));
    assert.equal(stored.length, counts.wrong);
    // The right password from a new address waits too, and so does SMTP AUTH: one count for both.
    assert.match(await pop3Login(sys.ports.pop3Port, address(30, 0), 'bob', password('bob')), /^-ERR \[AUTH\] .*too many/i);
    assert.match(await smtpAuth(sys.ports.smtpPort, address(30, 1), 'bob', password('bob')), /^454 /);
  });

  test("a guesser elsewhere does not lock out the user's mail client at the address it logged in from", async () => {
    const result = await mailLockout(sys.ports.pop3Port, { name: 'alice', password: password('alice') }, perUserMax + 2, '127.0.0.1', 31);
    console.log(`POP3 lockout: ${JSON.stringify(result)}`);
    assert.equal(result.first, 'ok');
    assert.deepEqual(result.attacker, { wrong: perUserMax, limited: 2 });
    assert.equal(result.again, 'ok', "the user's client logs in");
    // The same address is trusted for SMTP AUTH too; a new one is not.
    assert.match(await smtpAuth(sys.ports.smtpPort, '127.0.0.1', 'alice', password('alice')), /^235 /);
    assert.match(await smtpAuth(sys.ports.smtpPort, address(31, 100), 'alice', password('alice')), /^454 /);
  });
});

/** EHLO and AUTH PLAIN from a socket bound to `from`: the reply to AUTH. */
function smtpAuth(port: number, from: string, user: string, pw: string): Promise<string> {
  const plain = Buffer.from(`\0${user}\0${pw}`).toString('base64');
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host: '127.0.0.1', port, localAddress: from });
    let text = '';
    // Replies end with a line "<code> <text>"; multi-line ones have "<code>-" before it.
    const steps = [() => socket.write('EHLO tester\r\n'), () => socket.write(`AUTH PLAIN ${plain}\r\n`)];
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => {
      text += chunk;
      for (let end = text.indexOf('\r\n'); end >= 0; end = text.indexOf('\r\n')) {
        const line = text.slice(0, end);
        text = text.slice(end + 2);
        if (!/^\d{3} /.test(line)) continue;
        const step = steps.shift();
        if (step) step();
        else {
          socket.end('QUIT\r\n');
          resolve(line);
        }
      }
    });
    socket.on('error', reject);
    socket.on('close', () => resolve(`closed: ${text}`));
  });
}
