import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { encode, imapDateTime, parseDate, parseDateTime, raw, type Value } from './encode.ts';
import { fetchValues, parseFetchItems } from './fetch.ts';
import { decodeWords, parseMime } from './mime.ts';
import { MessageText } from './search.ts';
import { parseCommand } from './parser.ts';
import type { MessageMeta } from './ports.ts';
import { bodyStructure, envelope } from './structure.ts';

const crlf = (s: string) => Buffer.from(s.replace(/\r?\n/g, '\r\n'), 'utf8');

const mixed = crlf(`From: "Smith, Ann" <ann@example.org>
To: bob@example.com, Undisclosed: ;, "Carl" <carl@example.net>
Cc: =?UTF-8?B?SsO2cmc=?= <joerg@example.de>
Subject: =?UTF-8?Q?Quarterly_r=C3=A9port?=
Date: Fri, 04 Dec 2026 09:30:00 +0100
Message-ID: <q4@example.org>
MIME-Version: 1.0
Content-Type: multipart/mixed; boundary="outer"

This is a MIME message.
--outer
Content-Type: multipart/alternative; boundary=inner

--inner
Content-Type: text/plain; charset=utf-8
Content-Transfer-Encoding: 8bit

Numbers are up. Grüße
--inner
Content-Type: text/html; charset=utf-8

<p>Numbers are up.</p>
--inner--
--outer
Content-Type: application/pdf; name="report.pdf"
Content-Disposition: attachment; filename="report.pdf"
Content-Transfer-Encoding: base64

JVBERi0xLjQK
--outer
Content-Type: message/rfc822

From: carl@example.net
Subject: Earlier note

Inner body
--outer--
Epilogue.
`);

function encoded(v: Value): string {
  const b = encode([v]);
  return b.subarray(0, b.length - 2).toString('utf8');
}

describe('response encoding', () => {
  test('short printable text is quoted with escapes; anything else is a literal of its octets', () => {
    assert.equal(encoded('plain'), '"plain"');
    assert.equal(encoded('say "hi" \\ bye'), '"say \\"hi\\" \\\\ bye"');
    assert.equal(encoded('two\r\nlines'), '{10}\r\ntwo\r\nlines');
    assert.equal(encoded('Grüße'), '{7}\r\nGrüße');
    assert.equal(encoded('nul\0'), '{4}\r\nnul\0');
    assert.equal(encoded('x'.repeat(2000)).slice(0, 8), '{2000}\r\n');
    assert.equal(encoded(null), 'NIL');
    assert.equal(encoded([raw('FLAGS'), [raw('\\Seen')], 12, Buffer.from('ab')]), '(FLAGS (\\Seen) 12 {2}\r\nab)');
  });

  test('every string survives the round trip through the parser, whatever it holds', () => {
    for (const s of ['', 'a b', '"', '\\', ')(', '{5}', 'x\r\ny', 'ünï', '\t', '*']) {
      const line = Buffer.concat([Buffer.from('t1 LOGIN '), encode([s]).subarray(0, -2), Buffer.from(' x')]);
      const parsed = parseCommand(line);
      assert.ok(parsed.ok, JSON.stringify(s));
      const first = parsed.args[0];
      assert.ok(first && first.kind === 'string');
      assert.equal(first.value.toString('utf8'), s);
    }
  });

  test('dates: INTERNALDATE out, APPEND date-time and SEARCH dates in', () => {
    assert.equal(imapDateTime(new Date('2026-03-05T07:08:09Z')), ' 5-Mar-2026 07:08:09 +0000');
    assert.equal(parseDateTime('05-Mar-2026 09:08:09 +0200')?.toISOString(), '2026-03-05T07:08:09.000Z');
    assert.equal(parseDateTime(' 5-Mar-2026 07:08:09 +0000')?.toISOString(), '2026-03-05T07:08:09.000Z');
    assert.equal(parseDateTime('5-Foo-2026 07:08:09 +0000'), undefined);
    assert.equal(parseDate('1-Feb-2026'), Date.UTC(2026, 1, 1));
    assert.equal(parseDate('2026-02-01'), undefined);
  });
});

