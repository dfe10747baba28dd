// The drive page as a person uses it: files dropped onto the page upload (a 12 MB random file
// and a text file), download byte for byte (SHA-256 compared), folders nest, and rename, move
// through the folder picker and delete of a folder with contents all work; a large upload shows
// its progress bar and can be cancelled, leaving nothing behind — also when the cancel comes
// before the server has answered the upload's creation, and the page is reloaded right after.
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import type { Page } from '@playwright/test';
import { waitFor } from '../../../scripts/lib/processes.ts';
import { expect, logInThroughUi, seedUser, test, uniqueName } from '../fixtures';
import { chunkCount } from './drive-helpers';

const MiB = 1024 * 1024;

function sha256File(path: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const hash = createHash('sha256');
    createReadStream(path)
      .on('data', (d) => hash.update(d))
      .on('end', () => resolve(hash.digest('hex')))
      .on('error', reject);
  });
}

function row(page: Page, name: string) {
  return page.getByRole('row').filter({ has: page.getByRole('link', { name, exact: true }) });
}

async function itemAction(page: Page, name: string, action: string): Promise<void> {
  const menu = page.getByLabel(`Actions for ${name}`, { exact: true });
  await menu.click();
  await menu.getByRole('option', { name: action }).click();
}

async function newFolder(page: Page, name: string): Promise<void> {
  await page.getByRole('button', { name: 'New folder' }).click();
  const dialog = page.getByRole('dialog', { name: 'New folder' });
  await dialog.getByLabel('Name').fill(name);
  await dialog.getByRole('button', { name: 'Create' }).click();
  await expect(dialog).toBeHidden();
  await expect(row(page, name)).toBeVisible();
}

