import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { CommandFramer, type FrameEvent, type FramerLimits } from './framer.ts';
import { inSequenceSet, parseCommand, parseSequenceSet, type Token } from './parser.ts';

const limits: FramerLimits = { lineBytesMax: 200, literalBytesMax: 1000, literalsMax: 4, commandBytesMax: 2000 };

function frame(input: string | Buffer, framer = new CommandFramer(limits)): FrameEvent[] {
  return framer.push(Buffer.isBuffer(input) ? input : Buffer.from(input, 'latin1'));
}

function commands(events: FrameEvent[]): string[] {
  return events.flatMap((e) => (e.type === 'command' ? [e.data.toString('latin1')] : []));
}

function parse(text: string) {
  return parseCommand(Buffer.from(text, 'utf8'));
}

/** Tokens as plain data, strings marked with quotes, for readable expectations. */
function plain(tokens: Token[]): unknown[] {
  return tokens.map((t) => (t.kind === 'atom' ? t.value : t.kind === 'string' ? `"${t.value.toString()}"` : plain(t.items)));
}

describe('IMAP command framer', () => {
  test('one command per line, CRLF or a bare LF; pieces arriving byte by byte make the same commands', () => {
    const input = 'a1 NOOP\r\na2 CAPABILITY\na3 LOGOUT\r\n';
    assert.deepEqual(commands(frame(input)), ['a1 NOOP', 'a2 CAPABILITY', 'a3 LOGOUT']);
    const framer = new CommandFramer(limits);
    const events = [...input].flatMap((c) => frame(c, framer));
    assert.deepEqual(commands(events), ['a1 NOOP', 'a2 CAPABILITY', 'a3 LOGOUT']);
  });

  test('a synchronising literal asks for "+" and joins the command; LITERAL+ does not ask', () => {
    const framer = new CommandFramer(limits);
    const first = frame('a1 LOGIN {5}\r\n', framer);
    assert.deepEqual(first, [{ type: 'continue' }]);
    const rest = frame('alice {6+}\r\nsecret\r\n', framer);
    assert.deepEqual(commands(rest), ['a1 LOGIN {5}\r\nalice {6+}\r\nsecret']);
    assert.ok(!rest.some((e) => e.type === 'continue'));
  });

  test('a literal may hold CRLF and anything else: its octets are counted, not scanned', () => {
    const body = 'line one\r\n{3}\r\n\0\xff';
    const events = frame(`a1 APPEND INBOX {${body.length}+}\r\n${body}\r\na2 NOOP\r\n`);
    assert.deepEqual(commands(events), [`a1 APPEND INBOX {${body.length}+}\r\n${body}`, 'a2 NOOP']);
  });

  test('a line over the limit is reported once with its tag and skipped; the next command works', () => {
    const events = frame(`a1 NOOP ${'x'.repeat(300)}\r\na2 NOOP\r\n`);
    assert.deepEqual(events, [{ type: 'too-long', tag: 'a1' }, { type: 'command', data: Buffer.from('a2 NOOP') }]);
  });

  test('an oversized synchronising literal is refused before the client sends it', () => {
    const events = frame('a1 APPEND INBOX {5000}\r\na2 NOOP\r\n');
    assert.deepEqual(events, [{ type: 'literal-refused', tag: 'a1', nonSync: false, bytes: 5000 }, { type: 'command', data: Buffer.from('a2 NOOP') }]);
  });

  test('an oversized LITERAL+ is refused and its octets skipped without being held, and the rest of its command too', () => {
    const framer = new CommandFramer(limits);
    const events = [
      ...frame('a1 APPEND INBOX {5000+}\r\n', framer),
      ...frame('y'.repeat(2500), framer),
      ...frame('y'.repeat(2500) + ' more {2+}\r\nzz\r\n', framer),
      ...frame('a2 NOOP\r\n', framer),
    ];
    assert.deepEqual(events, [{ type: 'literal-refused', tag: 'a1', nonSync: true, bytes: 5000 }, { type: 'command', data: Buffer.from('a2 NOOP') }]);
  });

  test('too many literals, or a command past its total size, is refused', () => {
    const five = 'a1 X {1+}\r\na {1+}\r\nb {1+}\r\nc {1+}\r\nd {1+}\r\ne\r\na2 NOOP\r\n';
    assert.deepEqual(frame(five).map((e) => e.type), ['literal-refused', 'command']);
    const framer = new CommandFramer({ ...limits, commandBytesMax: 1500 });
    const big = frame(`a1 X {900+}\r\n${'q'.repeat(900)} {900+}\r\n${'q'.repeat(900)}\r\na2 NOOP\r\n`, framer);
    assert.deepEqual(big.map((e) => e.type), ['literal-refused', 'command']);
  });

  test('reset forgets everything buffered (STARTTLS)', () => {
    const framer = new CommandFramer(limits);
    frame('a1 LOGIN {5}\r\nal', framer);
    framer.reset();
    assert.deepEqual(commands(frame('a2 NOOP\r\n', framer)), ['a2 NOOP']);
  });

  test('random input never throws and never makes a command over the limits', () => {
    fc.assert(
      fc.property(fc.array(fc.uint8Array({ maxLength: 300 }), { maxLength: 20 }), (chunks) => {
        const framer = new CommandFramer(limits);
        for (const chunk of chunks) {
          for (const e of framer.push(Buffer.from(chunk))) {
            if (e.type === 'command') assert.ok(e.data.length <= limits.commandBytesMax + limits.lineBytesMax);
          }
        }
      }),
      { numRuns: 300 },
    );
  });
});

