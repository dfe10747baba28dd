// The folder model (cluster/model/mail/mail-folders.ts) against a real cluster, with several
// writers each on its own cluster client (a mail daemon delivering, two frontends moving and
// copying): UIDs stay strictly increasing and never given twice in a folder, also across a
// kill -9 of the storage group's primary; moves and copies keep the quota exact; Trash is
// purged of old messages; a draft replaces the one before it.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { ClusterClient } from '../../cluster/kvs/cluster-client.ts';
import { MailFolders } from '../../cluster/model/mail/mail-folders.ts';
import { MailboxStore } from '../../cluster/model/mail/mailbox-store.ts';
import { startCluster, type TestCluster } from '../../scripts/lib/cluster.ts';
import { waitFor } from '../../scripts/lib/processes.ts';
import { rfc822 } from './mail-system.ts';

const day = 86_400_000;
const settings = { foldersMax: 20, nameCharsMax: 200, quotaBytes: 50 * 1024 * 1024, trashRetentionMs: 30 * day, trashSweepIntervalMs: day };

describe('mail folders on a real cluster', () => {
  let cluster: TestCluster;
  const clients: ClusterClient[] = [];
  let writers: MailFolders[];
  before(async () => {
    cluster = await startCluster({ groups: 1, replicas: 3 });
    writers = Array.from({ length: 3 }, () => {
      const client = new ClusterClient(cluster.config, { retryDeadlineMs: 20_000 });
      clients.push(client);
      return new MailFolders(new MailboxStore(client, 4096), settings);
    });
  });
  after(async () => {
    for (const c of clients) c.close();
    await cluster?.close();
  });

  const raw = (subject: string, lines = 2) => Buffer.from(rfc822({ From: 'a@example.org', To: 'pat@localhost', Subject: subject }, Array.from({ length: lines }, (_, i) => `line ${i} of ${subject}`).join('\n')));

  test('UIDs strictly increase and are never given twice under parallel deliveries and moves, across a kill -9 of the primary', async (t) => {
    const [daemon, web1, web2] = writers as [MailFolders, MailFolders, MailFolders];
    const work = await web1.createFolder('pat', 'Work');
    // Every UID each folder gave out, as the writers were told.
    const given = new Map<string, number[]>([['inbox', []], [work.id, []]]);
    const give = (folder: string, uid: number) => given.get(folder)!.push(uid);
    let failures = 0;
    let stop = false;
    const deliver = async (n: number) => {
      for (let i = 0; !stop || i < 10; i++) {
        // Every fourth message is larger than a chunk: a body of its own, shared by its moves.
        const s = await daemon.mailbox.store('pat', 'inbox', raw(`d${n}.${i}`, i % 4 === 0 ? 300 : 2), { unread: true }).catch(() => undefined);
        if (s) give('inbox', s.uid!);
        else failures++;
      }
    };
    const shuffle = async (web: MailFolders, from: string, to: string) => {
      while (!stop) {
        const some = (await web.mailbox.list('pat', from, 5).catch(() => [])).map((m) => m.id);
        if (some.length === 0) continue;
        const done = await web.move('pat', from, some, to).catch(() => undefined);
        if (done) for (const m of done.moved) give(to, m.newUid);
        else failures++;
      }
    };
    const running = [deliver(1), deliver(2), deliver(3), shuffle(web1, 'inbox', work.id), shuffle(web2, work.id, 'inbox')];
    const count = () => given.get('inbox')!.length + given.get(work.id)!.length;
    await waitFor(() => (given.get('inbox')!.length >= 20 && given.get(work.id)!.length >= 3 ? true : undefined), { timeoutMs: 60_000, what: 'deliveries and moves under way' });
    const before = await daemon.messages('pat', 'inbox');
    const primary = await cluster.primaryOf(0);
    await cluster.kill9(primary);
    await cluster.waitHealthy(60_000);
    const atFailover = count();
    await waitFor(() => (count() >= atFailover + 20 ? true : undefined), { timeoutMs: 60_000, what: 'deliveries and moves after the failover' });
    // The UIDs of messages that stayed put do not change with the failover.
    const afterKill = new Map((await daemon.messages('pat', 'inbox')).map((m) => [m.id, m.uid]));
    for (const m of before) if (afterKill.has(m.id)) assert.equal(afterKill.get(m.id), m.uid);
    stop = true;
    await Promise.all(running);

    for (const [folder, uids] of given) {
      assert.equal(new Set(uids).size, uids.length, `${folder}: a UID was given twice`);
      const list = await daemon.messages('pat', folder);
      assert.ok(list.every((m, i) => i === 0 || m.uid > list[i - 1]!.uid), `${folder} is not in UID order`);
      const info = (await daemon.folder('pat', folder))!;
      assert.ok(uids.every((u) => u < info.uidNext), `${folder}: uidNext ${info.uidNext} is not past every UID`);
      if (failures === 0) assert.equal(info.total, list.length);
    }
    t.diagnostic(`UIDs given: inbox ${given.get('inbox')!.length}, Work ${given.get(work.id)!.length}; operations that failed: ${failures}`);
    // Moves and deliveries that completed count every copy once: the bytes are exactly what is listed.
    const listed = [...(await daemon.mailbox.list('pat', 'inbox')), ...(await daemon.mailbox.list('pat', work.id))];
    const bytes = listed.reduce((sum, m) => sum + m.size, 0);
    const usage = await daemon.mailbox.usage('pat');
    if (failures === 0) assert.equal(usage.bytes, bytes);
    else assert.ok(usage.bytes >= bytes, 'never under-counted');
    assert.equal((await daemon.mailbox.recount('pat')).bytes, bytes);
    cluster.start(primary);
    await cluster.waitHealthy(60_000);
  });

  test('copies count once more against the quota and moves not at all; Trash keeps a deleted message until it is old', async () => {
    let now = Date.now();
    const [web] = writers as [MailFolders];
    const later = new MailFolders(web.mailbox, settings, () => now);
    const big = await web.mailbox.store('quinn', 'inbox', raw('big', 400), { unread: true });
    const small = await web.mailbox.store('quinn', 'inbox', raw('small'), { unread: true });
    const total = big.size + small.size;
    await web.createFolder('quinn', 'Archive');
    const archive = await web.createFolder('quinn', 'Archive/2026');
    const moved = await web.move('quinn', 'inbox', [big.id, small.id], archive.id);
    assert.equal((await web.mailbox.usage('quinn')).bytes, total);
    const copy = await web.copy('quinn', archive.id, [moved.moved[0]!.newId], 'inbox');
    assert.equal((await web.mailbox.usage('quinn')).bytes, total + big.size);
    assert.equal((await web.mailbox.read('quinn', 'inbox', copy.moved[0]!.newId))?.raw.length, big.size);
    // Deleting moves to Trash: still counted, until Trash is purged of it.
    await later.deleteMessage('quinn', 'inbox', copy.moved[0]!.newId);
    assert.equal((await web.folder('quinn', 'trash'))?.total, 1);
    assert.equal(await later.purgeTrash('quinn', settings.trashRetentionMs), 0);
    now += 31 * day;
    assert.equal(await later.purgeTrash('quinn', settings.trashRetentionMs), 1);
    assert.equal((await web.mailbox.usage('quinn')).bytes, total);
    assert.equal((await web.mailbox.read('quinn', archive.id, moved.moved[0]!.newId))?.raw.length, big.size, 'the other copy keeps the body');
    await web.renameFolder('quinn', 'Archive', 'Old');
    assert.equal((await web.folder('quinn', archive.id))?.name, 'Old/2026');
  });

  test('a draft saved again replaces the one before it, with \\Draft', async () => {
    const [web] = writers as [MailFolders];
    let last: { id: string; uid: number } | undefined;
    for (let i = 0; i < 4; i++) last = await web.saveDraft('rae', raw(`draft ${i}`), last?.id);
    const drafts = await web.messages('rae', 'drafts');
    assert.deepEqual(drafts.map((d) => ({ uid: d.uid, flags: d.flags })), [{ uid: last!.uid, flags: ['\\Seen', '\\Draft'] }]);
    assert.equal((await web.folder('rae', 'drafts'))?.total, 1);
    assert.equal((await web.mailbox.usage('rae')).bytes, drafts[0]!.size);
  });
});
