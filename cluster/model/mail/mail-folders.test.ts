// Folders over an in-memory stand-in for the ClusterClient (sorted columns, CPut, paged
// listing; every call yields to others so concurrent writers interleave): UIDs under concurrent
// deliveries and moves, the quota kept exact by moves and copies, shared bodies' references,
// Trash, drafts, and mailboxes from before folders. The real cluster runs in tests/mail.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { ClusterClient } from '../../kvs/cluster-client.ts';
import { MailFolders } from './mail-folders.ts';
import { encodeIndexValue, encodeUsage, indexColumn, indexRow, refsRow, stateColumn, usageColumn, usageRow } from './mailbox.ts';
import { MailboxStore } from './mailbox-store.ts';
import { newMessageId } from './message-id.ts';
import { parseMessage, summarize } from './message-summary.ts';

class MemoryStore {
  readonly rows = new Map<string, Map<string, Buffer>>();
  /** Cells written (put, cput, delete, each cell of a cputAll), and the calls that wrote them: what a delivery costs. */
  writes = 0;
  writeCalls = 0;
  private row(r: string) {
    let m = this.rows.get(r);
    if (!m) this.rows.set(r, (m = new Map()));
    return m;
  }
  private async turn() {
    await new Promise((r) => setImmediate(r));
  }
  async get(r: string, c: string) {
    await this.turn();
    return this.rows.get(r)?.get(c);
  }
  async put(r: string, c: string, v: Buffer | string) {
    await this.turn();
    this.writes++;
    this.writeCalls++;
    this.row(r).set(c, Buffer.from(v));
  }
  async cput(r: string, c: string, expected: Buffer | null, v: Buffer | string) {
    await this.turn();
    const current = this.rows.get(r)?.get(c);
    this.writeCalls++;
    if (expected === null ? current !== undefined : !current?.equals(expected)) return false;
    this.writes++;
    this.row(r).set(c, Buffer.from(v));
    return true;
  }
  fitsCPutAll() {
    return true;
  }
  async cputAll(cells: { row: string; column: string; expected: Buffer | null; value: Buffer }[]) {
    await this.turn();
    this.writeCalls++;
    const holds = cells.every((c) => {
      const current = this.rows.get(c.row)?.get(c.column);
      return c.expected === null ? current === undefined : current?.equals(c.expected);
    });
    if (!holds) return { applied: false, uncertain: false };
    for (const c of cells) this.row(c.row).set(c.column, Buffer.from(c.value));
    this.writes += cells.length;
    return { applied: true, uncertain: false };
  }
  async delete(r: string, c: string) {
    await this.turn();
    this.writes++;
    this.writeCalls++;
    return this.rows.get(r)?.delete(c) ?? false;
  }
  async listColumnsPage(r: string, page: { after?: string; prefix?: string; limit?: number } = {}) {
    await this.turn();
    const limit = Math.min(page.limit || 1000, 1000);
    const names = [...(this.rows.get(r)?.keys() ?? [])].filter((n) => n > (page.after ?? '') && n.startsWith(page.prefix ?? '')).sort();
    return { columns: names.slice(0, limit).map((name) => ({ name, size: this.rows.get(r)!.get(name)!.length })), more: names.length > limit };
  }
}

const raw = (subject: string, body = 'hello there') => Buffer.from(`From: a@example.org\r\nSubject: ${subject}\r\n\r\n${body}\r\n`);
const day = 86_400_000;

function setup(now = () => Date.now()) {
  const memory = new MemoryStore();
  const mailbox = new MailboxStore(memory as unknown as ClusterClient, 1024);
  const folders = new MailFolders(mailbox, { foldersMax: 10, nameCharsMax: 100, quotaBytes: 100_000, trashRetentionMs: 30 * day, trashSweepIntervalMs: day }, now);
  return { memory, mailbox, folders };
}

