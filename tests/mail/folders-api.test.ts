// The webmail's folder routes (docs/API.md, "Mail folders") through a real frontend over a real
// cluster: folders with their counts, making, renaming and deleting one, listing with flags and
// snippets, flags, moves, delete to Trash and for good, Empty Trash, drafts saved again and
// again — and the routes the current webmail uses keep their answers.
import assert from 'node:assert/strict';
import http from 'node:http';
import { after, before, describe, test } from 'node:test';
import { Accounts } from '../../cluster/smtp/io/accounts.ts';
import { MailboxStore } from '../../cluster/model/mail/mailbox-store.ts';
import { startWebCluster, type WebCluster } from '../../scripts/lib/web-cluster.ts';
import { ensureWebBuild } from '../../web/build.ts';
import { rfc822 } from './mail-system.ts';

interface Reply {
  status: number;
  body: Record<string, unknown>;
}

/** A logged-in browser: its session cookie, and the Origin every mutating route asks for. */
class Session {
  private cookie = '';
  constructor(private readonly base: string) {}

  request(method: string, path: string, body?: unknown): Promise<Reply> {
    const target = new URL(path, this.base);
    const data = body === undefined ? undefined : Buffer.from(JSON.stringify(body));
    return new Promise((resolve, reject) => {
      const req = http.request(
        target,
        {
          method,
          agent: false,
          headers: { Origin: target.origin, ...(this.cookie ? { Cookie: this.cookie } : {}), ...(data ? { 'Content-Type': 'application/json', 'Content-Length': data.length } : {}) },
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => {
            const set = (res.headers['set-cookie'] ?? []).map((l) => l.split(';')[0]).filter((p) => p && !p.endsWith('='));
            if (set.length) this.cookie = [...new Map([...this.cookie.split('; ').filter(Boolean), ...set].map((p) => [p!.slice(0, p!.indexOf('=')), p!])).values()].join('; ');
            let parsed: Record<string, unknown> = {};
            try {
              parsed = JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown>;
            } catch {
              // Not JSON: the status says enough.
            }
            resolve({ status: res.statusCode ?? 0, body: parsed });
          });
          res.on('error', reject);
        },
      );
      req.on('error', reject);
      req.end(data);
    });
  }
}