describe('IMAP command parser', () => {
  test('atoms, quoted strings with escapes, literals and nested lists', () => {
    const r = parse('a1 STORE 1:3,5 +FLAGS.SILENT (\\Seen \\Flagged)');
    assert.ok(r.ok);
    assert.equal(r.name, 'STORE');
    assert.deepEqual(plain(r.args), ['1:3,5', '+FLAGS.SILENT', ['\\Seen', '\\Flagged']]);
    const q = parse('a2 LOGIN "al\\"ice" "pa\\\\ss word"');
    assert.ok(q.ok);
    assert.deepEqual(plain(q.args), ['"al"ice"', '"pa\\ss word"']);
    const l = parseCommand(Buffer.from('a3 LOGIN {5}\r\nalice {3+}\r\n) ('));
    assert.ok(l.ok);
    assert.deepEqual(plain(l.args), ['"alice"', '") ("']);
    const n = parse('a4 SEARCH OR (FROM bob SUBJECT "x y") NOT (SEEN)');
    assert.ok(n.ok);
    assert.deepEqual(plain(n.args), ['OR', ['FROM', 'bob', 'SUBJECT', '"x y"'], 'NOT', ['SEEN']]);
  });

  test('a FETCH section keeps its brackets whole, spaces and parentheses included', () => {
    const r = parse('a1 UID FETCH 1:* (UID BODY.PEEK[HEADER.FIELDS (FROM TO)]<0.100> BODY[1.2.MIME])');
    assert.ok(r.ok);
    assert.deepEqual(plain(r.args), ['FETCH', '1:*', ['UID', 'BODY.PEEK[HEADER.FIELDS (FROM TO)]<0.100>', 'BODY[1.2.MIME]']]);
  });

  test('malformed commands come back as errors naming the tag, never as exceptions', () => {
    const cases: Array<[string, string | null]> = [
      ['', null],
      ['a1', 'a1'],
      ['a1 ', 'a1'],
      ['* NOOP', null],
      ['a+b NOOP', null],
      ['a1 LOGIN "unterminated', 'a1'],
      ['a1 LOGIN "bad \\escape"', 'a1'],
      ['a1 SELECT (INBOX', 'a1'],
      ['a1 SELECT INBOX)', 'a1'],
      ['a1 SELECT  INBOX', 'a1'],
      ['a1 LOGIN {10}\r\nshort', 'a1'],
      ['a1 LOGIN {x}\r\nshort', 'a1'],
      ['a1 FETCH 1 BODY[HEADER', 'a1'],
      ['a1 123', 'a1'],
    ];
    for (const [text, tag] of cases) {
      const r = parseCommand(Buffer.from(text));
      assert.equal(r.ok, false, text);
      assert.equal(r.ok ? 'ok' : r.tag, tag, text);
    }
  });

  test('nesting and argument counts are limited', () => {
    const deep = parseCommand(Buffer.from('a1 X ' + '('.repeat(40) + ')'.repeat(40)));
    assert.ok(!deep.ok && /nested/.test(deep.message));
    const many = parseCommand(Buffer.from('a1 X ' + Array(3000).fill('a').join(' ')));
    assert.ok(!many.ok && /Too many/.test(many.message));
  });

  test('random bytes never make the parser throw', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), (bytes) => {
        parseCommand(Buffer.concat([Buffer.from('t1 '), Buffer.from(bytes)]));
      }),
      { numRuns: 1000 },
    );
    fc.assert(
      fc.property(fc.array(fc.constantFrom('(', ')', '"', '\\', '{', '}', '[', ']', ' ', 'a', '1', '+', '\r\n', '*', ':'), { maxLength: 60 }), (parts) => {
        parseCommand(Buffer.from('t1 ' + parts.join('')));
      }),
      { numRuns: 1000 },
    );
  });
});

describe('sequence sets', () => {
  test('numbers, ranges in either order and "*"', () => {
    assert.deepEqual(parseSequenceSet('1:3,7,9:*'), [
      [1, 3],
      [7, 7],
      [9, Infinity],
    ]);
    assert.deepEqual(parseSequenceSet('5:2'), [[2, 5]]);
    const set = parseSequenceSet('*:4') as Array<[number, number]>;
    assert.ok(inSequenceSet(set, 4, 10));
    assert.ok(inSequenceSet(set, 10, 10));
    assert.ok(!inSequenceSet(set, 3, 10));
    // "*" is the largest number in use, so "*:4" on a 2-message folder is 2:4.
    assert.ok(inSequenceSet(set, 2, 2));
  });

  test('anything else is not a set', () => {
    for (const bad of ['', '0', '1:', ':2', '1,,2', 'a', '1:2:3', '01', '4294967296', '$', '-1']) assert.equal(parseSequenceSet(bad), undefined, bad);
  });
});
