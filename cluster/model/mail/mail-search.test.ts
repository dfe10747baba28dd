// Mail search over an in-memory stand-in for ClusterClient.readColumns (sorted columns, pages
// cut at the byte budget): decoded text (quoted-printable, base64, charsets, HTML, encoded
// words), case-insensitive Unicode matching, newest first with `more`, the byte budget, and
// IMAP's per-field matching by UID. The real cluster runs in tests/mail/imap-protocol.test.ts.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { ClusterClient } from '../../kvs/cluster-client.ts';
import { MailSearch, searchTerms } from './mail-search.ts';
import { headerText, messageBodyText } from './message-body-text.ts';
import { encodeIndexValue, indexColumn, indexRow, type MessageSummary } from './mailbox.ts';
import { newMessageId } from './message-id.ts';
import { parseMessage, summarize } from './message-summary.ts';

class Columns {
  readonly cells = new Map<string, Buffer>();
  calls = 0;
  async readColumns(_row: string, o: { after?: string; prefix?: string; bytesMax?: number }) {
    this.calls++;
    const names = [...this.cells.keys()].filter((n) => n > (o.after ?? '') && n.startsWith(o.prefix ?? '')).sort();
    const columns: { name: string; size: number; value: Buffer }[] = [];
    let bytes = 0;
    for (const name of names) {
      const value = this.cells.get(name) as Buffer;
      if (bytes + name.length + value.length > (o.bytesMax ?? Infinity)) return { columns, more: true };
      columns.push({ name, size: value.length, value });
      bytes += name.length + value.length;
    }
    return { columns, more: false };
  }
}

let seq = 0;
function put(store: Columns, folder: string, fields: Partial<MessageSummary>, raw?: string): MessageSummary {
  seq++;
  const id = newMessageId(1_700_000_000_000 + seq * 1000, seq.toString(16).padStart(16, '0'));
  const bytes = raw === undefined ? undefined : Buffer.from(raw);
  const summary: MessageSummary = {
    id,
    folder,
    from: 'Someone <someone@example.org>',
    to: ['ann@localhost'],
    cc: [],
    subject: 'hello',
    date: new Date().toISOString(),
    receivedAt: new Date().toISOString(),
    size: bytes?.length ?? 40_000,
    hasAttachments: false,
    unread: true,
    uid: seq,
    flags: [],
    snippet: '',
    messageId: '',
    chunks: bytes ? 0 : 3,
    ...fields,
  };
  store.cells.set(indexColumn(folder, id), encodeIndexValue(summary, bytes));
  return summary;
}

const search = (store: Columns, pageBytes = 1 << 20, scanBytesMax = 1 << 30) => new MailSearch(store as unknown as ClusterClient, { pageBytes, scanBytesMax });

