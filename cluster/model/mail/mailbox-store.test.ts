// The mailbox store's logic over an in-memory stand-in for the ClusterClient (sorted columns,
// CPut, paged listing with a cap like the store's): listings by windows of arrival time, shared
// bodies and their references, usage counting. The real cluster runs in tests/mail and
// tests/abuse.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { ClusterClient } from '../../kvs/cluster-client.ts';
import { indexColumn, indexRow, refsRow, stateColumn, usageColumn, usageRow } from './mailbox.ts';
import { MailboxStore } from './mailbox-store.ts';
import { newMessageId } from './message-id.ts';

class MemoryStore {
  readonly rows = new Map<string, Map<string, Buffer>>();
  listCalls = 0;
  largestReply = 0;
  constructor(private readonly replyMax = 1000) {}
  private row(r: string) {
    let m = this.rows.get(r);
    if (!m) this.rows.set(r, (m = new Map()));
    return m;
  }
  async get(r: string, c: string) {
    return this.rows.get(r)?.get(c);
  }
  async put(r: string, c: string, v: Buffer | string) {
    this.row(r).set(c, Buffer.from(v));
  }
  async cput(r: string, c: string, expected: Buffer | null, v: Buffer | string) {
    const current = this.rows.get(r)?.get(c);
    if (expected === null ? current !== undefined : !current?.equals(expected)) return false;
    this.row(r).set(c, Buffer.from(v));
    return true;
  }
  fitsCPutAll() {
    return true;
  }
  async cputAll(cells: { row: string; column: string; expected: Buffer | null; value: Buffer }[]) {
    const holds = cells.every((c) => {
      const current = this.rows.get(c.row)?.get(c.column);
      return c.expected === null ? current === undefined : current?.equals(c.expected);
    });
    if (holds) for (const c of cells) this.row(c.row).set(c.column, Buffer.from(c.value));
    return { applied: holds, uncertain: false };
  }
  async delete(r: string, c: string) {
    return this.rows.get(r)?.delete(c) ?? false;
  }
  async listColumnsPage(r: string, page: { after?: string; prefix?: string; limit?: number } = {}) {
    this.listCalls++;
    const limit = Math.min(page.limit || this.replyMax, this.replyMax);
    const names = [...(this.rows.get(r)?.keys() ?? [])].filter((n) => n > (page.after ?? '') && n.startsWith(page.prefix ?? '')).sort();
    const columns = names.slice(0, limit).map((name) => ({ name, size: this.rows.get(r)!.get(name)!.length }));
    this.largestReply = Math.max(this.largestReply, columns.length);
    return { columns, more: names.length > limit };
  }
}

const raw = (subject: string, body = 'hello') => Buffer.from(`From: a@example.org\r\nSubject: ${subject}\r\n\r\n${body}\r\n`);
const hex = (n: number) => n.toString(16).padStart(16, '0');

function setup(replyMax?: number) {
  const memory = new MemoryStore(replyMax);
  const mailbox = new MailboxStore(memory as unknown as ClusterClient, 1024);
  return { memory, mailbox };
}

/** Index entries written straight into the store, at these arrival times. */
async function seed(memory: MemoryStore, mailbox: MailboxStore, user: string, times: number[]): Promise<string[]> {
  const template = await mailbox.store(user, 'inbox', raw('template'), { unread: true });
  const value = (await memory.get(indexRow(user), indexColumn('inbox', template.id)))!;
  await memory.delete(indexRow(user), indexColumn('inbox', template.id));
  const ids = times.map((t, i) => newMessageId(t, hex(i + 1)));
  for (const id of ids) await memory.put(indexRow(user), indexColumn('inbox', id), value);
  // A mailbox from before folders: the old count and no state; the state is made from the index.
  await memory.put(usageRow(user), usageColumn, JSON.stringify({ bytes: 0, inbox: ids.length, sent: 0 }));
  await memory.delete(usageRow(user), stateColumn);
  return ids.sort();
}