test.describe('drive page', () => {
  test('drop files, download them intact, nest folders, rename, move, delete a folder', async ({ page, request, cloud }) => {
    const username = uniqueName('dragger');
    await seedUser(request, cloud.frontendUrl(1), username, 'drive password');
    await logInThroughUi(page, username, 'drive password');
    await page.goto('/drive');
    await expect(page.getByText('This folder is empty')).toBeVisible();

    // Two files made in the page, dropped onto it as a person would from a file manager.
    const dataTransfer = await page.evaluateHandle(async () => {
      const big = new Uint8Array(12 * 1024 * 1024);
      for (let offset = 0; offset < big.length; offset += 65536) crypto.getRandomValues(big.subarray(offset, offset + 65536));
      const text = new TextEncoder().encode('Hello, drive! Ünïcödé text.\n');
      const hex = async (data: Uint8Array<ArrayBuffer>) => [...new Uint8Array(await crypto.subtle.digest('SHA-256', data))].map((b) => b.toString(16).padStart(2, '0')).join('');
      (window as unknown as { hashes: Record<string, string> }).hashes = { 'random.bin': await hex(big), 'hello.txt': await hex(text) };
      const transfer = new DataTransfer();
      transfer.items.add(new File([big], 'random.bin', { type: 'application/octet-stream' }));
      transfer.items.add(new File([text], 'hello.txt', { type: 'text/plain' }));
      return transfer;
    });
    const zone = page.getByTestId('drive-drop-zone');
    await zone.dispatchEvent('dragenter', { dataTransfer });
    await expect(page.getByText('Drop to upload to “My Drive”')).toBeVisible();
    await zone.dispatchEvent('dragover', { dataTransfer });
    await zone.dispatchEvent('drop', { dataTransfer });
    await expect(page.getByLabel('Upload of random.bin', { exact: true })).toHaveAttribute('data-state', 'done', { timeout: 60_000 });
    await expect(page.getByLabel('Upload of hello.txt', { exact: true })).toHaveAttribute('data-state', 'done');
    await expect(row(page, 'random.bin')).toContainText('12.0 MiB');
    await expect(row(page, 'hello.txt')).toBeVisible();

    const hashes = await page.evaluate(() => (window as unknown as { hashes: Record<string, string> }).hashes);
    for (const name of ['random.bin', 'hello.txt']) {
      // A click opens the viewer; its Download button downloads.
      await page.getByRole('link', { name, exact: true }).click();
      const viewer = page.getByRole('dialog', { name: `Preview of ${name}` });
      const downloading = page.waitForEvent('download');
      await viewer.getByRole('button', { name: 'Download' }).click();
      const download = await downloading;
      expect(download.suggestedFilename()).toBe(name);
      expect(await sha256File(await download.path())).toBe(hashes[name]);
      await viewer.getByRole('button', { name: 'Close' }).click();
      await expect(viewer).toBeHidden();
    }

    // Sorting by size puts the bigger file last when ascending (folders stay first).
    await page.getByRole('columnheader', { name: 'Size' }).click();
    await expect(page.getByRole('row').nth(1)).toContainText('hello.txt');
    await page.getByRole('columnheader', { name: 'Size' }).click();
    await expect(page.getByRole('row').nth(1)).toContainText('random.bin');

    // Nested folders, and the breadcrumbs back up.
    await newFolder(page, 'Level 1');
    await page.getByRole('link', { name: 'Level 1', exact: true }).click();
    await expect(page.getByText('This folder is empty')).toBeVisible();
    await newFolder(page, 'Level 2');
    await page.getByRole('link', { name: 'Level 2', exact: true }).click();
    const crumbs = page.getByLabel('Folder path');
    await expect(crumbs).toHaveText(/My Drive\s*Level 1\s*Level 2/);
    await expect(page).toHaveURL(/\/drive\?folder=d/);
    await page.goBack();
    await expect(row(page, 'Level 2')).toBeVisible();
    await crumbs.getByText('My Drive').click();
    await expect(row(page, 'random.bin')).toBeVisible();

    // Rename; a taken name is refused with the server's message.
    await itemAction(page, 'hello.txt', 'Rename');
    const rename = page.getByRole('dialog', { name: 'Rename file' });
    await rename.getByLabel('Name').fill('random.bin');
    await rename.getByRole('button', { name: 'Rename' }).click();
    await expect(rename.getByRole('alert')).toHaveText('Something named "random.bin" is already in this folder.');
    await rename.getByLabel('Name').fill('greeting.txt');
    await rename.getByRole('button', { name: 'Rename' }).click();
    await expect(row(page, 'greeting.txt')).toBeVisible();
    await expect(row(page, 'hello.txt')).toHaveCount(0);

    // Move a file into Level 2 through the folder picker.
    await itemAction(page, 'random.bin', 'Move');
    const move = page.getByRole('dialog', { name: 'Move random.bin' });
    await move.getByRole('button', { name: 'Open Level 1' }).click();
    await move.getByRole('button', { name: 'Open Level 2' }).click();
    await move.getByRole('button', { name: 'Move to “Level 2”' }).click();
    await expect(move).toBeHidden();
    await expect(row(page, 'random.bin')).toHaveCount(0);
    await page.getByRole('link', { name: 'Level 1', exact: true }).click();
    await page.getByRole('link', { name: 'Level 2', exact: true }).click();
    await expect(row(page, 'random.bin')).toBeVisible();

    // Delete Level 1 with all it holds, after a confirm; its chunks leave the store.
    await crumbs.getByText('My Drive').click();
    await itemAction(page, 'Level 1', 'Delete');
    const confirm = page.getByRole('dialog', { name: 'Delete Level 1' });
    await expect(confirm).toContainText('everything in it');
    await confirm.getByRole('button', { name: 'Delete' }).click();
    await expect(row(page, 'Level 1')).toHaveCount(0);
    await expect(row(page, 'greeting.txt')).toBeVisible();
    expect(await chunkCount(cloud, username)).toBe(1);
  });

  test('a large upload shows its progress and can be cancelled, leaving nothing', async ({ page, request, cloud }, testInfo) => {
    const username = uniqueName('big');
    await seedUser(request, cloud.frontendUrl(1), username, 'drive password');
    await logInThroughUi(page, username, 'drive password');
    await page.goto('/drive');

    const path = testInfo.outputPath('large.bin');
    const file = await open(path, 'w');
    const piece = Buffer.alloc(MiB, 7);
    for (let i = 0; i < 300; i++) await file.write(piece);
    await file.close();

    await page.getByLabel('Files to upload').setInputFiles(path);
    const upload = page.getByLabel('Upload of large.bin', { exact: true });
    await expect(upload).toHaveAttribute('data-state', 'sending');
    const bar = page.getByLabel('Progress of large.bin', { exact: true });
    await expect(bar).toBeVisible();
    await expect
      .poll(async () => Number(await bar.getAttribute('data-percent')), { timeout: 60_000 })
      .toBeGreaterThan(2);
    await expect(upload).toContainText(/Uploading · [\d.]+ MiB of 300 MiB/);
    // The server has set the file's room aside, and the page says so.
    await expect(page.getByLabel('Storage used')).toContainText('300 MiB of 10.0 GiB used');
    await page.getByRole('button', { name: 'Cancel upload of large.bin' }).click();
    await expect(upload).toHaveAttribute('data-state', 'cancelled');
    // The room comes back on the page as soon as the server has let the upload go.
    await expect(page.getByLabel('Storage used')).toContainText('0 bytes of 10.0 GiB used');
    await waitFor(async () => (await chunkCount(cloud, username)) === 0, { timeoutMs: 20_000, what: 'the cancelled upload to leave no chunk' });
    await page.reload();
    await expect(page.getByText('This folder is empty')).toBeVisible();
    await expect(page.getByLabel('Storage used')).toContainText('0 bytes of 10.0 GiB used');
  });

  test('a cancel while the upload is being created, then a reload at once, still frees the room', async ({ page, request, cloud }) => {
    const username = uniqueName('racer');
    await seedUser(request, cloud.frontendUrl(1), username, 'drive password');
    await logInThroughUi(page, username, 'drive password');
    await page.goto('/drive');

    // The creation's answer is held back until the person has clicked Cancel: the server has
    // reserved the room, the page does not know the upload's address yet.
    let created!: () => void;
    const reserved = new Promise<void>((resolve) => (created = resolve));
    let answer!: () => void;
    const clicked = new Promise<void>((resolve) => (answer = resolve));
    await page.route('**/api/drive/uploads', async (route) => {
      if (route.request().method() !== 'POST') return route.continue();
      const response = await route.fetch();
      created();
      await clicked;
      await route.fulfill({ response });
    });
    await page.getByLabel('Files to upload').setInputFiles({ name: 'race.bin', mimeType: 'application/octet-stream', buffer: Buffer.alloc(20 * MiB, 1) });
    await reserved;
    const listed = await request.get(`${cloud.frontendUrl(1)}/api/drive/folders/root`);
    expect(((await listed.json()) as { usage: { usedBytes: number } }).usage.usedBytes).toBe(20 * MiB);

    const deleting = page.waitForRequest((r) => r.method() === 'DELETE' && r.url().includes('/api/drive/uploads/'));
    await page.getByRole('button', { name: 'Cancel upload of race.bin' }).click();
    answer();
    // The cancel's DELETE is on its way; the page is reloaded before it is answered.
    await deleting;
    await page.unroute('**/api/drive/uploads');
    await page.reload();
    await expect
      .poll(async () => ((await (await request.get(`${cloud.frontendUrl(1)}/api/drive/folders/root`)).json()) as { usage: { usedBytes: number } }).usage.usedBytes, {
        timeout: 20_000,
      })
      .toBe(0);
    expect(((await (await request.get(`${cloud.frontendUrl(1)}/api/drive/uploads`)).json()) as { uploads: unknown[] }).uploads).toEqual([]);
    expect(await chunkCount(cloud, username)).toBe(0);
  });
});
