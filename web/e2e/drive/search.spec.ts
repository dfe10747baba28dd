// Search by name across the whole drive: a case-blind part of a name finds files and folders at
// any depth, each shown with the path of its folder, and a click opens that folder; what is in
// Trash is not found; a rename or a move is found under its new name or place at once; and a
// drive whose name index is lost (or predates it) is indexed again on the next search.
import type { Page } from '@playwright/test';
import { expect, logInThroughUi, test } from '../fixtures';
import { call, mkdir, signUp, uploadOk, type DriveUser } from './drive-helpers';

interface Hit {
  id: string;
  kind: string;
  name: string;
  path: { id: string; name: string }[];
}

async function search(user: DriveUser, q: string): Promise<{ name: string; path: string }[]> {
  const answer = await call<{ hits: Hit[] }>(user, 'GET', `/api/drive/search?${new URLSearchParams({ q })}`);
  expect(answer.status, JSON.stringify(answer.body)).toBe(200);
  return answer.body.hits.map((h) => ({ name: h.name, path: h.path.map((c) => c.name).join(' / ') }));
}

async function searchFor(page: Page, q: string): Promise<void> {
  await page.getByLabel('Search your drive').fill(q);
  await page.getByLabel('Search your drive').press('Enter');
}

test.describe('drive search', () => {
  test('finds files in nested folders with their path; a click opens the folder', async ({ page, cloud }) => {
    const user = await signUp(cloud.frontendUrl(1), 'seeker');
    const a = await mkdir(user, 'root', 'Alpha');
    const b = await mkdir(user, a.id, 'Beta');
    const c = await mkdir(user, b.id, 'Gamma');
    await uploadOk(user, c.id, 'Deep-Report.pdf', 'deep');
    await uploadOk(user, 'root', 'report summary.txt', 'top');
    await uploadOk(user, b.id, 'unrelated.txt', 'no');
    const old = await uploadOk(user, 'root', 'old report.txt', 'old');
    expect((await call(user, 'POST', '/api/drive/trash', { id: old.id })).status).toBe(200);

    await logInThroughUi(page, user.name, 'drive password');
    await page.goto('/drive');
    await searchFor(page, 'REPORT');
    await expect(page).toHaveURL(/\/drive\?q=REPORT$/);
    const results = page.getByRole('region', { name: 'Search results' });
    await expect(results.getByRole('heading')).toHaveText('Results for “REPORT”');
    const deep = results.getByRole('link', { name: 'Deep-Report.pdf in My Drive / Alpha / Beta / Gamma' });
    await expect(deep).toBeVisible();
    await expect(results.getByRole('link', { name: 'report summary.txt in My Drive' })).toBeVisible();
    await expect(results.getByRole('link')).toHaveCount(2); // not the one in Trash, not unrelated.txt

    await deep.click();
    await expect(page).toHaveURL(new RegExp(`/drive\\?folder=${c.id}$`));
    await expect(page.getByRole('heading', { name: 'Gamma' })).toBeVisible();
    await expect(page.getByRole('row').filter({ hasText: 'Deep-Report.pdf' })).toBeVisible();

    // Back returns to the results, as a person expects.
    await page.goBack();
    await expect(results.getByRole('link')).toHaveCount(2);
  });

  test('renames, moves, Trash and restore show in the next search', async ({ cloud }) => {
    const user = await signUp(cloud.frontendUrl(1), 'indexer');
    const box = await mkdir(user, 'root', 'Box');
    const file = await uploadOk(user, 'root', 'draft.txt', 'text');
    expect(await search(user, 'draft')).toEqual([{ name: 'draft.txt', path: 'My Drive' }]);

    expect((await call(user, 'PATCH', `/api/drive/items/${file.id}`, { name: 'Final Letter.txt', parent: box.id })).status).toBe(200);
    expect(await search(user, 'draft')).toEqual([]);
    expect(await search(user, 'letter')).toEqual([{ name: 'Final Letter.txt', path: 'My Drive / Box' }]);

    // A folder in Trash hides what it holds; restored, it is found again.
    expect((await call(user, 'POST', '/api/drive/trash', { id: box.id })).status).toBe(200);
    expect(await search(user, 'letter')).toEqual([]);
    expect((await call(user, 'POST', '/api/drive/trash/restore', { id: box.id })).status).toBe(200);
    expect(await search(user, 'letter')).toEqual([{ name: 'Final Letter.txt', path: 'My Drive / Box' }]);

    const empty = await call<{ error: string }>(user, 'GET', '/api/drive/search?q=%20');
    expect([empty.status, empty.body.error]).toEqual([400, 'Type part of a name to search for.']);
  });

  test('a drive whose name index is lost is indexed again on the next search', async ({ cloud }) => {
    const user = await signUp(cloud.frontendUrl(1), 'rebuild');
    const folder = await mkdir(user, 'root', 'Keep');
    await uploadOk(user, folder.id, 'needle.bin', 'n');
    const store = cloud.cluster.client;
    const row = `${user.name}#names`;
    const cells = await store.listColumns(row);
    // Written with each folder change: the cells of the folder and the file.
    expect(cells.filter((c) => c.name.startsWith('n/')).length).toBeGreaterThan(0);
    for (const column of cells) await store.delete(row, column.name);
    expect(await store.listColumns(row)).toEqual([]);

    expect(await search(user, 'NEEDLE')).toEqual([{ name: 'needle.bin', path: 'My Drive / Keep' }]);
    // Indexed again: the mark and the cells of the folder and the file.
    expect((await store.listColumns(row)).map((c) => c.name)).toContain('~built');
    expect((await store.listColumns(row)).filter((c) => c.name.startsWith('n/')).length).toBeGreaterThan(0);
  });
});
