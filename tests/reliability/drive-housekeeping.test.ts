// The drive's background sweep (web/lib/server/drive/drive-housekeeping.ts) keeps the drive's
// time promises for a user who never comes back, on a real cluster with a frontend whose Trash
// keeps items 3 s and whose resumable uploads live 3 s: a file left in Trash is deleted for good
// and an abandoned upload is freed — chunks, state and room — though nobody lists the drive
// again (a listing would run the sweep on use instead). Checked in the store itself; then the
// user finds the drive as promised.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, test } from 'node:test';
import { startSignedUp, type OneFrontend } from '../../scripts/bench/one-frontend.ts';
import { waitFor } from '../../scripts/lib/processes.ts';

const MiB = 1024 * 1024;
const user = 'sweeper';
let f: OneFrontend;

before(async () => {
  f = await startSignedUp(
    {
      groups: 1,
      replicas: 3,
      frontends: 1,
      web: { scryptCostLog2: 10 },
      config: { drive: { trashRetentionMs: 3000, resumableUploadTtlMs: 3000, housekeepingIntervalMs: 300 } },
    },
    user,
    'sweeper password',
  );
});
after(async () => {
  await f?.cloud.close();
});

const headers = (extra: Record<string, string> = {}) => ({ Cookie: f.cookie, Origin: f.origin, ...extra });

async function call(method: string, path: string, body?: unknown): Promise<{ status: number; json: Record<string, unknown> }> {
  const response = await fetch(`${f.origin}${path}`, { method, headers: headers({ 'Content-Type': 'application/json' }), body: body === undefined ? undefined : JSON.stringify(body) });
  return { status: response.status, json: (await response.json()) as Record<string, unknown> };
}

async function upload(name: string, bytes: number): Promise<string> {
  const response = await fetch(`${f.origin}/api/drive/files?${new URLSearchParams({ folder: 'root', name })}`, { method: 'POST', headers: headers(), body: new Uint8Array(randomBytes(bytes)) });
  assert.equal(response.status, 201, await response.clone().text());
  return ((await response.json()) as { item: { id: string } }).item.id;
}

/** Chunks of the user in the store (one group: its primary holds every row). */
async function chunks(): Promise<number> {
  const address = f.cloud.config.kvs.nodes[await f.cloud.cluster.primaryOf(0)]!;
  let count = 0;
  for (let after = `${user}#file`; ; ) {
    const page = await f.cloud.cluster.client.scanRows(address, after, 500, 20_000);
    for (const row of page.rows) if (row.row.startsWith(`${user}#file#`)) count += row.columns.length;
    if (!page.nextAfterRow || !page.nextAfterRow.startsWith(`${user}#file`)) return count;
    after = page.nextAfterRow;
  }
}

const usage = async () => JSON.parse((await f.cloud.cluster.client.get(`${user}#files`, 'usage'))!.toString('utf8')) as { usedBytes: number; uploads: object };

test('expired Trash and an abandoned upload are freed for a user who never opens the drive again', async () => {
  await upload('kept.bin', MiB + 10);
  const thrown = await upload('thrown.bin', 2 * MiB + 10);
  assert.equal((await call('POST', '/api/drive/trash', { id: thrown })).status, 200);
  const created = await fetch(`${f.origin}/api/drive/uploads`, {
    method: 'POST',
    headers: headers({
      'Tus-Resumable': '1.0.0',
      'Upload-Length': String(4 * MiB),
      'Upload-Metadata': `name ${Buffer.from('left.bin').toString('base64')},folder ${Buffer.from('root').toString('base64')}`,
    }),
  });
  assert.equal(created.status, 201);
  const url = created.headers.get('location')!;
  const patched = await fetch(`${f.origin}${url}`, {
    method: 'PATCH',
    headers: headers({ 'Tus-Resumable': '1.0.0', 'Upload-Offset': '0', 'Content-Type': 'application/offset+octet-stream' }),
    body: new Uint8Array(randomBytes(MiB)),
  });
  assert.equal(patched.status, 204);
  // kept.bin: 2 chunks; thrown.bin, in Trash: 3; the upload: 1.
  assert.equal(await chunks(), 6);
  assert.equal((await usage()).usedBytes, MiB + 10 + 2 * MiB + 10 + 4 * MiB);

  // Nobody looks at this drive again: the sweep frees everything but kept.bin by itself.
  await waitFor(async () => (await chunks()) === 2, { timeoutMs: 30_000, what: 'the expired Trash item and the abandoned upload to leave no chunk' });
  await waitFor(async () => (await usage()).usedBytes === MiB + 10, { timeoutMs: 10_000, what: 'their room to be given back' });
  assert.deepEqual((await usage()).uploads, {});

  // As the user finds it: kept.bin alone, an empty Trash, no upload to resume.
  const listing = await call('GET', '/api/drive/folders/root');
  assert.deepEqual((listing.json.items as { name: string }[]).map((i) => i.name), ['kept.bin']);
  assert.deepEqual((await call('GET', '/api/drive/trash')).json.items, []);
  const resumed = await fetch(`${f.origin}${url}`, { method: 'HEAD', headers: headers({ 'Tus-Resumable': '1.0.0' }) });
  assert.equal(resumed.status, 404);
});
