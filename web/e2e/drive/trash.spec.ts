// Trash as a person uses it: Send to Trash takes an item out of its folder with Undo right
// there; Trash lists what was deleted, from where and when; Restore puts an item back where it
// was, or at the top when that folder is gone, under "name (1).ext" when its name is taken
// there; Empty Trash deletes everything in it for good and gives the room back, as the page
// shows; a long Trash comes a page at a time. Through the API: a DELETE of an item in Trash is final, and an item in Trash cannot be
// renamed, moved or added to.
import type { Page } from '@playwright/test';
import { expect, logInThroughUi, test } from '../fixtures';
import { newItemId, writeBuckets, type StoredEntry } from '../../../scripts/lib/drive-store.ts';
import { call, chunkCount, list, mkdir, scrollThrough, signUp, uploadOk, type Answer, type DriveUser } from './drive-helpers';

const MiB = 1024 * 1024;

function row(page: Page, name: string) {
  return page.getByRole('row').filter({ has: page.getByRole('link', { name, exact: true }) });
}

function trashRow(page: Page, name: string) {
  return page.getByRole('table', { name: 'Items in Trash' }).getByRole('row', { name, exact: true });
}

async function itemAction(page: Page, name: string, action: string): Promise<void> {
  const menu = page.getByLabel(`Actions for ${name}`, { exact: true });
  await menu.click();
  await menu.getByRole('option', { name: action, exact: true }).click();
}

async function openAs(page: Page, user: DriveUser, path = '/drive'): Promise<void> {
  await logInThroughUi(page, user.name, 'drive password');
  await page.goto(path);
}

