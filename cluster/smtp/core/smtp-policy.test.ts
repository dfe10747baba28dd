import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { classifyAddress, loginName } from '../../model/mail/addresses.ts';
import { ConnectionLimits } from './connection-limits.ts';
import { LineSplitter } from './line-splitter.ts';
import { SmtpError, authAllowed, checkSender, isLoopback, routeRecipient, transmissionType } from './smtp-policy.ts';

const anonymous = { user: null, remoteAddress: '203.0.113.9', secure: false };
const alice = { user: 'alice', remoteAddress: '127.0.0.1', secure: false };

function code(fn: () => unknown): number | undefined {
  try {
    fn();
    return undefined;
  } catch (err) {
    assert.ok(err instanceof SmtpError);
    return err.responseCode;
  }
}

describe('SMTP policy', () => {
  test('loopback is 127/8 and ::1, also IPv4-mapped', () => {
    for (const a of ['127.0.0.1', '127.9.8.7', '::1', '::ffff:127.0.0.1']) assert.ok(isLoopback(a), a);
    for (const a of ['192.0.2.2', '::ffff:10.0.0.1', '1270.0.0.1', '']) assert.ok(!isLoopback(a), a);
  });

  test('AUTH: loopback or TLS; elsewhere STARTTLS first, or refused when TLS is off', () => {
    assert.equal(authAllowed({ remoteAddress: '127.0.0.1', secure: false }, true), 'ok');
    assert.equal(authAllowed({ remoteAddress: '192.0.2.2', secure: true }, true), 'ok');
    assert.equal(authAllowed({ remoteAddress: '192.0.2.2', secure: false }, true), 'starttls-first');
    assert.equal(authAllowed({ remoteAddress: '192.0.2.2', secure: false }, false), 'refused');
  });

  test('senders: authenticated users only as themselves; anonymous sessions never as a local user', () => {
    assert.equal(code(() => checkSender('alice@localhost', alice, 'localhost')), undefined);
    assert.equal(code(() => checkSender('Alice@LocalHost', alice, 'localhost')), undefined);
    assert.equal(code(() => checkSender('bob@localhost', alice, 'localhost')), 553);
    assert.equal(code(() => checkSender('alice@example.com', alice, 'localhost')), 553);
    assert.equal(code(() => checkSender('', alice, 'localhost')), 553);
    assert.equal(code(() => checkSender('someone@example.com', anonymous, 'localhost')), undefined);
    assert.equal(code(() => checkSender('', anonymous, 'localhost')), undefined);
    assert.equal(code(() => checkSender('alice@localhost', anonymous, 'localhost')), 530);
  });

  test('recipients: local for anyone, remote only when authenticated (554), bad local parts 550, too many 452', () => {
    assert.deepEqual(routeRecipient('Bob@localhost', anonymous, 'localhost', 0, 10), { kind: 'local', user: 'bob', address: 'bob@localhost' });
    assert.equal(code(() => routeRecipient('x@example.com', anonymous, 'localhost', 0, 10)), 554);
    assert.deepEqual(routeRecipient('x@Example.com', alice, 'localhost', 0, 10), { kind: 'remote', domain: 'example.com', address: 'x@Example.com' });
    assert.equal(code(() => routeRecipient('a#files@localhost', alice, 'localhost', 0, 10)), 550);
    assert.equal(code(() => routeRecipient('no-at-sign', alice, 'localhost', 0, 10)), 501);
    assert.equal(code(() => routeRecipient('bob@localhost', alice, 'localhost', 10, 10)), 452);
  });

  test('addresses and login names', () => {
    assert.deepEqual(classifyAddress('x@[127.0.0.1]', 'localhost'), { kind: 'invalid' });
    assert.deepEqual(classifyAddress('ab@localhost', 'localhost'), { kind: 'local-invalid' });
    assert.equal(loginName(' Alice@LOCALHOST ', 'localhost'), 'alice');
    assert.equal(loginName('alice', 'localhost'), 'alice');
    assert.equal(loginName('alice@example.com', 'localhost'), undefined);
    assert.equal(loginName('a#b', 'localhost'), undefined);
  });

  test('transmission types of RFC 3848', () => {
    assert.equal(transmissionType({ user: null, secure: false }), 'ESMTP');
    assert.equal(transmissionType({ user: 'a', secure: true }), 'ESMTPSA');
  });

  test('connection limits per address and in total, freed on close', () => {
    const l = new ConnectionLimits(3, 2);
    assert.equal(l.tryOpen('a'), 'ok');
    assert.equal(l.tryOpen('a'), 'ok');
    assert.equal(l.tryOpen('a'), 'address-full');
    assert.equal(l.tryOpen('b'), 'ok');
    assert.equal(l.tryOpen('c'), 'server-full');
    l.close('a');
    assert.equal(l.tryOpen('c'), 'ok');
    l.close('nobody');
    assert.equal(l.open, 3);
  });
});

describe('line splitter', () => {
  test('CRLF and bare LF end lines, across chunks', () => {
    const s = new LineSplitter(100);
    assert.deepEqual(s.push(Buffer.from('US')), []);
    assert.deepEqual(s.push(Buffer.from('ER a\r\nST')), [{ type: 'line', line: 'USER a' }]);
    assert.deepEqual(s.push(Buffer.from('AT\nNOOP\r\n')), [
      { type: 'line', line: 'STAT' },
      { type: 'line', line: 'NOOP' },
    ]);
  });

  test('an over-long line is reported once and dropped to its end; memory stays bounded', () => {
    const s = new LineSplitter(10);
    assert.deepEqual(s.push(Buffer.from('12345678\r\n')), [{ type: 'line', line: '12345678' }]);
    assert.deepEqual(s.push(Buffer.from('123456789\r\n')), [{ type: 'line-too-long' }]);
    assert.deepEqual(s.push(Buffer.alloc(10_000, 65)), [{ type: 'line-too-long' }]);
    assert.deepEqual(s.push(Buffer.alloc(10_000, 65)), []);
    assert.deepEqual(s.push(Buffer.from('tail\r\nok\r\n')), [{ type: 'line', line: 'ok' }]);
  });
});