describe('mailbox store listings', () => {
  test('the newest page and every older one, whatever the spread of arrival times, never listing much at once', async () => {
    const { memory, mailbox } = setup(200);
    const now = Date.now();
    // Bursts and gaps: 3000 in one second, some over days, a few years back.
    const times = [
      ...Array.from({ length: 3000 }, (_, i) => now - 5000 + (i % 1000)),
      ...Array.from({ length: 40 }, (_, i) => now - 86_400_000 * (i + 1)),
      ...Array.from({ length: 5 }, (_, i) => now - 3 * 365 * 86_400_000 - i),
    ];
    const ids = await seed(memory, mailbox, 'pat', times);
    const seen: string[] = [];
    let before: string | undefined;
    for (let pages = 0; pages < 1000; pages++) {
      const page = await mailbox.newestIds('pat', 'inbox', { before, limit: 25 });
      seen.push(...page.ids);
      if (!page.more) break;
      before = page.ids[page.ids.length - 1];
    }
    assert.deepEqual(seen, [...ids].reverse());
    assert.ok(memory.largestReply <= 200);
  });

  test('more than a window can hold in one millisecond falls back to one pass and stays right', async () => {
    const { memory, mailbox } = setup(100);
    const ids = await seed(memory, mailbox, 'bulk', Array.from({ length: 1500 }, () => 1_700_000_000_000));
    const first = await mailbox.newestIds('bulk', 'inbox', { limit: 10 });
    assert.deepEqual(first.ids, ids.slice(-10).reverse());
    assert.equal(first.more, true);
    const page = await mailbox.page('bulk', 'inbox', { limit: 10 });
    assert.equal(page.total, 1500);
    assert.equal(page.messages.length, 10);
  });
});

describe('shared bodies and usage', () => {
  test('one body for many recipients, freed when the last copy is deleted; usage follows every copy', async () => {
    const { memory, mailbox } = setup();
    const big = raw('big', 'x'.repeat(5000));
    const results = await mailbox.storeCopies(big, ['ann', 'bob', 'cat'].map((user) => ({ user, folder: 'inbox' as const, unread: true })));
    const summaries = results.map((r) => (r.ok ? r.summary : assert.fail('stored')));
    const body = summaries[0]!.body!;
    assert.ok(summaries.every((s) => s.body === body && s.chunks === 5));
    const bodyRows = [...memory.rows.keys()].filter((r) => /#mail#[^#]+$/.test(r) && memory.rows.get(r)!.size > 0);
    assert.deepEqual(bodyRows, [body], 'the bytes are stored once');
    assert.equal(memory.rows.get(refsRow(body))!.size, 3);
    assert.equal((await mailbox.usage('bob')).bytes, summaries[0]!.size);
    assert.equal((await mailbox.read('cat', 'inbox', summaries[2]!.id))?.raw.length, summaries[0]!.size);

    await mailbox.remove('ann', 'inbox', summaries[0]!.id);
    await mailbox.remove('bob', 'inbox', summaries[1]!.id);
    assert.equal(memory.rows.get(body)!.size, 5, 'still referred to by cat');
    assert.equal((await mailbox.read('cat', 'inbox', summaries[2]!.id))?.raw.length, summaries[0]!.size);
    await mailbox.remove('cat', 'inbox', summaries[2]!.id);
    assert.equal(memory.rows.get(body)!.size, 0, 'the last deletion frees the bytes');
    assert.deepEqual(await mailbox.usage('cat'), { bytes: 0, inbox: 0, sent: 0 });
  });

  test('a quota refuses the copy that would pass it and only that one', async () => {
    const { mailbox } = setup();
    const message = raw('m', 'y'.repeat(300));
    const first = await mailbox.store('dan', 'inbox', message, { unread: true, quotaBytes: 1000 });
    await mailbox.store('dan', 'inbox', message, { unread: true, quotaBytes: 1000 });
    const results = await mailbox.storeCopies(message, [
      { user: 'dan', folder: 'inbox', unread: true, quotaBytes: 1000 },
      { user: 'eve', folder: 'inbox', unread: true, quotaBytes: 1000 },
    ]);
    assert.deepEqual(results.map((r) => r.ok), [false, true]);
    assert.equal((await mailbox.usage('dan')).inbox, 2);
    await mailbox.remove('dan', 'inbox', first.id);
    assert.equal((await mailbox.usage('dan')).bytes, first.size);
  });

  test('a mailbox without a count is recounted from its index', async () => {
    const { memory, mailbox } = setup();
    const a = await mailbox.store('fay', 'inbox', raw('a'), { unread: true });
    const b = await mailbox.store('fay', 'sent', raw('b', 'z'.repeat(3000)), { unread: false });
    await memory.delete(usageRow('fay'), stateColumn);
    assert.deepEqual(await mailbox.usage('fay'), { bytes: a.size + b.size, inbox: 1, sent: 1 });
    await memory.delete(usageRow('fay'), stateColumn);
    await mailbox.remove('fay', 'inbox', a.id);
    assert.deepEqual(await mailbox.usage('fay'), { bytes: b.size, inbox: 0, sent: 1 }, 'a deletion is not counted out twice');
  });
});
