import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import {
  chunkColumn,
  decodeIndexValue,
  decodeSummary,
  encodeIndexValue,
  encodeSummary,
  inlineBytesMax,
  storedInline,
  folderIds,
  indexColumn,
  pageOfIds,
  parseIndexColumn,
  splitChunks,
  summaryLimits,
  type MessageSummary,
} from './mailbox.ts';
import { isMessageId, messageIdTime, newMessageId } from './message-id.ts';
import { parseMessage, summarize } from './message-summary.ts';

const id = (ms: number, n = 0) => newMessageId(ms, n.toString(16).padStart(16, '0'));

describe('mailbox layout', () => {
  test('ids are valid POP3 unique-ids, sort by arrival and carry their time', () => {
    const a = id(1_700_000_000_000, 5);
    assert.ok(isMessageId(a));
    assert.ok(a.length <= 70 && /^[\x21-\x7e]+$/.test(a));
    assert.equal(messageIdTime(a), 1_700_000_000_000);
    assert.ok(id(1000) < id(1001) && id(99_999) < id(100_000));
    assert.throws(() => newMessageId(1, 'xyz'));
  });

  test('index columns name a folder and an id; anything else is ignored', () => {
    const i = id(5);
    assert.deepEqual(parseIndexColumn(indexColumn('sent', i)), { folder: 'sent', id: i });
    assert.deepEqual(parseIndexColumn('trash/' + i), { folder: 'trash', id: i });
    assert.deepEqual(parseIndexColumn('f1z/' + i), { folder: 'f1z', id: i });
    assert.equal(parseIndexColumn('spam/' + i), undefined);
    assert.equal(parseIndexColumn('inbox/not-an-id'), undefined);
    assert.equal(parseIndexColumn('c/000001'), undefined);
    assert.deepEqual(folderIds([indexColumn('inbox', id(3)), indexColumn('sent', id(2)), indexColumn('inbox', id(1)), 'junk', 'c/000001'], 'inbox'), [id(1), id(3)]);
    assert.equal(chunkColumn(7), 'c/000007');
  });

  test('splitChunks covers the message exactly, in chunks of at most chunkBytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 5000 }), fc.integer({ min: 1, max: 700 }), (bytes, size) => {
        const buf = Buffer.from(bytes);
        const chunks = splitChunks(buf, size);
        assert.ok(chunks.length >= 1 && chunks.every((c) => c.length <= size));
        assert.deepEqual(Buffer.concat(chunks), buf);
      }),
    );
  });

  test('pages run newest first, keyed by id, and end with next = null', () => {
    const ids = Array.from({ length: 7 }, (_, i) => id(1000 + i));
    const p1 = pageOfIds(ids, { limit: 3 });
    assert.deepEqual(p1.ids, [ids[6], ids[5], ids[4]]);
    assert.equal(p1.total, 7);
    const p2 = pageOfIds(ids, { before: p1.next!, limit: 3 });
    assert.deepEqual(p2.ids, [ids[3], ids[2], ids[1]]);
    const p3 = pageOfIds(ids, { before: p2.next!, limit: 3 });
    assert.deepEqual(p3, { ids: [ids[0]], next: null, total: 7 });
    // A message arriving between pages does not shift the next page.
    const grown = [...ids, id(2000)];
    assert.deepEqual(pageOfIds(grown, { before: p1.next!, limit: 3 }).ids, p2.ids);
    assert.deepEqual(pageOfIds([], { limit: 5 }), { ids: [], next: null, total: 0 });
  });

  test('summaries round-trip; stored garbage decodes to undefined, never throws', () => {
    const s = summaryOf(10, 1);
    assert.deepEqual(decodeSummary(encodeSummary(s)), s);
    assert.equal(decodeSummary(Buffer.from('{')), undefined);
    assert.equal(decodeSummary(Buffer.from('{"id":"x"}')), undefined);
    assert.throws(() => encodeSummary({ ...s, subject: 'x'.repeat(summaryLimits.textChars + 1) }));
  });

  test('an inline message rides after its summary; its bytes may hold anything, line feeds too', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 3000 }), fc.string({ maxLength: 50 }), (bytes, subject) => {
        const raw = Buffer.from(bytes);
        const s = { ...summaryOf(raw.length, 0), subject };
        const value = encodeIndexValue(s, raw);
        const decoded = decodeIndexValue(value);
        assert.deepEqual(decoded?.summary, s);
        assert.deepEqual(decoded?.inlineRaw, raw);
        assert.deepEqual(decodeSummary(value), s);
      }),
    );
    // A chunked message's value is the summary alone, as every index value was before inlining.
    const chunked = summaryOf(100_000, 7);
    assert.deepEqual(decodeIndexValue(encodeIndexValue(chunked)), { summary: chunked, inlineRaw: undefined });
    // The bytes must match the summary: a cut value, or bytes where chunks say there are none, is not an index value.
    const raw = Buffer.from('Subject: x\r\n\r\nbody\r\n');
    const whole = encodeIndexValue(summaryOf(raw.length, 0), raw);
    assert.equal(decodeIndexValue(whole.subarray(0, whole.length - 1)), undefined);
    assert.equal(decodeIndexValue(Buffer.concat([encodeIndexValue(summaryOf(raw.length, 1)), Buffer.from('\n'), raw])), undefined);
    assert.equal(decodeIndexValue(encodeSummary(chunked).subarray(0, 20)), undefined);
    assert.throws(() => encodeIndexValue(summaryOf(raw.length, 0)));
    assert.throws(() => encodeIndexValue(summaryOf(raw.length, 1), raw));
  });

  test('a message is inline up to inlineBytesMax, and never past the chunk size', () => {
    assert.ok(storedInline(inlineBytesMax, 1024 * 1024));
    assert.ok(!storedInline(inlineBytesMax + 1, 1024 * 1024));
    assert.ok(storedInline(4096, 4096) && !storedInline(4097, 4096));
    assert.ok(storedInline(0, 1024));
  });
});

