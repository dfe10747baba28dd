// The mailbox API the webmail uses (cluster/model/mail/mailbox-store.ts) against a real cluster:
// pages, flags, small messages inline in their index value, deletion down to the chunks, and
// concurrent writers.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { decodeIndexValue, indexColumn, indexRow, messageRow } from '../../cluster/model/mail/mailbox.ts';
import { MailboxStore } from '../../cluster/model/mail/mailbox-store.ts';
import { startCluster, type TestCluster } from '../../scripts/lib/cluster.ts';
import { rfc822 } from './mail-system.ts';

describe('mailbox store', () => {
  let cluster: TestCluster;
  let mailbox: MailboxStore;
  before(async () => {
    cluster = await startCluster({ groups: 1, replicas: 3 });
    mailbox = new MailboxStore(cluster.client, 4096);
  });
  after(async () => cluster?.close());

  const raw = (subject: string, body = 'text') => Buffer.from(rfc822({ From: 'a@example.org', To: 'pat@localhost', Subject: subject }, body));

  test('pages run newest first and stay stable while mail arrives', async () => {
    for (let i = 0; i < 7; i++) await mailbox.store('pat', 'inbox', raw(`m${i}`), { unread: true, receivedAt: new Date(1_000_000 + i) });
    const p1 = await mailbox.page('pat', 'inbox', { limit: 3 });
    assert.deepEqual(p1.messages.map((m) => m.subject), ['m6', 'm5', 'm4']);
    assert.equal(p1.total, 7);
    await mailbox.store('pat', 'inbox', raw('newer'), { unread: true });
    const p2 = await mailbox.page('pat', 'inbox', { before: p1.next!, limit: 3 });
    assert.deepEqual(p2.messages.map((m) => m.subject), ['m3', 'm2', 'm1']);
    const p3 = await mailbox.page('pat', 'inbox', { before: p2.next!, limit: 3 });
    assert.deepEqual(p3.messages.map((m) => m.subject), ['m0']);
    assert.equal(p3.next, null);
    assert.deepEqual(await mailbox.page('pat', 'sent', { limit: 3 }), { messages: [], next: null, total: 0 });
  });

  test('unread flags change with CPut; concurrent changes of different messages all stick', async () => {
    const ids = (await mailbox.list('pat', 'inbox')).map((m) => m.id);
    await Promise.all(ids.map((id) => mailbox.setUnread('pat', 'inbox', id, false)));
    assert.ok((await mailbox.list('pat', 'inbox')).every((m) => !m.unread));
    assert.equal(await mailbox.setUnread('pat', 'inbox', ids[0]!, true), true);
    assert.equal((await mailbox.summary('pat', 'inbox', ids[0]!))?.unread, true);
    assert.equal(await mailbox.setUnread('pat', 'inbox', '000000000-0000000000000000', false), false);
  });

  test('a small message is one value, inline in its index column: flags keep its bytes, remove leaves nothing', async () => {
    const s = await mailbox.store('rita', 'inbox', raw('small', 'short\n.dotted'), { unread: true });
    assert.equal(s.chunks, 0);
    assert.deepEqual(await cluster.client.listColumns(messageRow('rita', s.id)), []);
    const value = await cluster.client.get(indexRow('rita'), indexColumn('inbox', s.id));
    assert.equal(decodeIndexValue(value!)?.inlineRaw?.length, s.size);
    const read = await mailbox.read('rita', 'inbox', s.id);
    assert.equal(read?.raw.toString(), 'From: a@example.org\r\nTo: pat@localhost\r\nSubject: small\r\n\r\nshort\r\n.dotted\r\n');
    assert.deepEqual(await mailbox.readRaw('rita', s), read.raw);
    assert.equal(await mailbox.setUnread('rita', 'inbox', s.id, false), true);
    const seen = { ...s, unread: false, flags: ['\\Seen' as const] };
    assert.deepEqual(await mailbox.read('rita', 'inbox', s.id), { summary: seen, raw: read.raw });
    assert.deepEqual((await mailbox.page('rita', 'inbox', { limit: 5 })).messages, [seen]);
    assert.equal(await mailbox.remove('rita', 'inbox', s.id), true);
    assert.equal(await mailbox.read('rita', 'inbox', s.id), undefined);
    assert.equal(await mailbox.readRaw('rita', s), undefined);
    assert.deepEqual(await cluster.client.listColumns(indexRow('rita')), []);
  });

  test('a large message is chunked; remove takes the index entry and every chunk', async () => {
    const body = 'line of text that repeats\n'.repeat(1000);
    const s = await mailbox.store('pat', 'sent', raw('large', body), { unread: false });
    assert.ok(s.chunks >= 6, `${s.chunks} chunks`);
    assert.equal((await cluster.client.listColumns(messageRow('pat', s.id))).length, s.chunks);
    const read = await mailbox.read('pat', 'sent', s.id);
    assert.equal(read?.raw.length, s.size);
    assert.ok(read!.raw.toString().includes('line of text that repeats\r\nline of text'));
    assert.equal(await mailbox.remove('pat', 'sent', s.id), true);
    assert.equal(await mailbox.remove('pat', 'sent', s.id), false);
    assert.equal(await mailbox.read('pat', 'sent', s.id), undefined);
    assert.deepEqual(await cluster.client.listColumns(messageRow('pat', s.id)), []);
  });

  test('50 concurrent stores into one mailbox from two writers: every entry is there', async () => {
    const other = new MailboxStore(cluster.client, 4096);
    await Promise.all(Array.from({ length: 50 }, (_, i) => (i % 2 ? mailbox : other).store('quinn', 'inbox', raw(`c${i}`), { unread: true })));
    const subjects = new Set((await mailbox.list('quinn', 'inbox')).map((m) => m.subject));
    assert.equal(subjects.size, 50);
    const columns = await cluster.client.listColumns(indexRow('quinn'));
    assert.equal(columns.length, 50);
    // Each value is a summary and its (inline, ~90-byte) message.
    assert.ok(columns.every((c) => c.size < 2048), 'index values stay small');
  });
});
