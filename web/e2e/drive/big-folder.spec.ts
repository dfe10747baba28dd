// A folder longer than a page (1,000 items, written straight into the store in the drive's
// layout): the page shows the first page, folders first, says how many there are, and shows
// more with the "Show more" button or by itself as the list is scrolled to its end, until every
// item is there once; sorting by size still works on what is shown.
import { writeBuckets, newItemId, type StoredEntry } from '../../../scripts/lib/drive-store.ts';
import { expect, logInThroughUi, test } from '../fixtures';
import { mkdir, signUp } from './drive-helpers';

const items = 1000;
const folders = 10;

test('a long folder comes a page at a time: Show more, scrolling, every item once', async ({ page, cloud }) => {
  const user = await signUp(cloud.frontendUrl(1), 'many');
  const many = await mkdir(user, 'root', 'Many');
  const now = Date.now();
  const entries: Record<string, StoredEntry> = {};
  for (let i = 0; i < items; i++) {
    const folder = i < folders;
    const name = folder ? `Folder ${i}` : `file ${String(i).padStart(4, '0')}.txt`;
    entries[newItemId(folder ? 'folder' : 'file')] = folder ? { kind: 'folder', name, created: now, modified: now } : { kind: 'file', name, created: now, modified: now, size: i, type: 'text/plain' };
  }
  await writeBuckets(cloud.cluster.client, user.name, many.id, entries);

  await logInThroughUi(page, user.name, 'drive password');

  // Scrolled to the end of the list, the next page comes by itself, until all are there.
  const scroller = await page.context().newPage();
  await scroller.goto(`/drive?folder=${many.id}`);
  const scrolled = scroller.getByRole('table', { name: 'Files and folders' }).locator('tbody tr');
  await expect(scrolled).toHaveCount(200);
  await expect(scrolled.first()).toContainText('Folder 0');
  await expect(scrolled.nth(folders)).toContainText('file 0010.txt');
  await expect(scroller.getByText('Showing 200 of 1,000 items')).toBeVisible();
  for (let shown = 200; shown < items; shown += 200) {
    await scrolled.last().scrollIntoViewIfNeeded();
    await expect(scrolled).toHaveCount(shown + 200);
  }
  await expect(scroller.getByRole('button', { name: 'Show more' })).toHaveCount(0);
  const names = await scroller.getByRole('table', { name: 'Files and folders' }).locator('tbody tr .pc-name').allTextContents();
  expect(new Set(names).size).toBe(items);
  expect(names.at(-1)).toBe(`file ${String(items - 1).padStart(4, '0')}.txt`);

  // Sorting still works: by size, largest first, folders staying on top.
  await scroller.getByRole('columnheader', { name: 'Size' }).click();
  await scroller.getByRole('columnheader', { name: 'Size' }).click();
  await expect(scrolled.nth(folders)).toContainText(`file ${String(items - 1).padStart(4, '0')}.txt`);
  await expect(scrolled.first()).toContainText('Folder');

  // Where the browser cannot tell (no IntersectionObserver here), Show more loads the next page.
  await page.addInitScript(() => Reflect.deleteProperty(window, 'IntersectionObserver'));
  await page.goto(`/drive?folder=${many.id}`);
  const rows = page.getByRole('table', { name: 'Files and folders' }).locator('tbody tr');
  await expect(rows).toHaveCount(200);
  await page.getByRole('button', { name: 'Show more' }).click();
  await expect(rows).toHaveCount(400);
  await expect(page.getByText('Showing 400 of 1,000 items')).toBeVisible();
});