function summaryOf(size: number, chunks: number): MessageSummary {
  return {
    id: id(1),
    folder: 'inbox',
    from: 'A <a@b>',
    to: ['b@c'],
    cc: [],
    subject: 'hi',
    date: new Date(0).toISOString(),
    receivedAt: new Date(1).toISOString(),
    size,
    hasAttachments: false,
    unread: true,
    messageId: '<x@y>',
    chunks,
  };
}

describe('message summary', () => {
  test('from, to, cc, subject, date and attachments come from the message', async () => {
    const raw = Buffer.from(
      [
        'From: "Alice A." <alice@localhost>',
        'To: bob@localhost, Carol <carol@example.com>',
        'Cc: team: dave@localhost, erin@localhost;',
        'Subject: =?UTF-8?Q?caf=C3=A9?=',
        'Date: Tue, 1 Dec 2026 10:00:00 +0100',
        'Message-ID: <m1@localhost>',
        'MIME-Version: 1.0',
        'Content-Type: multipart/mixed; boundary=b',
        '',
        '--b',
        'Content-Type: text/plain',
        '',
        'body',
        '--b',
        'Content-Type: application/pdf; name=x.pdf',
        'Content-Disposition: attachment; filename=x.pdf',
        'Content-Transfer-Encoding: base64',
        '',
        'AAEC',
        '--b--',
        '',
      ].join('\r\n'),
    );
    const parsed = await parseMessage(raw, new Date(0));
    assert.deepEqual(parsed, {
      from: 'Alice A. <alice@localhost>',
      to: ['bob@localhost', 'Carol <carol@example.com>'],
      cc: ['dave@localhost', 'erin@localhost'],
      subject: 'café',
      date: '2026-12-01T09:00:00.000Z',
      hasAttachments: true,
      messageId: '<m1@localhost>',
      snippet: 'body',
    });
    const s = summarize(parsed, { id: id(9), folder: 'inbox', size: raw.length, chunks: 1, receivedAt: new Date(9), unread: true });
    assert.equal(decodeSummary(encodeSummary(s))?.subject, 'café');
  });

  test('single-part messages: plain text and HTML have no attachments; a part marked attachment or not text is one', async () => {
    const head = 'From: =?UTF-8?Q?Z=C3=B6e?= <zoe@example.org>\r\nTo: a@b.test,\r\n c@d.test\r\nSubject: =?UTF-8?B?w6l0w6k=?=\r\nDate: Tue, 1 Dec 2026 10:00:00 +0000\r\nMessage-ID: <s1@x>\r\n';
    const common = { from: 'Zöe <zoe@example.org>', to: ['a@b.test', 'c@d.test'], cc: [], subject: 'été', date: '2026-12-01T10:00:00.000Z', messageId: '<s1@x>' };
    // The snippet is the text body's start; a body that is an attachment has none.
    const cases: [string, boolean, string][] = [
      ['\r\nhello\r\n', false, 'hello'],
      ['Content-Type: text/plain; charset=utf-8\r\n\r\nhello\r\n', false, 'hello'],
      ['Content-Type:\r\n text/HTML\r\n\r\n<p>hello</p>\r\n', false, 'hello'],
      ['Content-Type: text/plain\r\nContent-Disposition: attachment; filename=a.txt\r\n\r\nhello\r\n', true, ''],
      ['Content-Type: application/pdf\r\nContent-Transfer-Encoding: base64\r\n\r\nAAEC\r\n', true, ''],
      ['Content-Type: text/calendar\r\n\r\nBEGIN:VCALENDAR\r\n', true, ''],
    ];
    for (const [rest, hasAttachments, snippet] of cases) {
      assert.deepEqual(await parseMessage(Buffer.from(head + rest), new Date(0)), { ...common, hasAttachments, snippet }, rest);
    }
    const long = await parseMessage(Buffer.from(head + 'Content-Transfer-Encoding: quoted-printable\r\n\r\nh=C3=A9llo   world\r\n\r\n' + 'x'.repeat(3000)), new Date(0));
    assert.equal(long.snippet?.length, summaryLimits.snippetChars);
    assert.ok(long.snippet?.startsWith('héllo world xxx'));
  });

  test('a message without headers or with a bad date still gets a summary', async () => {
    const arrival = new Date(1234);
    assert.deepEqual(await parseMessage(Buffer.from('just text'), arrival), {
      from: '',
      to: [],
      cc: [],
      subject: '',
      date: arrival.toISOString(),
      hasAttachments: false,
      messageId: '',
      snippet: '',
    });
    const bad = await parseMessage(Buffer.from('Date: yesterday-ish\r\nSubject: ' + 'long '.repeat(400) + '\r\n\r\nx'), arrival);
    assert.equal(bad.date, arrival.toISOString());
    assert.ok(bad.subject.length <= summaryLimits.textChars);
  });
});