describe('MIME structure, BODYSTRUCTURE and ENVELOPE', () => {
  test('multipart/mixed with an alternative, an attachment and a forwarded message', () => {
    const root = parseMime(mixed);
    assert.equal(root.type, 'multipart');
    assert.deepEqual(
      root.children.map((c) => `${c.type}/${c.subtype}`),
      ['multipart/alternative', 'application/pdf', 'message/rfc822'],
    );
    const structure = encoded(bodyStructure(mixed, root, true));
    assert.equal(
      structure,
      '((("TEXT" "PLAIN" ("CHARSET" "utf-8") NIL NIL "8BIT" 23 1 NIL NIL NIL NIL)' +
        '("TEXT" "HTML" ("CHARSET" "utf-8") NIL NIL "7BIT" 22 1 NIL NIL NIL NIL) "ALTERNATIVE" ("BOUNDARY" "inner") NIL NIL NIL)' +
        '("APPLICATION" "PDF" ("NAME" "report.pdf") NIL NIL "BASE64" 12 NIL ("ATTACHMENT" ("FILENAME" "report.pdf")) NIL NIL)' +
        '("MESSAGE" "RFC822" NIL NIL NIL "7BIT" 59 (NIL "Earlier note" ((NIL NIL "carl" "example.net")) ((NIL NIL "carl" "example.net")) ((NIL NIL "carl" "example.net")) NIL NIL NIL NIL NIL)' +
        ' ("TEXT" "PLAIN" ("CHARSET" "us-ascii") NIL NIL "7BIT" 10 1 NIL NIL NIL NIL) 4 NIL NIL NIL NIL)' +
        ' "MIXED" ("BOUNDARY" "outer") NIL NIL NIL)',
    );
    // BODY is the same without extension data.
    assert.match(encoded(bodyStructure(mixed, root, false)), /^\(\(\("TEXT" "PLAIN" \("CHARSET" "utf-8"\) NIL NIL "8BIT" 23 1\)/);
  });

  test('ENVELOPE keeps header values as sent, splits addresses and marks groups', () => {
    const root = parseMime(mixed);
    assert.equal(
      encoded(envelope(root.headers)),
      '("Fri, 04 Dec 2026 09:30:00 +0100" "=?UTF-8?Q?Quarterly_r=C3=A9port?=" (("Smith, Ann" NIL "ann" "example.org")) (("Smith, Ann" NIL "ann" "example.org")) (("Smith, Ann" NIL "ann" "example.org"))' +
        ' ((NIL NIL "bob" "example.com")(NIL NIL "Undisclosed" NIL)(NIL NIL NIL NIL)("Carl" NIL "carl" "example.net"))' +
        ' (("=?UTF-8?B?SsO2cmc=?=" NIL "joerg" "example.de")) NIL NIL "<q4@example.org>")',
    );
  });

  test('encoded words decode for searching, across charsets', () => {
    assert.equal(decodeWords('=?UTF-8?Q?Quarterly_r=C3=A9port?='), 'Quarterly réport');
    assert.equal(decodeWords('=?ISO-8859-1?Q?caf=E9?= =?UTF-8?B?w6k=?='), 'caféé');
    assert.equal(decodeWords('=?unknown-charset?Q?abc?='), 'abc');
  });

  test('BODY[] sections: parts by number, MIME headers, HEADER.FIELDS, TEXT of a message part, partials', () => {
    const meta: MessageMeta = { uid: 9, flags: ['\\Seen'], size: mixed.length, internalDate: new Date('2026-12-04T08:30:00Z') };
    const fetch = (items: string) => {
      const command = parseCommand(Buffer.from(`t FETCH 1 ${items}`));
      assert.ok(command.ok, items);
      const parsed = parseFetchItems(command.args[1]);
      assert.ok(parsed.ok, items);
      return encoded(fetchValues(parsed.items, meta, mixed, false));
    };
    assert.equal(fetch('BODY.PEEK[1.1]'), '(BODY[1.1] {23}\r\nNumbers are up. Grüße)');
    assert.equal(fetch('BODY.PEEK[2.MIME]'), '(BODY[2.MIME] {143}\r\nContent-Type: application/pdf; name="report.pdf"\r\nContent-Disposition: attachment; filename="report.pdf"\r\nContent-Transfer-Encoding: base64\r\n\r\n)');
    assert.equal(fetch('BODY.PEEK[3.HEADER.FIELDS (SUBJECT)]'), '(BODY[3.HEADER.FIELDS (SUBJECT)] {25}\r\nSubject: Earlier note\r\n\r\n)');
    assert.equal(fetch('BODY.PEEK[3.TEXT]'), '(BODY[3.TEXT] {10}\r\nInner body)');
    assert.equal(fetch('BODY.PEEK[3.1]'), '(BODY[3.1] {10}\r\nInner body)');
    assert.equal(fetch('BODY.PEEK[HEADER.FIELDS.NOT (FROM TO CC SUBJECT DATE MESSAGE-ID MIME-VERSION)]'), '(BODY[HEADER.FIELDS.NOT (FROM TO CC SUBJECT DATE MESSAGE-ID MIME-VERSION)] {51}\r\nContent-Type: multipart/mixed; boundary="outer"\r\n\r\n)');
    assert.equal(fetch('BODY.PEEK[TEXT]<0.23>'), '(BODY[TEXT]<0> {23}\r\nThis is a MIME message.)');
    assert.equal(fetch('BODY.PEEK[9]'), '(BODY[9] {0}\r\n)');
    assert.equal(fetch('(UID RFC822.SIZE FLAGS)'), `(UID 9 RFC822.SIZE ${mixed.length} FLAGS (\\Seen))`);
    assert.match(fetch('BODY[]'), new RegExp(`^\\(BODY\\[\\] \\{${mixed.length}\\}\\r\\nFrom:`));
  });

  test('a single-part 8-bit message: part 1 is its body; a missing boundary ends at the parent', () => {
    const single = crlf('Subject: Grüße\nContent-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: 8bit\n\nHallo Welt, schöne Grüße\nZweite Zeile\n');
    const root = parseMime(single);
    assert.equal(encoded(bodyStructure(single, root, false)), '("TEXT" "PLAIN" ("CHARSET" "utf-8") NIL NIL "8BIT" 43 2)');
    assert.equal(encoded(envelope(root.headers)).split(' ')[1], '{7}\r\nGrüße');
    const broken = crlf('Content-Type: multipart/mixed; boundary=b\n\n--b\nContent-Type: text/plain\n\nno end\n');
    const b = parseMime(broken);
    assert.equal(b.children.length, 1);
    assert.equal(broken.subarray((b.children[0] as { bodyStart: number }).bodyStart).toString(), 'no end\r\n');
  });

  test('bad FETCH items are refused', () => {
    for (const items of ['BODY[FOO]', 'BODY[1.]', 'BODY[MIME]', 'BODY[HEADER.FIELDS]', 'NONSENSE', '(FLAGS "x")']) {
      const parsed = parseCommand(Buffer.from(`t FETCH 1 ${items}`));
      assert.ok(parsed.ok);
      assert.equal(parseFetchItems(parsed.args[1]).ok, false, items);
    }
  });

  test('random and mangled messages never make the parsers throw, and every part lies inside the message', () => {
    const pieces = ['\r\n', '\n', '--b', '--b--', 'Content-Type: multipart/mixed; boundary=b', 'Content-Type: message/rfc822', 'Content-Type: text/plain', 'From: "a" <x@y>, ;:<>', ' folded', ': ', '=?UTF-8?B?w6k=?=', 'Subject: x', 'Content-Transfer-Encoding: base64', '\0\xff'];
    const check = (raw: Buffer) => {
      const root = parseMime(raw);
      const walk = (p: typeof root): void => {
        assert.ok(p.start <= p.bodyStart && p.bodyStart <= p.end && p.end <= raw.length);
        p.children.forEach(walk);
        if (p.message) walk(p.message);
      };
      walk(root);
      encode([bodyStructure(raw, root, true), envelope(root.headers)]);
      const text = new MessageText(raw);
      text.matches({ key: 'text', value: 'x' }, null);
      text.matches({ key: 'from', value: 'x' }, null);
    };
    fc.assert(fc.property(fc.array(fc.constantFrom(...pieces), { maxLength: 60 }), (parts) => check(Buffer.from(parts.join(''), 'latin1'))), { numRuns: 500 });
    fc.assert(fc.property(fc.uint8Array({ maxLength: 400 }), (bytes) => check(Buffer.from(bytes))), { numRuns: 300 });
    // Flipping bytes of a real message.
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.nat(mixed.length - 1), fc.integer({ min: 0, max: 255 })), { maxLength: 20 }), (flips) => {
        const copy = Buffer.from(mixed);
        for (const [at, byte] of flips) copy[at] = byte;
        check(copy);
      }),
      { numRuns: 300 },
    );
  });

  test('nesting deeper than the limit is cut off, not followed', () => {
    let raw = 'Content-Type: text/plain\r\n\r\nbottom';
    for (let i = 0; i < 200; i++) raw = `Content-Type: message/rfc822\r\n\r\n${raw}`;
    const root = parseMime(Buffer.from(raw));
    let depth = 0;
    for (let p = root; p.message; p = p.message) depth++;
    assert.ok(depth <= 21);
    encode([bodyStructure(Buffer.from(raw), root, true)]);
  });
});
