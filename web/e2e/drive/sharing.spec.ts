// Sharing as its people use it: a link opened in a browser that never logged in (a file
// downloads with the same bytes; a folder lists and downloads what is inside it, and nothing
// outside it, a long one a page at a time), a password link, a link that expires, a link revoked (gone at once, on every
// frontend), an item shared with another user (in their Shared with me, downloadable, never
// changeable), the Share dialog, and guessing tokens from one address (429).
import { createHash, randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import type { Browser, Page } from '@playwright/test';
import { expect, formAlert, logInThroughUi, test } from '../fixtures';
import { newItemId, writeBuckets, type StoredEntry } from '../../../scripts/lib/drive-store.ts';
import { call, mkdir, scrollThrough, signUp, uploadOk, type DriveUser } from './drive-helpers';

interface Share {
  id: string;
  kind: 'link' | 'user';
  itemId: string;
  item: { id: string; name: string } | null;
  link?: { token: string; path: string; expires: string | null; expired: boolean; password: boolean };
  recipient?: string;
}

const sha256 = (data: Buffer) => createHash('sha256').update(data).digest('hex');

async function makeLink(user: DriveUser, item: string, options: { expiresAt?: string; password?: string } = {}): Promise<Share> {
  const answer = await call<{ share: Share }>(user, 'POST', '/api/drive/shares', { kind: 'link', item, ...options });
  expect(answer.status, JSON.stringify(answer.body)).toBe(201);
  return answer.body.share;
}

/** A visitor without an account: no cookie at all. */
async function visit(origin: string, path: string, headers: Record<string, string> = {}): Promise<{ status: number; body: Buffer; headers: Headers }> {
  const response = await fetch(`${origin}${path}`, { headers, redirect: 'manual' });
  return { status: response.status, body: Buffer.from(await response.arrayBuffer()), headers: response.headers };
}

async function statusOf(origin: string, path: string): Promise<number> {
  return (await visit(origin, path)).status;
}

/** A browser that never logged in, on a link's page. */
async function freshPage(browser: Browser, url: string): Promise<Page> {
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.goto(url);
  return page;
}

async function downloadFrom(page: Page, click: () => Promise<void>): Promise<Buffer> {
  const [download] = await Promise.all([page.waitForEvent('download'), click()]);
  return readFile((await download.path())!);
}

test.describe('drive sharing', () => {
  let alice: DriveUser;
  test.beforeEach(async ({ cloud }) => {
    alice = await signUp(cloud.frontendUrl(1), 'sharer');
  });

  test('a file link opens without an account and downloads the same bytes; revoked, it is gone at once', async ({ browser, cloud }) => {
    const content = randomBytes(300_000);
    const file = await uploadOk(alice, 'root', 'report.bin', content);
    const share = await makeLink(alice, file.id);
    expect(share.link).toMatchObject({ path: `/s/${share.link!.token}`, expires: null, expired: false, password: false });
    expect(share.link!.token).toMatch(/^[A-Za-z0-9_-]{32}$/);

    const page = await freshPage(browser, `${cloud.lbUrl}${share.link!.path}`);
    await expect(page.getByRole('heading', { name: /report\.bin/ })).toBeVisible();
    await expect(page.getByText(`Shared by ${alice.name}`)).toBeVisible();
    const downloaded = await downloadFrom(page, () => page.getByRole('button', { name: 'Download' }).click());
    expect(sha256(downloaded)).toBe(sha256(content));

    // Through the other frontend too, as an attachment never run as a page.
    const direct = await visit(cloud.frontendUrl(2), `/api/shared/${share.link!.token}/files/${file.id}`);
    expect(direct.status).toBe(200);
    expect(sha256(direct.body)).toBe(sha256(content));
    expect(direct.headers.get('content-disposition')).toMatch(/^attachment;/);
    expect(direct.headers.get('x-content-type-options')).toBe('nosniff');

    const owned = await call<{ shares: Share[] }>(alice, 'GET', '/api/drive/shares');
    expect(owned.body.shares.map((s) => [s.id, s.item?.name])).toEqual([[share.id, 'report.bin']]);

    expect((await call(alice, 'DELETE', `/api/drive/shares/${encodeURIComponent(share.id)}`)).status).toBe(200);
    for (const n of [1, 2]) expect(await statusOf(cloud.frontendUrl(n), `/api/shared/${share.link!.token}/files/${file.id}`)).toBe(404);
    const gone = await page.goto(`${cloud.lbUrl}${share.link!.path}`);
    expect(gone?.status()).toBe(404);
    await expect(page.getByRole('heading', { name: 'This link is not available' })).toBeVisible();
    expect((await call<{ shares: Share[] }>(alice, 'GET', '/api/drive/shares')).body.shares).toEqual([]);
  });

  test('an HTML file is only ever downloaded, never shown as a page of the site', async ({ cloud }) => {
    const file = await uploadOk(alice, 'root', 'page.html', '<script>alert(1)</script>', 'text/html');
    const share = await makeLink(alice, file.id);
    const answer = await visit(cloud.frontendUrl(1), `/api/shared/${share.link!.token}/files/${file.id}`);
    expect(answer.status).toBe(200);
    expect(answer.headers.get('content-disposition')).toMatch(/^attachment;/);
    expect(answer.headers.get('x-content-type-options')).toBe('nosniff');
    expect(answer.headers.get('content-security-policy')).toContain('sandbox');
  });

  test('a folder link lists the folder and the folders inside it, downloads their files, and reaches nothing else', async ({ browser, cloud }) => {
    const shared = await mkdir(alice, 'root', 'Holiday');
    const inner = await mkdir(alice, shared.id, 'Day 1');
    const nestedContent = randomBytes(50_000);
    const nested = await uploadOk(alice, inner.id, 'beach.jpg', nestedContent, 'image/jpeg');
    const outside = await mkdir(alice, 'root', 'Private');
    const secret = await uploadOk(alice, outside.id, 'secret.txt', 'not for you');
    const share = await makeLink(alice, shared.id);
    const token = share.link!.token;

    const page = await freshPage(browser, `${cloud.lbUrl}${share.link!.path}`);
    await expect(page.getByRole('heading', { name: /Holiday/ })).toBeVisible();
    await page.getByRole('link', { name: 'Day 1' }).click();
    await expect(page.getByRole('link', { name: 'beach.jpg' })).toBeVisible();
    // A click opens the viewer, whose Download button gives the same bytes.
    await page.getByRole('link', { name: 'beach.jpg' }).click();
    const viewer = page.getByRole('dialog', { name: 'Preview of beach.jpg' });
    const downloaded = await downloadFrom(page, () => viewer.getByRole('button', { name: 'Download' }).click());
    expect(sha256(downloaded)).toBe(sha256(nestedContent));
    await viewer.getByRole('button', { name: 'Close' }).click();
    await expect(viewer).toBeHidden();
    // Back up through the breadcrumbs, no further than the shared folder.
    await expect(page.getByLabel('Folder path')).toHaveText(/Holiday.*Day 1/);
    await page.getByLabel('Folder path').getByText('Holiday').click();
    await expect(page.getByRole('link', { name: 'Day 1' })).toBeVisible();

    const origin = cloud.frontendUrl(2);
    const listing = await visit(origin, `/api/shared/${token}/folders/${inner.id}`);
    expect(JSON.parse(listing.body.toString())).toMatchObject({ path: [{ name: 'Holiday' }, { name: 'Day 1' }], items: [{ id: nested.id, name: 'beach.jpg' }] });
    for (const path of [`folders/root`, `folders/${outside.id}`, `files/${secret.id}`, `files/${nested.id.slice(0, -1)}x`, `folders/..%2F..%2Fdrive`]) {
      expect(await statusOf(origin, `/api/shared/${token}/${path}`), path).toBe(404);
    }
    // A file moved out of the shared folder is out of reach at once.
    expect((await call(alice, 'PATCH', `/api/drive/items/${nested.id}`, { parent: outside.id })).status).toBe(200);
    expect(await statusOf(origin, `/api/shared/${token}/files/${nested.id}`)).toBe(404);
    // And the whole folder, once in Trash.
    expect((await call(alice, 'POST', '/api/drive/trash', { id: shared.id })).status).toBe(200);
    expect(await statusOf(origin, `/api/shared/${token}/folders/${shared.id}`)).toBe(404);
  });

  test('a long linked folder comes a page at a time, through the API and on the page', async ({ browser, cloud }) => {
    const shared = await mkdir(alice, 'root', 'Archive');
    const now = Date.now();
    const entries: Record<string, StoredEntry> = {};
    for (let i = 0; i < 450; i++) entries[newItemId('file')] = { kind: 'file', name: `scan ${String(i).padStart(3, '0')}.pdf`, created: now, modified: now, size: 0, type: 'application/pdf' };
    await writeBuckets(cloud.cluster.client, alice.name, shared.id, entries);
    const share = await makeLink(alice, shared.id);

    const names: string[] = [];
    let cursor: string | null = null;
    do {
      const answer = await visit(cloud.frontendUrl(1), `/api/shared/${share.link!.token}/folders/${shared.id}${cursor ? `?cursor=${cursor}` : ''}`);
      expect(answer.status).toBe(200);
      const listing = JSON.parse(answer.body.toString()) as { items: { name: string }[]; total: number; next: string | null };
      expect(listing.total).toBe(450);
      expect(listing.items.length).toBeLessThanOrEqual(200);
      names.push(...listing.items.map((i) => i.name));
      cursor = listing.next;
    } while (cursor);
    expect(names).toEqual(Array.from({ length: 450 }, (_, i) => `scan ${String(i).padStart(3, '0')}.pdf`));

    const page = await freshPage(browser, `${cloud.lbUrl}${share.link!.path}`);
    const rows = page.getByRole('table', { name: 'Shared files and folders' }).locator('tbody tr');
    await expect(page.getByText('Showing 200 of 450 items.', { exact: true })).toBeVisible();
    await scrollThrough(rows, [200, 400, 450]);
    await expect(rows.last()).toContainText('scan 449.pdf');
    await page.context().close();
  });

  test('a password link asks for the password, refuses a wrong one, and remembers the right one', async ({ browser, cloud }) => {
    const content = randomBytes(10_000);
    const file = await uploadOk(alice, 'root', 'locked.bin', content);
    const share = await makeLink(alice, file.id, { password: 'open sesame' });
    expect(share.link!.password).toBe(true);
    const token = share.link!.token;
    expect(await statusOf(cloud.frontendUrl(1), `/api/shared/${token}/files/${file.id}`)).toBe(401);

    const page = await freshPage(browser, `${cloud.lbUrl}${share.link!.path}`);
    await expect(page.getByRole('heading', { name: 'This link is protected by a password' })).toBeVisible();
    await expect(page.getByText('locked.bin')).toHaveCount(0);
    await page.getByLabel('Password').fill('open says me');
    await page.getByRole('button', { name: 'Open' }).click();
    await expect(formAlert(page)).toContainText('That is not the password of this link.');
    await page.getByLabel('Password').fill('open sesame');
    await page.getByRole('button', { name: 'Open' }).click();
    await expect(page.getByRole('heading', { name: /locked\.bin/ })).toBeVisible();
    const downloaded = await downloadFrom(page, () => page.getByRole('button', { name: 'Download' }).click());
    expect(sha256(downloaded)).toBe(sha256(content));
    const cookies = await page.context().cookies();
    expect(cookies.find((c) => c.name.startsWith('penncloud_link_'))).toMatchObject({ httpOnly: true, sameSite: 'Lax' });
  });

  test('a link past its expiry answers as one that never existed', async ({ cloud }) => {
    const file = await uploadOk(alice, 'root', 'soon.txt', 'soon gone');
    const past = await call(alice, 'POST', '/api/drive/shares', { kind: 'link', item: file.id, expiresAt: new Date(Date.now() - 1000).toISOString() });
    expect(past.status).toBe(400);
    const share = await makeLink(alice, file.id, { expiresAt: new Date(Date.now() + 6000).toISOString() });
    expect(share.link!.expires).not.toBeNull();
    const path = `/api/shared/${share.link!.token}/files/${file.id}`;
    expect(await statusOf(cloud.frontendUrl(1), path)).toBe(200);
    await expect.poll(() => statusOf(cloud.frontendUrl(1), path), { timeout: 20_000, intervals: [250] }).toBe(404);
    // The same answer, word for word, as a token nobody ever made.
    const expired = await visit(cloud.frontendUrl(2), `/api/shared/${share.link!.token}`);
    const madeUp = await visit(cloud.frontendUrl(2), `/api/shared/${randomBytes(24).toString('base64url')}`);
    expect(expired.status).toBe(404);
    expect(expired.body.toString()).toBe(madeUp.body.toString());
    expect(await statusOf(cloud.frontendUrl(2), share.link!.path)).toBe(404);
    const owned = await call<{ shares: Share[] }>(alice, 'GET', `/api/drive/shares?item=${file.id}`);
    expect(owned.body.shares[0]!.link!.expired).toBe(true);
  });

  test('an item shared with a user is in their Shared with me, downloadable but never changeable, until revoked', async ({ page, cloud }) => {
    const bob = await signUp(cloud.frontendUrl(2), 'recipient');
    const team = await mkdir(alice, 'root', 'Team');
    const content = randomBytes(20_000);
    const file = await uploadOk(alice, team.id, 'plan.bin', content);
    const secret = await uploadOk(alice, 'root', 'diary.txt', 'mine only');
    expect((await call(alice, 'POST', '/api/drive/shares', { kind: 'user', item: team.id, username: 'no-such-user-here' })).status).toBe(404);
    expect((await call(alice, 'POST', '/api/drive/shares', { kind: 'user', item: team.id, username: alice.name })).status).toBe(400);
    const made = await call<{ share: Share }>(alice, 'POST', '/api/drive/shares', { kind: 'user', item: team.id, username: bob.name });
    expect(made.status).toBe(201);
    expect(made.body.share).toMatchObject({ kind: 'user', recipient: bob.name, itemId: team.id });

    const withMe = await call<{ shares: { id: string; owner: string; item: { id: string; name: string } }[] }>(bob, 'GET', '/api/drive/shares/with-me');
    expect(withMe.body.shares.map((s) => [s.owner, s.item.name])).toEqual([[alice.name, 'Team']]);
    const shareId = encodeURIComponent(withMe.body.shares[0]!.id);
    const base = `/api/drive/shares/with-me/${shareId}`;
    const fetched = await fetch(`${bob.origin}${base}/files/${file.id}`, { headers: { Cookie: bob.cookie } });
    expect(fetched.status).toBe(200);
    expect(sha256(Buffer.from(await fetched.arrayBuffer()))).toBe(sha256(content));
    expect((await call(bob, 'GET', `${base}/files/${secret.id}`)).status).toBe(404);
    // Bob's own drive routes do not reach Alice's items at all.
    expect((await call(bob, 'PATCH', `/api/drive/items/${file.id}`, { name: 'mine.bin' })).status).toBe(404);
    expect((await call(bob, 'DELETE', `/api/drive/items/${file.id}`)).status).toBe(404);
    expect((await call(bob, 'POST', '/api/drive/trash', { id: team.id })).status).toBe(404);
    expect((await call(bob, 'DELETE', `/api/drive/shares/${encodeURIComponent(made.body.share.id)}`)).status).toBe(404);

    await logInThroughUi(page, bob.name, 'drive password');
    await page.goto('/shared');
    const row = page.getByRole('table', { name: 'Shared with me' }).getByRole('row').filter({ hasText: 'Team' });
    await expect(row).toContainText(alice.name);
    await row.getByRole('link', { name: 'Team' }).click();
    await expect(page.getByRole('link', { name: 'plan.bin' })).toBeVisible();
    const downloaded = await downloadFrom(page, () => page.getByRole('link', { name: 'plan.bin' }).click());
    expect(sha256(downloaded)).toBe(sha256(content));

    expect((await call(alice, 'DELETE', `/api/drive/shares/${encodeURIComponent(made.body.share.id)}`)).status).toBe(200);
    expect((await call<{ shares: unknown[] }>(bob, 'GET', '/api/drive/shares/with-me')).body.shares).toEqual([]);
    expect((await call(bob, 'GET', `${base}/folders/${team.id}`)).status).toBe(404);
  });

  test('the Share dialog, opened from the drive page, makes a link listed in Shared by me', async ({ page, browser }) => {
    await uploadOk(alice, 'root', 'dialog.txt', 'from the dialog');
    await logInThroughUi(page, alice.name, 'drive password');
    await page.goto('/drive');
    const menu = page.getByLabel('Actions for dialog.txt', { exact: true });
    await menu.click();
    await menu.getByRole('option', { name: 'Share…' }).click();
    const dialog = page.getByRole('dialog', { name: 'Share dialog.txt' });
    await dialog.getByRole('button', { name: 'Create link' }).click();
    const address = dialog.getByLabel('Link address');
    await expect(address).toHaveValue(/\/s\/[A-Za-z0-9_-]{32}$/);
    const url = await address.inputValue();
    await dialog.getByRole('button', { name: 'Done' }).click();
    await expect(dialog).toBeHidden();
    // The drive's own way to the Shared page.
    await page.getByRole('link', { name: 'Shared', exact: true }).click();
    await expect(page).toHaveURL(/\/shared$/);
    await page.getByRole('link', { name: 'Shared by me' }).click();
    await expect(page.getByRole('table', { name: 'Shared by me' })).toContainText('dialog.txt');

    const visitor = await freshPage(browser, url);
    await expect(visitor.getByRole('heading', { name: /dialog\.txt/ })).toBeVisible();
  });

  // Last: it uses up this address's allowance of misses for a while.
  test('many made-up tokens from one address are refused with 429', async ({ cloud }) => {
    const file = await uploadOk(alice, 'root', 'real.txt', 'real');
    const share = await makeLink(alice, file.id);
    const statuses: number[] = [];
    let retryAfter: string | null = null;
    for (let i = 0; i < cloud.config.web.shareMissesPerAddressMax + 5; i++) {
      const answer = await visit(cloud.frontendUrl((i % 2) + 1), `/api/shared/${randomBytes(24).toString('base64url')}`);
      statuses.push(answer.status);
      if (answer.status === 429) retryAfter = answer.headers.get('retry-after');
    }
    expect(new Set(statuses)).toEqual(new Set([404, 429]));
    expect(statuses.at(-1)).toBe(429);
    expect(Number(retryAfter)).toBeGreaterThan(0);
    // The address is refused for every link now, on every frontend: the counter is the store's.
    expect(await statusOf(cloud.frontendUrl(1), `/api/shared/${share.link!.token}`)).toBe(429);
  });
});
