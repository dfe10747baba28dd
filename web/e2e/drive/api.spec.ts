// The drive's JSON API against a real cluster: every operation, the bad inputs docs/API.md lists, many
// creates at once in one folder, and the store itself counted — a delete frees every chunk, and
// an upload cut off midway leaves neither a file nor a chunk.
import { createHash, randomBytes } from 'node:crypto';
import { expect, test } from '../fixtures';
import { call, chunkCount, chunkRows, download, list, mkdir, signUp, upload, uploadOk, via, type DriveUser, type Item } from './drive-helpers';

const MiB = 1024 * 1024;

test.describe('drive API', () => {
  let alice: DriveUser;
  test.beforeEach(async ({ cloud }) => {
    alice = await signUp(cloud.frontendUrl(1));
  });

  test('folders: create, list with breadcrumbs, rename, move, delete', async () => {
    const empty = await list(alice);
    expect(empty.items).toEqual([]);
    expect(empty.path).toEqual([{ id: 'root', name: 'My Drive' }]);
    expect(empty.usage.usedBytes).toBe(0);

    const projects = await mkdir(alice, 'root', 'Projects');
    const y2026 = await mkdir(alice, projects.id, '2026');
    const deep = await mkdir(alice, y2026.id, 'Ünïcode — naïve 📁');
    const listing = await list(alice, deep.id);
    expect(listing.path.map((c) => c.name)).toEqual(['My Drive', 'Projects', '2026', 'Ünïcode — naïve 📁']);
    expect(listing.folder).toMatchObject({ id: deep.id, name: 'Ünïcode — naïve 📁' });

    const renamed = await call<{ item: Item }>(alice, 'PATCH', `/api/drive/items/${y2026.id}`, { name: '2027' });
    expect(renamed.status).toBe(200);
    expect(renamed.body.item.name).toBe('2027');
    expect((await list(alice, deep.id)).path.map((c) => c.name)).toEqual(['My Drive', 'Projects', '2027', 'Ünïcode — naïve 📁']);

    // Move a folder with contents up to the root: two folders change, the contents go along.
    const file = await uploadOk(alice, deep.id, 'note.txt', 'hello');
    const moved = await call(alice, 'PATCH', `/api/drive/items/${deep.id}`, { parent: 'root' });
    expect(moved.status).toBe(200);
    expect((await list(alice, y2026.id)).items).toEqual([]);
    expect((await list(alice)).items.map((i) => i.name)).toEqual(['Projects', 'Ünïcode — naïve 📁']);
    expect((await list(alice, deep.id)).items.map((i) => i.id)).toEqual([file.id]);
    expect((await list(alice, deep.id)).path.map((c) => c.name)).toEqual(['My Drive', 'Ünïcode — naïve 📁']);

    // Move and rename at once.
    const both = await call<{ item: Item }>(alice, 'PATCH', `/api/drive/items/${file.id}`, { parent: projects.id, name: 'renamed.txt' });
    expect(both.status).toBe(200);
    expect((await list(alice, projects.id)).items.map((i) => i.name)).toEqual(['2027', 'renamed.txt']);
    expect((await download(alice, file.id)).body.toString()).toBe('hello');

    const deleted = await call<{ deleted: { files: number; folders: number } }>(alice, 'DELETE', `/api/drive/items/${projects.id}`);
    expect(deleted.status).toBe(200);
    expect(deleted.body.deleted).toMatchObject({ files: 1, folders: 2 });
    expect((await list(alice)).items.map((i) => i.name)).toEqual(['Ünïcode — naïve 📁']);
    expect((await call(alice, 'GET', `/api/drive/folders/${y2026.id}`)).status).toBe(404);
    expect((await download(alice, file.id)).status).toBe(404);
  });

  test('upload and download: content, type, headers, HEAD, byte ranges', async ({ cloud }) => {
    const content = randomBytes(3 * MiB + 12345);
    const item = await uploadOk(alice, 'root', 'data.bin', content);
    expect(item).toMatchObject({ kind: 'file', name: 'data.bin', size: content.length, type: 'application/octet-stream' });
    expect((await list(alice)).usage.usedBytes).toBe(content.length);

    // Through the other frontend, by the same session.
    const whole = await download(via(alice, cloud.frontendUrl(2)), item.id);
    expect(whole.status).toBe(200);
    expect(sha256(whole.body)).toBe(sha256(content));
    expect(whole.headers.get('content-length')).toBe(String(content.length));
    expect(whole.headers.get('content-disposition')).toBe(`attachment; filename="data.bin"; filename*=UTF-8''data.bin`);
    expect(whole.headers.get('x-content-type-options')).toBe('nosniff');
    expect(whole.headers.get('accept-ranges')).toBe('bytes');
    const etag = whole.headers.get('etag')!;
    expect(etag).toBe(`"${sha256(content)}"`);

    const head = await fetch(`${alice.origin}/api/drive/files/${item.id}`, { method: 'HEAD', headers: { Cookie: alice.cookie } });
    expect(head.status).toBe(200);
    expect(head.headers.get('content-length')).toBe(String(content.length));
    expect(Buffer.from(await head.arrayBuffer()).length).toBe(0);

    // A range across a chunk boundary, an open-ended one (resuming), a suffix, and one outside.
    const across = await download(alice, item.id, { Range: `bytes=${MiB - 5}-${MiB + 4}` });
    expect(across.status).toBe(206);
    expect(across.headers.get('content-range')).toBe(`bytes ${MiB - 5}-${MiB + 4}/${content.length}`);
    expect(across.body.equals(content.subarray(MiB - 5, MiB + 5))).toBe(true);
    const resume = await download(alice, item.id, { Range: `bytes=${2 * MiB}-`, 'If-Range': etag });
    expect(resume.status).toBe(206);
    expect(resume.body.equals(content.subarray(2 * MiB))).toBe(true);
    const suffix = await download(alice, item.id, { Range: 'bytes=-100' });
    expect(suffix.body.equals(content.subarray(content.length - 100))).toBe(true);
    const stale = await download(alice, item.id, { Range: 'bytes=0-9', 'If-Range': '"something-else"' });
    expect(stale.status).toBe(200);
    expect(stale.body.length).toBe(content.length);
    const outside = await download(alice, item.id, { Range: `bytes=${content.length}-` });
    expect(outside.status).toBe(416);
    expect(outside.headers.get('content-range')).toBe(`bytes */${content.length}`);

    // A non-ASCII name is encoded (RFC 6266); the type comes from the request or the extension.
    const text = await uploadOk(alice, 'root', 'résumé "final".txt', 'plain text\n');
    expect(text.type).toBe('text/plain');
    const got = await download(alice, text.id);
    expect(got.headers.get('content-disposition')).toBe(`attachment; filename="r_sum_ _final_.txt"; filename*=UTF-8''r%C3%A9sum%C3%A9%20%22final%22.txt`);
    expect(got.headers.get('content-type')).toBe('text/plain');
    const typed = await uploadOk(alice, 'root', 'page', '<h1>hi</h1>', 'text/html; charset=utf-8');
    expect(typed.type).toBe('text/html');
    expect((await download(alice, typed.id)).headers.get('content-disposition')).toMatch(/^attachment;/);

    const empty = await uploadOk(alice, 'root', 'empty', Buffer.alloc(0));
    expect(empty.size).toBe(0);
    const emptyBody = await download(alice, empty.id);
    expect(emptyBody.status).toBe(200);
    expect(emptyBody.body.length).toBe(0);
  });

  test('bad names, taken names and foreign ids get a 4xx with a message', async ({ cloud }) => {
    const folder = await mkdir(alice, 'root', 'Taken');
    const file = await uploadOk(alice, 'root', 'file.txt', 'x');
    const badNames: [unknown, RegExp][] = [
      ['a/b', /cannot contain "\/"/],
      ['nul\0byte', /NUL/],
      ['.', /only dots/],
      ['..', /only dots/],
      ['...', /only dots/],
      ['x'.repeat(256), /at most 255 bytes/],
      ['é'.repeat(128), /at most 255 bytes/],
      ['', /name is required/],
      [' padded ', /start or end with a space/],
      ['line\nbreak', /control characters/],
      [42, /name is required/],
    ];
    for (const [name, message] of badNames) {
      const created = await call(alice, 'POST', '/api/drive/folders', { parent: 'root', name });
      expect(created.status, String(name)).toBe(400);
      expect(String(created.body.error)).toMatch(message);
      const renamed = await call(alice, 'PATCH', `/api/drive/items/${file.id}`, { name });
      expect(renamed.status, String(name)).toBe(400);
      if (typeof name === 'string' && name !== '') {
        const uploaded = await upload(alice, 'root', name, 'x');
        expect(uploaded.status, name).toBe(400);
        expect(String(uploaded.body.error)).toMatch(message);
      }
    }
    expect((await call(alice, 'POST', '/api/drive/folders', { parent: 'root', name: 'x'.repeat(255) })).status).toBe(201);

    for (const name of ['Taken', 'file.txt']) {
      const again = await call(alice, 'POST', '/api/drive/folders', { parent: 'root', name });
      expect(again.status).toBe(409);
      expect(again.body.error).toBe(`Something named "${name}" is already in this folder.`);
      expect((await upload(alice, 'root', name, 'y')).status).toBe(409);
    }
    const second = await uploadOk(alice, folder.id, 'file.txt', 'other');
    expect((await call(alice, 'PATCH', `/api/drive/items/${second.id}`, { parent: 'root' })).status).toBe(409);
    expect((await call(alice, 'PATCH', `/api/drive/items/${file.id}`, { name: 'Taken' })).status).toBe(409);

    // A folder cannot go into itself or below itself; the root cannot be touched.
    const child = await mkdir(alice, folder.id, 'child');
    const grandchild = await mkdir(alice, child.id, 'grandchild');
    for (const target of [folder.id, child.id, grandchild.id]) {
      const cycle = await call(alice, 'PATCH', `/api/drive/items/${folder.id}`, { parent: target });
      expect(cycle.status).toBe(400);
      expect(cycle.body.error).toBe('A folder cannot be moved into itself or into a folder inside it.');
    }
    expect((await call(alice, 'DELETE', '/api/drive/items/root')).status).toBe(400);
    expect((await call(alice, 'PATCH', `/api/drive/items/${file.id}`, { parent: file.id })).status).toBe(404);
    expect((await call(alice, 'PATCH', `/api/drive/items/${file.id}`, {})).status).toBe(400);

    // Another user reaches none of it by id: 404, and alice's drive is unchanged.
    const mallory = await signUp(cloud.frontendUrl(2), 'mallory');
    const myFolder = await mkdir(mallory, 'root', 'mine');
    const attempts: [string, string, unknown?][] = [
      ['GET', `/api/drive/folders/${folder.id}`],
      ['GET', `/api/drive/files/${file.id}`],
      ['HEAD', `/api/drive/files/${file.id}`],
      ['PATCH', `/api/drive/items/${file.id}`, { name: 'stolen' }],
      ['PATCH', `/api/drive/items/${folder.id}`, { parent: myFolder.id }],
      ['PATCH', `/api/drive/items/${myFolder.id}`, { parent: folder.id }],
      ['DELETE', `/api/drive/items/${file.id}`],
      ['DELETE', `/api/drive/items/${folder.id}`],
      ['POST', '/api/drive/folders', { parent: folder.id, name: 'planted' }],
      ['GET', '/api/drive/folders/not-an-id'],
      ['GET', '/api/drive/files/..%2F..%2Fetc'],
    ];
    for (const [method, path, body] of attempts) {
      const answer = await call(mallory, method, path, body);
      expect(answer.status, `${method} ${path}`).toBe(404);
    }
    expect((await upload(mallory, folder.id, 'planted.txt', 'x')).status).toBe(404);
    expect((await list(alice)).items.map((i) => i.name).sort()).toEqual(['Taken', 'file.txt', 'x'.repeat(255)].sort());
    expect((await download(alice, file.id)).body.toString()).toBe('x');

    // Without a session 401; without Origin 403.
    expect((await fetch(`${alice.origin}/api/drive/folders/root`)).status).toBe(401);
    const noOrigin = await fetch(`${alice.origin}/api/drive/files?folder=root&name=a.txt`, { method: 'POST', headers: { Cookie: alice.cookie }, body: 'x' });
    expect(noOrigin.status).toBe(403);
  });

  test('concurrent creates in one folder through both frontends: none is lost', async ({ cloud }) => {
    const target = await mkdir(alice, 'root', 'busy');
    const frontends = [alice, via(alice, cloud.frontendUrl(2))];
    const folders = Array.from({ length: 40 }, (_, i) => `folder ${i}`);
    const files = Array.from({ length: 24 }, (_, i) => `file ${i}.txt`);
    const answers = await Promise.all([
      ...folders.map((name, i) => call(frontends[i % 2]!, 'POST', '/api/drive/folders', { parent: target.id, name })),
      ...files.map((name, i) => upload(frontends[i % 2]!, target.id, name, `content of ${name}`)),
    ]);
    for (const answer of answers) expect(answer.status, JSON.stringify(answer.body)).toBe(201);
    const names = (await list(alice, target.id)).items.map((i) => i.name).sort();
    expect(names).toEqual([...folders, ...files].sort());

    // The same name raced: exactly one wins.
    const race = await Promise.all(frontends.flatMap((u) => [0, 1, 2].map(() => call(u, 'POST', '/api/drive/folders', { parent: target.id, name: 'same' }))));
    expect(race.filter((a) => a.status === 201)).toHaveLength(1);
    expect(race.filter((a) => a.status === 409)).toHaveLength(5);

    // Renames and moves racing with creates lose nothing either.
    const moving = await Promise.all(
      (await list(alice, target.id)).items
        .filter((i) => i.kind === 'file')
        .map((i, n) => call(frontends[n % 2]!, 'PATCH', `/api/drive/items/${i.id}`, n % 2 ? { name: `renamed ${n}` } : { parent: 'root' })),
    );
    for (const answer of moving) expect(answer.status, JSON.stringify(answer.body)).toBe(200);
    const after = [...(await list(alice, target.id)).items, ...(await list(alice)).items];
    expect(after.filter((i) => i.kind === 'file')).toHaveLength(files.length);
  });

  test('delete frees every chunk, counted in the store', async ({ cloud }) => {
    const top = await mkdir(alice, 'root', 'top');
    const inner = await mkdir(alice, top.id, 'inner');
    const big = randomBytes(40 * MiB + 7);
    const bigItem = await uploadOk(alice, inner.id, 'big.bin', big);
    await uploadOk(alice, top.id, 'small.txt', 'small');
    const keep = await uploadOk(alice, 'root', 'keep.bin', randomBytes(2 * MiB));

    // 41 + 1 + 2 chunks; the big file spans rows of at most chunksPerRow chunks.
    const rows = await chunkRows(cloud, alice.name);
    expect(await chunkCount(cloud, alice.name)).toBe(44);
    const bigRows = [...rows.entries()].filter(([row]) => row.includes(bigItem.id));
    expect(bigRows).toHaveLength(Math.ceil(41 / cloud.config.drive.chunksPerRow));
    for (const [, columns] of bigRows) expect(columns).toBeLessThanOrEqual(cloud.config.drive.chunksPerRow);
    expect((await list(alice)).usage.usedBytes).toBe(big.length + 5 + 2 * MiB);

    expect((await call(alice, 'DELETE', `/api/drive/items/${top.id}`)).status).toBe(200);
    expect(await chunkCount(cloud, alice.name)).toBe(2);
    expect((await list(alice)).usage.usedBytes).toBe(2 * MiB);
    expect((await call(alice, 'DELETE', `/api/drive/items/${keep.id}`)).status).toBe(200);
    expect(await chunkCount(cloud, alice.name)).toBe(0);
    expect((await list(alice)).usage.usedBytes).toBe(0);
    expect((await call(alice, 'DELETE', `/api/drive/items/${keep.id}`)).status).toBe(404);
  });
});

function sha256(data: Buffer): string {
  return createHash('sha256').update(data).digest('hex');
}