describe('mail search', () => {
  test('decodes quoted-printable, base64, charsets, HTML and encoded words; skips attachments', () => {
    const raw = [
      'Subject: =?iso-8859-1?Q?Gr=FC=DFe?= =?utf-8?B?' + Buffer.from(' aus Köln').toString('base64') + '?=',
      'Content-Type: multipart/mixed; boundary=x',
      '',
      '--x',
      'Content-Type: text/plain; charset=iso-8859-1',
      'Content-Transfer-Encoding: quoted-printable',
      '',
      'Sch=F6ne W=FC=',
      'nsche',
      '--x',
      'Content-Type: text/html; charset=utf-8',
      'Content-Transfer-Encoding: base64',
      '',
      Buffer.from('<p>Caf&#233; <b>bold</b> &amp; r&#233;sum&#xE9;</p><style>.x{}</style>').toString('base64'),
      '--x',
      'Content-Type: text/plain; name=secret.txt',
      'Content-Disposition: attachment',
      '',
      'attachment words',
      '--x--',
    ].join('\r\n');
    assert.match(headerText(Buffer.from(raw)), /Subject: Grüße aus Köln/);
    const text = messageBodyText(Buffer.from(raw));
    assert.match(text, /Schöne Wünsche/);
    assert.match(text, /Café bold & résumé/);
    assert.doesNotMatch(text, /attachment words|\.x\{\}/);
    assert.deepEqual(searchTerms('  Straße  ÜBER  '), ['straße', 'über']);
  });

  test('every term must match; newest first across folders; `more` when there are more', async () => {
    const store = new Columns();
    const old = put(store, 'inbox', { subject: 'Invoice March' }, 'Subject: x\r\n\r\nplease pay the ÜBERWEISUNG\r\n');
    put(store, 'inbox', { subject: 'lunch' }, 'Subject: y\r\n\r\nno money talk\r\n');
    const big = put(store, 'f1', { subject: 'big one', snippet: 'the überweisung is attached' });
    const newest = put(store, 'sent', { to: ['Invoicing Dept <billing@example.org>'] }, 'Subject: z\r\n\r\nÜberweisung sent\r\n');
    const found = await search(store).search('ann', 'überweisung', { limit: 10 });
    assert.deepEqual(found.messages.map((m) => m.id), [newest.id, big.id, old.id]);
    assert.equal(found.more, false);
    const both = await search(store).search('ann', 'INVOIC überweisung', { limit: 10 });
    assert.deepEqual(both.messages.map((m) => m.id), [newest.id, old.id]);
    const one = await search(store).search('ann', 'überweisung', { limit: 1 });
    assert.deepEqual({ ids: one.messages.map((m) => m.id), more: one.more }, { ids: [newest.id], more: true });
    const inFolder = await search(store).search('ann', 'überweisung', { folder: 'inbox', limit: 10 });
    assert.deepEqual(inFolder.messages.map((m) => m.id), [old.id]);
  });

  test('pages stay within the budget, and a search past its byte budget says so', async () => {
    const store = new Columns();
    for (let i = 0; i < 200; i++) put(store, 'inbox', { subject: `message ${i}` }, `Subject: m\r\n\r\n${'word '.repeat(200)}${i}\r\n`);
    const paged = await search(store, 64 * 1024).search('ann', 'message 19', { limit: 50 });
    // Both terms, anywhere: 19, 119 and 190–199.
    assert.equal(paged.messages.length, 12);
    assert.ok(store.calls > 3);
    const cut = await search(store, 64 * 1024, 100 * 1024).search('ann', 'message', { limit: 500 });
    assert.equal(cut.more, true);
    assert.ok(cut.messages.length < 200);
  });

  test('a chunked message with an attachment is found by a word of its body text, not of its attachment', async () => {
    const store = new Columns();
    const attachment = Buffer.alloc(40_000, 'attachmentword ').toString('base64').replace(/.{76}/g, '$&\r\n');
    const body = `Hi Ann,\r\n\r\n${'some words about the plan '.repeat(30)}the venue is Zanzibar.\r\n`;
    const raw = Buffer.from(
      ['Subject: plan', 'Content-Type: multipart/mixed; boundary=b', '', '--b', 'Content-Type: text/plain', '', body, '--b', 'Content-Type: application/pdf', 'Content-Disposition: attachment; filename=p.pdf', 'Content-Transfer-Encoding: base64', '', attachment, '--b--', ''].join('\r\n'),
    );
    const parsed = await parseMessage(raw, new Date(0));
    const { id, receivedAt, uid } = put(store, 'inbox', {});
    const summary = { ...summarize(parsed, { id, folder: 'inbox', size: raw.length, chunks: 2, receivedAt: new Date(receivedAt), unread: true }), uid };
    store.cells.set(indexColumn('inbox', id), encodeIndexValue(summary));
    const found = await search(store).search('ann', 'zanzibar plan', { limit: 10 });
    assert.deepEqual(found.messages.map((m) => m.id), [id]);
    // The answered summary is whole; the listing rows built from it leave the text out (mail-list.ts).
    assert.equal(found.messages[0]?.searchText, summary.searchText);
    assert.deepEqual((await search(store).search('ann', 'attachmentword', { limit: 10 })).messages, []);
    assert.deepEqual([...((await search(store).matchingUids('ann', 'inbox', 'body', 'ZANZIBAR', new Set([uid as number]))) ?? [])], [uid]);
    // A scan hands the text apart from the summary, so a listing that keeps summaries does not keep it.
    const seen: (string | undefined)[] = [];
    await search(store).scan('ann', 'inbox', (e) => seen.push(e.summary.searchText ?? e.searchText?.slice(0, 8)));
    assert.deepEqual(seen, ['Hi Ann, ']);
  });

  test('IMAP fields match by UID among the ones asked for', async () => {
    const store = new Columns();
    const a = put(store, 'inbox', { from: 'Zoë <zoe@example.org>', cc: ['Boss <boss@example.org>'] }, 'Subject: a\r\nX-Tag: needle\r\n\r\nplain body\r\n');
    const b = put(store, 'inbox', { subject: 'Needle in subject' }, 'Subject: b\r\n\r\nhaystack\r\n');
    const all = new Set([a.uid as number, b.uid as number]);
    const s = search(store);
    assert.deepEqual([...((await s.matchingUids('ann', 'inbox', 'from', 'ZOË', all)) ?? [])], [a.uid]);
    assert.deepEqual([...((await s.matchingUids('ann', 'inbox', 'cc', 'boss', all)) ?? [])], [a.uid]);
    assert.deepEqual([...((await s.matchingUids('ann', 'inbox', 'text', 'needle', all)) ?? [])].sort(), [a.uid, b.uid]);
    assert.deepEqual([...((await s.matchingUids('ann', 'inbox', 'body', 'needle', all)) ?? [])], []);
    assert.deepEqual([...((await s.matchingUids('ann', 'inbox', 'subject', 'needle', new Set([a.uid as number]))) ?? [])], []);
    assert.equal(indexRow('ann'), 'ann#mail');
  });
});