describe('mail folder routes through a frontend', () => {
  let cloud: WebCluster;
  let mailbox: MailboxStore;
  let web: Session;
  before(async () => {
    await ensureWebBuild();
    cloud = await startWebCluster({ groups: 1, replicas: 3, frontends: 1 });
    await Accounts.open(cloud.cluster.client, cloud.config).create('uma', 'uma password');
    mailbox = new MailboxStore(cloud.cluster.client, cloud.config.mail.chunkBytes);
    web = new Session(cloud.frontendUrl(1));
    assert.equal((await web.request('POST', '/api/auth/login', { username: 'uma', password: 'uma password' })).status, 200);
  });
  after(async () => cloud?.close());

  const deliver = (subject: string, body: string) => mailbox.store('uma', 'inbox', Buffer.from(rfc822({ From: 'x@example.org', To: 'uma@localhost', Subject: subject }, body)), { unread: true });

  test('folders: the system ones with counts; a folder made, renamed and refused a bad name, deleted when empty', async () => {
    await deliver('hello', 'First words of the body.');
    const list = await web.request('GET', '/api/mail/folders');
    assert.equal(list.status, 200);
    const folders = list.body.folders as { id: string; name: string; specialUse: string | null; total: number; unread: number; uidValidity: number }[];
    assert.deepEqual(folders.map((f) => [f.id, f.name, f.specialUse]), [['inbox', 'Inbox', null], ['drafts', 'Drafts', '\\Drafts'], ['sent', 'Sent', '\\Sent'], ['junk', 'Junk', '\\Junk'], ['trash', 'Trash', '\\Trash']]);
    assert.deepEqual([folders[0]!.total, folders[0]!.unread], [1, 1]);
    const made = await web.request('POST', '/api/mail/folders', { name: 'Projects/2026' });
    assert.equal(made.status, 201);
    const id = (made.body.folder as { id: string }).id;
    assert.match(id, /^f[0-9a-z]+$/);
    const bad = await web.request('POST', '/api/mail/folders', { name: 'a//b' });
    assert.equal(bad.status, 400);
    assert.match(String(bad.body.error), /empty level/);
    assert.equal((await web.request('POST', '/api/mail/folders', { name: 'projects/2026' })).status, 409);
    const renamed = await web.request('PATCH', `/api/mail/folders/${id}`, { name: 'Work' });
    assert.equal((renamed.body.folder as { name: string }).name, 'Work');
    assert.equal((await web.request('DELETE', '/api/mail/folders/inbox')).status, 400);
    assert.equal((await web.request('DELETE', `/api/mail/folders/${id}`)).status, 200);
    assert.equal((await web.request('GET', `/api/mail/${id}`)).status, 404);
  });

  test('a listing row has flags and the snippet; flags, moves and delete to Trash then for good; Empty Trash', async () => {
    const page = await web.request('GET', '/api/mail/inbox?limit=10');
    assert.equal(page.status, 200);
    const row = (page.body.messages as { id: string; snippet: string; unread: boolean; flagged: boolean; uid: number }[])[0]!;
    assert.equal(row.snippet, 'First words of the body.');
    assert.deepEqual([row.unread, row.flagged, typeof row.uid], [true, false, 'number']);
    assert.equal(page.body.unread, 1);
    // The current webmail's calls answer as before.
    assert.deepEqual((await web.request('PATCH', `/api/mail/inbox/${row.id}`, { unread: false })).body.unread, false);
    const flagged = await web.request('PATCH', `/api/mail/inbox/${row.id}`, { flagged: true });
    assert.deepEqual((flagged.body as { flags: string[] }).flags, ['\\Seen', '\\Flagged']);
    const folder = ((await web.request('POST', '/api/mail/folders', { name: 'Keep' })).body.folder as { id: string }).id;
    const moved = await web.request('PATCH', `/api/mail/inbox/${row.id}`, { folder });
    assert.equal(moved.status, 200);
    const movedId = (moved.body as { id: string }).id;
    assert.equal((await web.request('GET', `/api/mail/inbox/${row.id}`)).status, 404);
    assert.equal((await web.request('GET', `/api/mail/${folder}/${movedId}`)).body.subject, 'hello');
    const trashed = await web.request('DELETE', `/api/mail/${folder}/${movedId}`);
    const trashId = trashed.body.trashId as string;
    assert.equal((await web.request('GET', '/api/mail/trash')).body.total, 1);
    assert.deepEqual((await web.request('DELETE', `/api/mail/trash/${trashId}`)).body, { ok: true, trashId: null });
    await deliver('two', 'x');
    const second = ((await web.request('GET', '/api/mail/inbox')).body.messages as { id: string }[])[0]!.id;
    await web.request('DELETE', `/api/mail/inbox/${second}`);
    assert.deepEqual((await web.request('DELETE', '/api/mail/trash')).body, { removed: 1 });
    assert.equal((await web.request('DELETE', '/api/mail/inbox')).status, 405);
    const quota = (await web.request('GET', '/api/mail/folders')).body.quota as { usedBytes: number };
    assert.equal(quota.usedBytes, 0);
  });

  test('Restore puts a message back in the folder it was deleted from, or the Inbox when that folder is gone', async () => {
    await deliver('keep me', 'x');
    await deliver('orphan', 'y');
    const inbox = (await web.request('GET', '/api/mail/inbox')).body.messages as { id: string; subject: string }[];
    const idOf = (subject: string) => inbox.find((m) => m.subject === subject)!.id;
    const made = async (name: string) => ((await web.request('POST', '/api/mail/folders', { name })).body.folder as { id: string }).id;
    const [kept, doomed] = [await made('Archive'), await made('Doomed')];
    const trashFrom = async (folder: string, inboxId: string) => {
      const moved = (await web.request('PATCH', `/api/mail/inbox/${inboxId}`, { folder })).body as { id: string };
      return (await web.request('DELETE', `/api/mail/${folder}/${moved.id}`)).body.trashId as string;
    };
    const keptInTrash = await trashFrom(kept, idOf('keep me'));
    const orphanInTrash = await trashFrom(doomed, idOf('orphan'));
    assert.equal((await web.request('DELETE', `/api/mail/folders/${doomed}`)).status, 200);

    assert.equal((await web.request('PATCH', `/api/mail/inbox/${idOf('keep me')}`, { restore: true })).status, 400, 'only from Trash');
    assert.equal((await web.request('PATCH', `/api/mail/trash/${keptInTrash}`, { restore: true, folder: 'inbox' })).status, 400);
    const back = await web.request('PATCH', `/api/mail/trash/${keptInTrash}`, { restore: true });
    assert.equal(back.status, 200);
    assert.equal((back.body as { folder: string }).folder, kept);
    assert.deepEqual(((await web.request('GET', `/api/mail/${kept}`)).body.messages as { subject: string }[]).map((m) => m.subject), ['keep me']);
    const orphan = await web.request('PATCH', `/api/mail/trash/${orphanInTrash}`, { restore: true });
    assert.equal((orphan.body as { folder: string }).folder, 'inbox');
    assert.equal((await web.request('GET', '/api/mail/trash')).body.total, 0);
  });

  test('a draft saved as one types replaces the one before it', async () => {
    let last: string | undefined;
    for (const text of ['H', 'Hel', 'Hello there']) {
      const saved = await web.request('POST', '/api/mail/drafts', { to: 'someone', subject: 'Plans été', text, ...(last ? { replaces: last } : {}) });
      assert.equal(saved.status, 201, JSON.stringify(saved.body));
      last = saved.body.id as string;
    }
    const drafts = await web.request('GET', '/api/mail/drafts');
    const rows = drafts.body.messages as { id: string; subject: string; snippet: string; draft: boolean }[];
    assert.deepEqual(rows.map((r) => [r.id, r.subject, r.snippet, r.draft]), [[last, 'Plans été', 'Hello there', true]]);
    assert.equal((await web.request('POST', '/api/mail/inbox', { text: 'x' })).status, 405);
  });
});
