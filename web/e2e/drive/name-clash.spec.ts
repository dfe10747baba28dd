// Name clashes are found before a byte is sent: adding files whose names the folder already
// holds asks, for each, Replace / Keep both / Skip (with "apply to all" for the rest of the
// batch), and each choice does what it says — checked by the listing and the downloaded bytes.
// A clash that arises after the question (another upload took the name meanwhile) is still
// refused by the server, and that upload leaves nothing behind.
import { randomBytes } from 'node:crypto';
import type { Page } from '@playwright/test';
import { expect, logInThroughUi, test } from '../fixtures';
import { call, chunkCount, download, list, mkdir, signUp, uploadOk, type DriveUser } from './drive-helpers';

function file(name: string, text: string) {
  return { name, mimeType: 'text/plain', buffer: Buffer.from(text) };
}

async function contentOf(user: DriveUser, name: string): Promise<string | undefined> {
  const item = (await list(user)).items.find((i) => i.name === name);
  return item ? (await download(user, item.id)).body.toString() : undefined;
}

function clashDialog(page: Page, name: string) {
  return page.getByRole('dialog', { name: `“${name}” already exists` });
}

test('a clash asks first; Replace, Keep both, Skip and apply-to-all each do what they say', async ({ page, cloud }) => {
  const user = await signUp(cloud.frontendUrl(1), 'clash');
  const username = user.name;
  await uploadOk(user, 'root', 'a.txt', 'old a');
  await uploadOk(user, 'root', 'b.txt', 'old b');
  await uploadOk(user, 'root', 'c.txt', 'old c');
  await mkdir(user, 'root', 'docs');

  await logInThroughUi(page, username, 'drive password');
  await page.goto('/drive');
  const picker = page.getByLabel('Files to upload');

  // Replace: the file there gives way to the new one, once it is complete, and goes to Trash,
  // from where the replace can be undone (its bytes stay counted until then).
  await picker.setInputFiles([file('a.txt', 'new a')]);
  const a = clashDialog(page, 'a.txt');
  await expect(a).toContainText('already has a file named “a.txt”');
  await expect(a).toContainText('Keep both stores the new file as “a (1).txt”');
  await a.getByRole('button', { name: 'Replace' }).click();
  await expect(page.getByLabel('Upload of a.txt', { exact: true })).toHaveAttribute('data-state', 'done');
  expect(await contentOf(user, 'a.txt')).toBe('new a');
  expect((await list(user)).items.filter((i) => i.name === 'a.txt')).toHaveLength(1);
  expect(await chunkCount(cloud, username)).toBe(4);
  expect((await list(user)).usage.usedBytes).toBe(20);
  const trash = await call<{ items: { id: string; name: string; from: { id: string } }[] }>(user, 'GET', '/api/drive/trash');
  expect(trash.body.items.map((i) => [i.name, i.from.id])).toEqual([['a.txt', 'root']]);

  // Keep both: stored under the next free number, the old file untouched.
  await picker.setInputFiles([file('b.txt', 'new b')]);
  await clashDialog(page, 'b.txt').getByRole('button', { name: 'Keep both' }).click();
  await expect(page.getByLabel('Upload of b.txt', { exact: true })).toHaveAttribute('data-state', 'done');
  expect(await contentOf(user, 'b.txt')).toBe('old b');
  expect(await contentOf(user, 'b (1).txt')).toBe('new b');

  // Skip: nothing is sent.
  await page.getByRole('button', { name: 'Clear finished' }).click();
  await picker.setInputFiles([file('c.txt', 'new c')]);
  await clashDialog(page, 'c.txt').getByRole('button', { name: 'Skip' }).click();
  await expect(page.getByLabel('Upload of c.txt', { exact: true })).toHaveAttribute('data-state', 'skipped');
  expect(await contentOf(user, 'c.txt')).toBe('old c');

  // A folder's name cannot be replaced by a file: only Keep both or Skip. Apply to all: one
  // answer for the other clashes of the batch; a free name goes up without a question.
  await page.getByRole('button', { name: 'Clear finished' }).click();
  await picker.setInputFiles([file('docs', 'a file named docs'), file('a.txt', 'third a'), file('fresh.txt', 'fresh'), file('c.txt', 'newer c')]);
  const docs = clashDialog(page, 'docs');
  await expect(docs.getByRole('button', { name: 'Replace' })).toHaveCount(0);
  await docs.getByText('Do this for the other 2 clashes too').click();
  await docs.getByRole('button', { name: 'Keep both' }).click();
  for (const name of ['docs', 'a.txt', 'fresh.txt', 'c.txt']) {
    await expect(page.getByLabel(`Upload of ${name}`, { exact: true })).toHaveAttribute('data-state', 'done');
  }
  await expect(clashDialog(page, 'a.txt')).toHaveCount(0);
  const names = (await list(user)).items.map((i) => i.name).sort();
  expect(names).toEqual(['a (1).txt', 'a.txt', 'b (1).txt', 'b.txt', 'c (1).txt', 'c.txt', 'docs', 'docs (1)', 'fresh.txt']);
  expect(await contentOf(user, 'a (1).txt')).toBe('third a');
  expect(await contentOf(user, 'c (1).txt')).toBe('newer c');
});

test('a clash that arises after the question is refused by the server, leaving nothing', async ({ cloud }) => {
  const user = await signUp(cloud.frontendUrl(2), 'race');
  const tus = { Cookie: user.cookie, Origin: user.origin, 'Tus-Resumable': '1.0.0' };
  const metadata = `name ${Buffer.from('race.bin').toString('base64')},folder ${Buffer.from('root').toString('base64')}`;
  const content = randomBytes(3000);

  const created = await fetch(`${user.origin}/api/drive/uploads`, { method: 'POST', headers: { ...tus, 'Upload-Length': String(content.length), 'Upload-Metadata': metadata } });
  expect(created.status).toBe(201);
  const url = created.headers.get('location')!;
  // Meanwhile the name is taken by an ordinary upload.
  await uploadOk(user, 'root', 'race.bin', 'first');
  const last = await fetch(`${user.origin}${url}`, {
    method: 'PATCH',
    headers: { ...tus, 'Upload-Offset': '0', 'Content-Type': 'application/offset+octet-stream' },
    body: new Uint8Array(content),
  });
  expect(last.status).toBe(409);
  expect(JSON.parse(await last.text())).toMatchObject({ code: 'already_exists', error: 'Something named "race.bin" is already in this folder.' });
  expect((await fetch(`${user.origin}${url}`, { method: 'HEAD', headers: tus })).status).toBe(404);
  const listing = await list(user);
  expect(listing.items.map((i) => i.name)).toEqual(['race.bin']);
  expect(listing.usage.usedBytes).toBe(5);

  // And creating an upload under a taken name is refused at once.
  const taken = await fetch(`${user.origin}/api/drive/uploads`, { method: 'POST', headers: { ...tus, 'Upload-Length': '1', 'Upload-Metadata': metadata } });
  expect(taken.status).toBe(409);
  expect((await call(user, 'GET', '/api/drive/uploads')).body).toEqual({ uploads: [] });
});
