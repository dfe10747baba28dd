// The raw-data browser: a node's rows ten at a time, forward and back, each row's columns with
// their sizes; a value opens as text when it is text and as hex when it is not, shows only its
// first KiB when large, and downloads whole. The rows are written straight into the store (the
// browser reads them raw, whatever wrote them), under a name that opens the node's listing.
import { readFile } from 'node:fs/promises';
import { expect, logInThroughUi, test, uniqueName } from '../fixtures';
import { openConsole, seedAdmin } from './admin-helpers';

test('page through a node, open a text value, a binary value as hex, and a large value', async ({ page, request, cloud }) => {
  test.setTimeout(90_000);
  // `!` sorts before every row the cloud writes itself (`#login#…`, `#signup#…`, names), and a
  // later run's prefix before an earlier one's in the same cluster.
  const prefix = `!${(Number.MAX_SAFE_INTEGER - Date.now()).toString(36)}`;
  const rowName = (i: number) => `${prefix}-${String(i).padStart(2, '0')}#raw`;
  const binary = Buffer.from(Array.from({ length: 256 }, (_, i) => i));
  const large = Buffer.from('line of text\n'.repeat(16_000)); // 208,000 bytes
  for (let i = 0; i < 25; i++) await cloud.cluster.client.put(rowName(i), 'note', `row ${i}: héllo`);
  await cloud.cluster.client.put(rowName(3), 'blob', binary);
  await cloud.cluster.client.put(rowName(4), 'big', large);

  const admin = uniqueName('adm');
  await seedAdmin(cloud, request, admin, 'admin password');
  await logInThroughUi(page, admin, 'admin password');
  // Column names and sizes only: no page of rows carries the values.
  // A page the console stopped waiting for (its node was changed meanwhile) has no body to read:
  // null, and only the pages read are checked.
  const rowPages: Promise<string | null>[] = [];
  page.on('response', (r) => {
    if (r.url().includes('/api/admin/rows?')) rowPages.push(r.text().catch(() => null));
  });
  await openConsole(page);
  await page.getByRole('tab', { name: /Raw data/ }).click();
  // A backup: it lists its own rows, and passes value reads to its primary.
  const node = (await cloud.cluster.status()).nodes.find((n) => n.group === 0 && n.role === 'backup')!.id;
  await page.getByLabel('Storage node').selectOption(node);

  const table = page.getByRole('table', { name: `Rows of ${node}` });
  const rowCells = table.locator('tbody tr td:first-child');
  const names = (from: number, to: number) => Array.from({ length: to - from }, (_, i) => rowName(from + i));
  await expect(rowCells).toHaveText(names(0, 10));
  await expect(page.getByText('Page 1 · rows 1–10')).toBeVisible();
  await expect(page.getByRole('button', { name: 'Previous' })).toBeDisabled();
  await expect(table.getByRole('button', { name: 'blob, 256 B' })).toBeVisible();
  await expect(table.getByRole('button', { name: 'big, 203 KiB' })).toBeVisible();

  await page.getByRole('button', { name: 'Next' }).click();
  await expect(rowCells).toHaveText(names(10, 20));
  await expect(page.getByText('Page 2 · rows 11–20')).toBeVisible();
  await page.getByRole('button', { name: 'Next' }).click();
  await expect(rowCells.first()).toHaveText(rowName(20));
  await expect(rowCells.nth(4)).toHaveText(rowName(24));
  await expect(page.getByText(/^Page 3 · rows 21–/)).toBeVisible();
  await page.getByRole('button', { name: 'Previous' }).click();
  await expect(rowCells).toHaveText(names(10, 20));
  await page.getByRole('button', { name: 'Previous' }).click();
  await expect(rowCells).toHaveText(names(0, 10));
  await expect(page.getByRole('button', { name: 'Previous' })).toBeDisabled();
  const read = (await Promise.all(rowPages)).filter((text) => text !== null);
  expect(read.length).toBeGreaterThanOrEqual(3);
  for (const text of read) {
    expect(text).not.toContain('line of text');
    expect(text.length).toBeLessThan(8_000);
  }

  // Text.
  await table.getByRole('row', { name: new RegExp(rowName(0)) }).getByRole('button', { name: /^note, / }).click();
  let dialog = page.getByRole('dialog', { name: 'Value of note' });
  await expect(dialog.getByText('Text (UTF-8)')).toBeVisible();
  await expect(dialog.getByLabel('Value content')).toHaveText('row 0: héllo');
  await dialog.getByRole('button', { name: 'Close' }).click();

  // Binary: hex, and the download is the exact bytes.
  await table.getByRole('button', { name: 'blob, 256 B' }).click();
  dialog = page.getByRole('dialog', { name: 'Value of blob' });
  await expect(dialog.getByText('Binary, shown as hex')).toBeVisible();
  const dump = dialog.getByLabel('Value content');
  await expect(dump).toContainText('00000000  00 01 02 03 04 05 06 07  08 09 0a 0b 0c 0d 0e 0f  |................|');
  await expect(dump).toContainText('00000040  40 41 42 43 44 45 46 47  48 49 4a 4b 4c 4d 4e 4f  |@ABCDEFGHIJKLMNO|');
  const [download] = await Promise.all([page.waitForEvent('download'), dialog.getByRole('link', { name: 'Download' }).click()]);
  // Unsafe characters in the name become `_`, none leads it: the `!` is gone.
  expect(download.suggestedFilename()).toBe(`${prefix.slice(1)}-03_raw.blob.bin`);
  expect(await readFile(await download.path())).toEqual(binary);
  await dialog.getByRole('button', { name: 'Close' }).click();

  // Large: the first 64 KiB are shown, all of it downloads.
  await table.getByRole('button', { name: 'big, 203 KiB' }).click();
  dialog = page.getByRole('dialog', { name: 'Value of big' });
  await expect(dialog.getByText('Showing the first 64.0 KiB of 203 KiB')).toBeVisible();
  const shown = (await dialog.getByLabel('Value content').textContent()) ?? '';
  expect(shown.length).toBe(64 * 1024);
  const [bigDownload] = await Promise.all([page.waitForEvent('download'), dialog.getByRole('link', { name: 'Download' }).click()]);
  expect((await readFile(await bigDownload.path())).equals(large)).toBe(true);
});