test.describe('drive Trash', () => {
  test('a long Trash comes a page at a time, newest first, through the API and on the page', async ({ page, cloud }) => {
    const user = await signUp(cloud.frontendUrl(1), 'longtrash');
    const real = await uploadOk(user, 'root', 'real.txt', 'real');
    expect((await call(user, 'POST', '/api/drive/trash', { id: real.id })).status).toBe(200);
    // 450 more, written straight into Trash's buckets (its head now exists), each trashed a second apart.
    const base = Date.now() - 3600_000;
    const entries: Record<string, StoredEntry> = {};
    const cells = (await cloud.cluster.client.readColumns(`${user.name}#files`, { prefix: 'folder:trash/' })).columns;
    const realEntry = cells.map((c) => (JSON.parse(c.value.toString('utf8')) as { entries: Record<string, StoredEntry> }).entries[real.id]).find((e) => e !== undefined);
    expect(realEntry?.name).toBe('real.txt');
    entries[real.id] = realEntry!;
    for (let i = 0; i < 450; i++) {
      entries[newItemId('file')] = { kind: 'file', name: `old ${String(i).padStart(3, '0')}.txt`, created: base, modified: base, size: 0, type: 'text/plain', trashed: { from: 'root', fromPath: 'My Drive', at: base + i * 1000 } };
    }
    await writeBuckets(cloud.cluster.client, user.name, 'trash', entries);

    // Through the API: pages of 200, every item once, newest first.
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const answer: Answer<{ items: { name: string }[]; total: number; next: string | null }> = await call(user, 'GET', `/api/drive/trash${cursor ? `?cursor=${cursor}` : ''}`);
      expect(answer.status).toBe(200);
      expect(answer.body.total).toBe(451);
      expect(answer.body.items.length).toBeLessThanOrEqual(200);
      seen.push(...answer.body.items.map((i) => i.name));
      cursor = answer.body.next;
    } while (cursor);
    expect(seen).toEqual(['real.txt', ...Array.from({ length: 450 }, (_, i) => `old ${String(449 - i).padStart(3, '0')}.txt`)]);
    expect((await call(user, 'GET', '/api/drive/trash?cursor=made-up')).status).toBe(400);

    // On the page: the first 200, then a page more each time the list is scrolled to its end
    // (the same Show more as a folder's: big-folder.spec clicks it).
    await openAs(page, user, '/drive?view=trash');
    const rows = page.getByRole('table', { name: 'Items in Trash' }).locator('tbody tr');
    await expect(rows.first()).toHaveAccessibleName('real.txt');
    await expect(page.getByText('Showing 200 of 451 items.', { exact: true })).toBeVisible();
    await scrollThrough(rows, [200, 400, 451]);
    await expect(rows.last()).toHaveAccessibleName('old 000.txt');
    await expect(page.getByRole('button', { name: 'Show more' })).toHaveCount(0);
  });

  test('Send to Trash, then Undo: the file is back where it was', async ({ page, cloud }) => {
    const user = await signUp(cloud.frontendUrl(1), 'trasher');
    await uploadOk(user, 'root', 'keep me.txt', 'kept');
    await uploadOk(user, 'root', 'other.txt', 'other');
    await openAs(page, user);

    await itemAction(page, 'keep me.txt', 'Send to Trash');
    await expect(row(page, 'keep me.txt')).toHaveCount(0);
    const note = page.getByRole('status').filter({ hasText: 'was moved to Trash' });
    await expect(note).toContainText('“keep me.txt” was moved to Trash.');
    expect((await list(user)).items.map((i) => i.name)).toEqual(['other.txt']);

    await note.getByRole('button', { name: 'Undo' }).click();
    await expect(page.getByRole('status').filter({ hasText: 'Restored' })).toContainText('Restored “keep me.txt” to “My Drive”.');
    await expect(row(page, 'keep me.txt')).toBeVisible();
    expect((await list(user)).items.map((i) => i.name).sort()).toEqual(['keep me.txt', 'other.txt']);
  });

  test('Trash lists where items came from; Restore puts one back in its folder', async ({ page, cloud }) => {
    const user = await signUp(cloud.frontendUrl(1), 'restorer');
    const docs = await mkdir(user, 'root', 'Docs');
    const inner = await mkdir(user, docs.id, 'Inner');
    const file = await uploadOk(user, inner.id, 'plan.md', '# plan');
    expect((await call(user, 'POST', '/api/drive/trash', { id: file.id })).status).toBe(200);
    expect((await list(user, inner.id)).items).toEqual([]);

    await openAs(page, user);
    await page.getByRole('button', { name: 'Trash', exact: true }).click();
    await expect(page).toHaveURL(/\/drive\?view=trash$/);
    await expect(page.getByRole('heading', { name: 'Trash' })).toBeVisible();
    await expect(trashRow(page, 'plan.md')).toContainText('My Drive / Docs / Inner');
    await expect(page.getByText('deleted for good after 30 days')).toBeVisible();

    await page.getByRole('button', { name: 'Restore plan.md' }).click();
    await expect(page.getByRole('status')).toContainText('Restored “plan.md” to “Inner”.');
    await expect(page.getByText('Trash is empty')).toBeVisible();
    await page.getByRole('link', { name: 'Open the folder' }).click();
    await expect(page.getByRole('heading', { name: 'Inner' })).toBeVisible();
    await expect(row(page, 'plan.md')).toBeVisible();
  });

  test('restore when the folder is gone goes to the top, under a free name', async ({ page, cloud }) => {
    const user = await signUp(cloud.frontendUrl(1), 'orphan');
    const gone = await mkdir(user, 'root', 'Soon gone');
    const file = await uploadOk(user, gone.id, 'notes.txt', 'in the folder');
    await uploadOk(user, 'root', 'notes.txt', 'already at the top');
    expect((await call(user, 'POST', '/api/drive/trash', { id: file.id })).status).toBe(200);
    expect((await call(user, 'DELETE', `/api/drive/items/${gone.id}`)).status).toBe(200);

    await openAs(page, user, '/drive?view=trash');
    await expect(trashRow(page, 'notes.txt')).toContainText('My Drive / Soon gone');
    await page.getByRole('button', { name: 'Restore notes.txt' }).click();
    await expect(page.getByRole('status')).toContainText('Restored “notes (1).txt” to “My Drive”.');
    await page.getByRole('link', { name: 'Open the folder' }).click();
    await expect(row(page, 'notes (1).txt')).toBeVisible();
    await expect(row(page, 'notes.txt')).toBeVisible();
  });

  test('Empty Trash deletes for good and gives the room back, as the page shows', async ({ page, cloud }) => {
    const user = await signUp(cloud.frontendUrl(1), 'emptier');
    const big = await uploadOk(user, 'root', 'big.bin', Buffer.alloc(3 * MiB, 1));
    const folder = await mkdir(user, 'root', 'Old stuff');
    await uploadOk(user, folder.id, 'small.bin', Buffer.alloc(1 * MiB, 2));
    for (const id of [big.id, folder.id]) expect((await call(user, 'POST', '/api/drive/trash', { id })).status).toBe(200);
    // Trash still counts against the quota.
    expect((await list(user)).usage.usedBytes).toBe(4 * MiB);

    await openAs(page, user, '/drive?view=trash');
    await expect(page.getByLabel('Storage used')).toContainText('4.0 MiB of');
    await expect(trashRow(page, 'big.bin')).toBeVisible();
    await expect(trashRow(page, 'Old stuff')).toBeVisible();
    await page.getByRole('button', { name: 'Empty Trash' }).click();
    const confirm = page.getByRole('dialog', { name: 'Empty Trash' });
    await expect(confirm).toContainText('All 2 items');
    await confirm.getByRole('button', { name: 'Empty Trash' }).click();
    await expect(page.getByText('Trash is empty')).toBeVisible();
    await expect(page.getByLabel('Storage used')).toContainText('0 bytes of');
    expect(await chunkCount(cloud, user.name)).toBe(0);
  });

  test('API: a DELETE of an item in Trash is final; an item in Trash cannot be renamed, moved or added to', async ({ cloud }) => {
    const user = await signUp(cloud.frontendUrl(1), 'trashapi');
    const folder = await mkdir(user, 'root', 'Box');
    const file = await uploadOk(user, 'root', 'gone.txt', 'x'.repeat(5000));
    const trashed = await call<{ item: { id: string; name: string } }>(user, 'POST', '/api/drive/trash', { id: file.id });
    expect(trashed.status).toBe(200);
    expect(trashed.body.item.name).toBe('gone.txt');

    const listing = await call<{ items: { id: string; from: { id: string; path: string }; trashedAt: string; purgeAt: string }[] }>(user, 'GET', '/api/drive/trash');
    expect(listing.body.items).toHaveLength(1);
    expect(listing.body.items[0]).toMatchObject({ id: file.id, from: { id: 'root', path: 'My Drive' } });

    const rename = await call<{ error: string }>(user, 'PATCH', `/api/drive/items/${file.id}`, { name: 'new.txt' });
    expect([rename.status, rename.body.error]).toEqual([409, 'That item is in Trash; restore it first.']);
    const move = await call<{ error: string }>(user, 'PATCH', `/api/drive/items/${file.id}`, { parent: folder.id });
    expect(move.status).toBe(409);
    expect((await call(user, 'POST', '/api/drive/folders', { parent: 'trash', name: 'x' })).status).toBe(404);
    expect((await call(user, 'GET', '/api/drive/folders/trash')).status).toBe(404);

    const gone = await call<{ deleted: { files: number; bytes: number } }>(user, 'DELETE', `/api/drive/items/${file.id}`);
    expect([gone.status, gone.body.deleted.files, gone.body.deleted.bytes]).toEqual([200, 1, 5000]);
    expect((await call<{ items: unknown[] }>(user, 'GET', '/api/drive/trash')).body.items).toEqual([]);
    expect((await call(user, 'POST', '/api/drive/trash/restore', { id: file.id })).status).toBe(404);
    expect((await list(user)).usage.usedBytes).toBe(0);
    expect(await chunkCount(cloud, user.name)).toBe(0);
  });
});
