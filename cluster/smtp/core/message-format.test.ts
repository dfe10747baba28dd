import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { LineLengthGuard, pop3MultiLine, traceHeaders } from './message-format.ts';

/** What a POP3 client does with a multi-line response: drop the terminator, un-stuff dots. */
function unstuff(wire: Buffer): Buffer {
  const text = wire.toString('latin1');
  assert.ok(text.endsWith('\r\n.\r\n') || text === '.\r\n', 'ends with CRLF . CRLF');
  const body = text === '.\r\n' ? '' : text.slice(0, -3);
  return Buffer.from(
    body
      .split('\r\n')
      .map((l) => (l.startsWith('.') ? l.slice(1) : l))
      .join('\r\n'),
    'latin1',
  );
}

describe('message format', () => {
  test('LineLengthGuard: 1000 octets with CRLF pass, 1001 do not, across chunk boundaries', () => {
    const ok = new LineLengthGuard();
    ok.push(Buffer.from('x'.repeat(500)));
    ok.push(Buffer.from('x'.repeat(498) + '\r\nshort\r\n'));
    assert.equal(ok.exceeded, false);
    assert.equal(ok.longestLineBytes, 1000);
    const long = new LineLengthGuard();
    long.push(Buffer.from('x'.repeat(999)));
    long.push(Buffer.from('\r\n'));
    assert.equal(long.exceeded, true);
    const unterminated = new LineLengthGuard();
    unterminated.push(Buffer.alloc(1001, 120));
    assert.equal(unterminated.exceeded, true);
  });

  test('pop3MultiLine stuffs dots (RFC 1939 §3) and adds the terminator; unstuffing gives the message back', () => {
    assert.equal(pop3MultiLine(Buffer.from('.a\r\n..b\r\nc.\r\n')).toString(), '..a\r\n...b\r\nc.\r\n.\r\n');
    assert.equal(pop3MultiLine(Buffer.from('no final newline')).toString(), 'no final newline\r\n.\r\n');
    assert.equal(pop3MultiLine(Buffer.from('.')).toString(), '..\r\n.\r\n');
    fc.assert(
      fc.property(fc.array(fc.stringMatching(/^[.a-z ]{0,12}$/), { maxLength: 20 }), (lines) => {
        const message = Buffer.from(lines.map((l) => l + '\r\n').join(''), 'latin1');
        assert.deepEqual(unstuff(pop3MultiLine(message)), message);
      }),
    );
  });

  test('TOP: headers, the blank line, then n body lines', () => {
    const m = Buffer.from('A: 1\r\nB: 2\r\n\r\nl1\r\n.l2\r\nl3\r\n');
    assert.equal(pop3MultiLine(m, 0).toString(), 'A: 1\r\nB: 2\r\n\r\n.\r\n');
    assert.equal(pop3MultiLine(m, 2).toString(), 'A: 1\r\nB: 2\r\n\r\nl1\r\n..l2\r\n.\r\n');
    assert.equal(pop3MultiLine(m, 99).toString(), 'A: 1\r\nB: 2\r\n\r\nl1\r\n..l2\r\nl3\r\n.\r\n');
    assert.equal(pop3MultiLine(Buffer.from('A: 1\r\n'), 3).toString(), 'A: 1\r\n.\r\n');
  });

  test('trace headers strip CR/LF from client-given names', () => {
    const t = traceHeaders({ returnPath: 'a@b', heloName: 'evil\r\nBcc: x', remoteAddress: '1.2.3.4', by: 'localhost', protocol: 'ESMTP', id: 'i', date: new Date(0) });
    const text = t.toString();
    assert.match(text, /^Return-Path: <a@b>\r\nReceived: from evil {2}Bcc: x \(\[1\.2\.3\.4\]\)\r\n\tby localhost \(PennCloud\) with ESMTP id i;\r\n\tThu, 01 Jan 1970 00:00:00 \+0000\r\n$/);
  });
});
