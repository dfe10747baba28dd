// A larger message's search text (mailbox.ts searchTextBytesMax): the decoded start of its body
// text, attachments left out, within its bound in bytes of UTF-8; kept only for a message stored
// in chunks; and summaries written before it existed still read.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { decodeIndexValue, encodeIndexValue, inlineBytesMax, searchTextBytesMax, type MessageSummary } from './mailbox.ts';
import { newMessageId } from './message-id.ts';
import { cutUtf8, parseMessage, searchTextFromBytes, searchTextOf, summarize } from './message-summary.ts';

const fields = (size: number, chunks: number) => ({ id: newMessageId(1_700_000_000_000, '0123456789abcdef'), folder: 'inbox', size, chunks, receivedAt: new Date(0), unread: true });

/** A message with a quoted-printable text body and a base64 attachment of `attachmentBytes`. */
function withAttachment(body: string, attachmentBytes: number): Buffer {
  const attachment = Buffer.alloc(attachmentBytes, 'attachmentword ').toString('base64').replace(/.{76}/g, '$&\r\n');
  return Buffer.from(
    [
      'From: Ann <ann@localhost>',
      'Subject: the report',
      'Content-Type: multipart/mixed; boundary="b1"',
      '',
      '--b1',
      'Content-Type: text/plain; charset=utf-8',
      'Content-Transfer-Encoding: quoted-printable',
      '',
      body,
      '--b1',
      'Content-Type: application/octet-stream; name=data.bin',
      'Content-Disposition: attachment; filename=data.bin',
      'Content-Transfer-Encoding: base64',
      '',
      attachment,
      '--b1--',
      '',
    ].join('\r\n'),
  );
}

describe('search text of a larger message', () => {
  test('a chunked message with an attachment carries its decoded body text, not the attachment', async () => {
    const raw = withAttachment(`Hello,\r\n\r\n${'filler words here '.repeat(20)}the code word is caf=C3=A9-zanzibar.\r\n`, 30_000);
    assert.ok(raw.length > inlineBytesMax);
    const parsed = await parseMessage(raw, new Date(0));
    const summary = summarize(parsed, fields(raw.length, 2));
    assert.equal(summary.hasAttachments, true);
    assert.match(summary.searchText ?? '', /^Hello, filler words here .*the code word is café-zanzibar\.$/);
    assert.doesNotMatch(summary.searchText ?? '', /attachmentword/);
    // Past the snippet: only the search text holds it.
    assert.doesNotMatch(summary.snippet ?? '', /zanzibar/);
    assert.equal(decodeIndexValue(encodeIndexValue(summary))?.summary.searchText, summary.searchText);
  });

  test('of a plain and an HTML version, the plain one; HTML alone without its tags', () => {
    const pad = Buffer.alloc(20_000, 'QUJD').toString('latin1').replace(/.{76}/g, '$&\r\n');
    const message = (alternatives: string[]) =>
      Buffer.from(
        ['Content-Type: multipart/mixed; boundary=m', '', '--m', 'Content-Type: multipart/alternative; boundary=a', '', ...alternatives.flatMap((a) => ['--a', a]), '--a--', '--m', 'Content-Type: image/png', 'Content-Transfer-Encoding: base64', '', pad, '--m--', ''].join('\r\n'),
      );
    const html = 'Content-Type: text/html; charset=utf-8\r\n\r\n<html><style>p{}</style><p>Meet at <b>noon</b> &amp; bring&nbsp;maps</p></html>';
    assert.equal(searchTextOf(message(['Content-Type: text/plain\r\n\r\nMeet at noon & bring maps', html])), 'Meet at noon & bring maps');
    assert.equal(searchTextOf(message([html])), 'Meet at noon & bring maps');
  });

  test('an inline message has none: its raw follows the summary', async () => {
    const raw = withAttachment('small words', searchTextFromBytes);
    const parsed = await parseMessage(raw, new Date(0));
    assert.equal(parsed.searchText, 'small words');
    assert.equal(summarize(parsed, fields(raw.length, 0)).searchText, undefined);
    // A small message is not even decoded for one.
    assert.equal((await parseMessage(withAttachment('tiny', 100), new Date(0))).searchText, undefined);
  });

  test('the text is cut at searchTextBytesMax bytes of UTF-8, on a character boundary', async () => {
    const raw = withAttachment('=E2=82=AC '.repeat(20_000), 100);
    const text = searchTextOf(raw);
    assert.ok(Buffer.byteLength(text) <= searchTextBytesMax && Buffer.byteLength(text) > searchTextBytesMax - 4);
    assert.match(text, /^(€ )+€?$/u);
    const summary = summarize(await parseMessage(raw, new Date(0)), fields(raw.length, 3));
    assert.equal(summary.searchText, text);
    assert.equal(cutUtf8('aé😀', 3), 'aé');
    assert.equal(cutUtf8('aé😀', 6), 'aé');
    assert.equal(cutUtf8('aé😀', 7), 'aé😀');
  });

  test('the schema keeps the bound; a summary from before search texts still reads', () => {
    const base: MessageSummary = { ...summarize({ from: 'a@b', to: [], cc: [], subject: 's', date: new Date(0).toISOString(), hasAttachments: true, messageId: '', snippet: 'hi' }, fields(40_000, 1)) };
    const old = Buffer.from(JSON.stringify(base));
    assert.deepEqual(decodeIndexValue(old), { summary: base, inlineRaw: undefined });
    assert.throws(() => encodeIndexValue({ ...base, searchText: 'é'.repeat(searchTextBytesMax / 2 + 1) }));
    const tooLong = Buffer.from(JSON.stringify({ ...base, searchText: 'x'.repeat(searchTextBytesMax + 1) }));
    assert.equal(decodeIndexValue(tooLong), undefined);
  });
});