describe('mail folders', () => {
  test('UIDs grow strictly in each folder under concurrent deliveries and moves, and a listing by id is a listing by UID', async () => {
    const { mailbox, folders } = setup();
    const work = await folders.createFolder('pat', 'Work');
    const delivered = await Promise.all(Array.from({ length: 40 }, (_, i) => mailbox.store('pat', 'inbox', raw(`m${i}`), { unread: true })));
    const moves = Promise.all(delivered.slice(0, 20).map((s) => folders.move('pat', 'inbox', [s.id], work.id)));
    const more = Promise.all(Array.from({ length: 20 }, (_, i) => mailbox.store('pat', 'inbox', raw(`n${i}`), { unread: true })));
    await Promise.all([moves, more]);
    for (const folder of ['inbox', work.id]) {
      const list = await folders.messages('pat', folder);
      assert.equal(list.length, folder === 'inbox' ? 40 : 20);
      assert.ok(list.every((m, i) => i === 0 || m.uid > list[i - 1]!.uid), `${folder}: ${list.map((m) => m.uid).join()}`);
      const info = (await folders.folder('pat', folder))!;
      assert.ok(info.uidNext > list[list.length - 1]!.uid);
      assert.equal(info.total, list.length);
      assert.equal(info.unread, list.length);
    }
    const inboxUids = (await folders.messages('pat', 'inbox')).map((m) => m.uid);
    assert.equal(new Set(inboxUids).size, 40);
    const found = await folders.idsOfUids('pat', 'inbox', [inboxUids[3]!, 9999]);
    assert.deepEqual([...found.keys()], [inboxUids[3]]);
    assert.equal((await folders.readByUid('pat', 'inbox', inboxUids[3]!))?.summary.uid, inboxUids[3]);
  });

  test('moves keep the quota exact and the shared body referred to; copies count once more; the body goes with its last copy', async () => {
    const { memory, mailbox, folders } = setup();
    const big = await mailbox.store('ann', 'inbox', raw('big', 'x'.repeat(3000)), { unread: true });
    const small = await mailbox.store('ann', 'inbox', raw('small'), { unread: false });
    const before = await mailbox.usage('ann');
    const archive = await folders.createFolder('ann', 'Archive');
    const moved = await folders.move('ann', 'inbox', [big.id, small.id, '000000000-0000000000000000'], archive.id);
    assert.equal(moved.moved.length, 2);
    assert.equal(moved.uidValidity, archive.uidValidity);
    assert.equal((await mailbox.usage('ann')).bytes, before.bytes, 'a move is not a new copy');
    const bigMoved = (await mailbox.summary('ann', archive.id, moved.moved[0]!.newId))!;
    assert.equal(bigMoved.body, big.body ?? `ann#mail#${big.id}`);
    assert.equal((await mailbox.read('ann', archive.id, bigMoved.id))?.raw.length, big.size);
    assert.equal((await folders.folder('ann', 'inbox'))?.total, 0);
    assert.deepEqual(((await folders.folder('ann', archive.id))!.total), 2);
    assert.equal((await folders.folder('ann', archive.id))?.unread, 1);

    const copied = await folders.copy('ann', archive.id, [bigMoved.id], 'inbox');
    assert.equal((await mailbox.usage('ann')).bytes, before.bytes + big.size, 'a copy counts');
    const bodyRow = bigMoved.body!;
    assert.equal(memory.rows.get(refsRow(bodyRow))?.size, 2);
    await folders.expunge('ann', archive.id, [bigMoved.id]);
    assert.ok((memory.rows.get(bodyRow)?.size ?? 0) > 0, 'still referred to by the copy');
    await folders.expunge('ann', 'inbox', [copied.moved[0]!.newId]);
    assert.equal(memory.rows.get(bodyRow)?.size ?? 0, 0, 'the last copy frees the bytes');
    assert.equal((await mailbox.usage('ann')).bytes, small.size);
    const over = setup();
    await over.mailbox.store('cat', 'inbox', raw('m', 'y'.repeat(60_000)), { unread: true });
    const id = (await over.mailbox.list('cat', 'inbox'))[0]!.id;
    await assert.rejects(over.folders.copy('cat', 'inbox', [id], 'trash'), /full/);
    await over.folders.move('cat', 'inbox', [id], 'trash');
  });

  test('a small delivery is one call writing two cells: the state (quota, UID, counts) and the index entry', async () => {
    const { memory, mailbox } = setup();
    await mailbox.store('fox', 'inbox', raw('first'), { unread: true });
    const before = { writes: memory.writes, calls: memory.writeCalls };
    await mailbox.store('fox', 'inbox', raw('second'), { unread: true, quotaBytes: 100_000 });
    assert.equal(memory.writes - before.writes, 2);
    assert.equal(memory.writeCalls - before.calls, 1);
  });

  test('flags: set, added and removed; unread counts follow; the change counter moves on', async () => {
    const { mailbox, folders } = setup();
    const a = await mailbox.store('bo', 'inbox', raw('a'), { unread: true });
    const c0 = await folders.changeCounter('bo', 'inbox');
    await folders.setFlags('bo', 'inbox', [a.id], 'add', ['\\Flagged', '\\Seen']);
    assert.deepEqual((await folders.messages('bo', 'inbox'))[0]?.flags, ['\\Seen', '\\Flagged']);
    assert.equal((await folders.folder('bo', 'inbox'))?.unread, 0);
    assert.ok((await folders.changeCounter('bo', 'inbox')) > c0);
    await folders.setFlags('bo', 'inbox', [a.id], 'replace', ['\\Answered']);
    assert.deepEqual((await mailbox.summary('bo', 'inbox', a.id))?.flags, ['\\Answered']);
    assert.equal((await mailbox.summary('bo', 'inbox', a.id))?.unread, true);
    assert.equal((await folders.folder('bo', 'inbox'))?.unread, 1);
  });

  test('delete moves to Trash, from Trash it is final; Trash is purged of what is older than the retention', async () => {
    let now = Date.now();
    const { mailbox, folders } = setup(() => now);
    const a = await mailbox.store('dee', 'inbox', raw('a'), { unread: true });
    const b = await mailbox.store('dee', 'inbox', raw('b'), { unread: true });
    const inTrash = (await folders.deleteMessage('dee', 'inbox', a.id))!;
    assert.equal((await folders.folder('dee', 'trash'))?.total, 1);
    now += 31 * day;
    await folders.deleteMessage('dee', 'inbox', b.id);
    assert.equal(await folders.purgeTrash('dee', 30 * day), 1);
    assert.equal(await mailbox.summary('dee', 'trash', inTrash), undefined);
    const left = await folders.messages('dee', 'trash');
    assert.equal(left.length, 1);
    assert.equal(await folders.deleteMessage('dee', 'trash', left[0]!.id), null);
    assert.equal((await mailbox.usage('dee')).bytes, 0);
    await mailbox.store('dee', 'trash', raw('c'), { unread: true });
    assert.equal(await folders.emptyFolder('dee', 'trash'), 1);
    assert.equal((await folders.folder('dee', 'trash'))?.total, 0);
    // Opening the mailbox (listing its folders) sweeps Trash when a sweep is due.
    await folders.deleteMessage('dee', 'inbox', (await mailbox.store('dee', 'inbox', raw('d'), { unread: true })).id);
    now += 31 * day;
    await folders.listFolders('dee');
    for (const deadline = Date.now() + 5000; (await folders.folder('dee', 'trash'))?.total !== 0; ) assert.ok(Date.now() < deadline, 'swept');
  });

  test('a draft replaces the one before it; folders holding mail are not deleted', async () => {
    const { mailbox, folders } = setup();
    const one = await folders.saveDraft('eve', raw('draft 1'));
    const two = await folders.saveDraft('eve', raw('draft 2'), one.id);
    assert.ok(two.uid > one.uid);
    const drafts = await folders.messages('eve', 'drafts');
    assert.deepEqual(drafts.map((d) => [d.id, d.flags]), [[two.id, ['\\Seen', '\\Draft']]]);
    const f = await folders.createFolder('eve', 'Keep');
    await folders.move('eve', 'drafts', [two.id], f.id);
    await assert.rejects(folders.deleteFolder('eve', 'Keep'), /still holds 1 messages/);
    await folders.emptyFolder('eve', f.id);
    await folders.deleteFolder('eve', f.id);
    assert.equal(await folders.folder('eve', 'Keep'), undefined);
    const again = await folders.createFolder('eve', 'Keep');
    assert.notEqual(again.id, f.id);
    assert.ok(again.uidValidity > f.uidValidity);
    assert.equal((await mailbox.usage('eve')).bytes, 0);
  });

  test('a mailbox from before folders: counted from its index, its entries given UIDs below every new one', async () => {
    const { memory, mailbox, folders } = setup();
    const parsed = await parseMessage(raw('old'), new Date(0));
    const old: string[] = [];
    for (let i = 0; i < 5; i++) {
      const id = newMessageId(1_600_000_000_000 + i, i.toString(16).padStart(16, 'a'));
      const message = raw('old');
      const summary = summarize(parsed, { id, folder: 'inbox', size: message.length, chunks: 0, receivedAt: new Date(0), unread: i % 2 === 0 });
      delete summary.snippet;
      await memory.put(indexRow('old'), indexColumn('inbox', id), encodeIndexValue(summary, message));
      old.push(id);
    }
    await memory.put(usageRow('old'), usageColumn, encodeUsage({ bytes: 1, inbox: 5, sent: 0 }));
    assert.equal(await memory.get(usageRow('old'), stateColumn), undefined);
    // Webmail and delivery work at once, before any UID is given to the old entries or their
    // unread ones are counted: the first read makes the state from the names alone.
    await mailbox.remove('old', 'inbox', old[1]!);
    const fresh = await mailbox.store('old', 'inbox', raw('new'), { unread: true });
    assert.equal(await mailbox.setUnread('old', 'inbox', old[4]!, false), true);
    const early = (await mailbox.state.read('old')).folders[0]!;
    assert.deepEqual([early.total, early.unread, early.unreadPending], [5, 1, true]);
    assert.equal((await mailbox.usage('old')).bytes, 1 + fresh.size, 'the old count of bytes is kept');
    const list = await folders.messages('old', 'inbox');
    const info = (await folders.folder('old', 'inbox'))!;
    assert.deepEqual([info.total, info.unread], [5, 3], 'old[0], old[2] and the new one are unread');
    assert.deepEqual(list.map((m) => m.id), [old[0], old[2], old[3], old[4], fresh.id]);
    assert.ok(list.every((m, i) => i === 0 || m.uid > list[i - 1]!.uid), list.map((m) => m.uid).join());
    assert.equal(list[4]!.uid, fresh.uid);
    // An old entry's UID is not in its id: found all the same.
    const byUid = await folders.idsOfUids('old', 'inbox', [list[1]!.uid, fresh.uid!]);
    assert.deepEqual([byUid.get(list[1]!.uid), byUid.get(fresh.uid!)], [list[1]!.id, fresh.id]);
    // Given once: listing again answers the same UIDs.
    assert.deepEqual((await folders.messages('old', 'inbox')).map((m) => m.uid), list.map((m) => m.uid));
  });
});
