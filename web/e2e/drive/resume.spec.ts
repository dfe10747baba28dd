// Resumable uploads (tus, docs/API.md "Resumable uploads"): an upload cut off by a browser
// reload, or by kill -9 of the frontend serving it, resumes from its stored offset when the same
// file is added again — through the balancer, on whichever frontend the page lands — and the
// file downloads byte for byte (SHA-256). Through the API: an upload continues on another
// frontend from an offset inside a chunk; another user's session never finds it; no session,
// another site and a size past the quota are refused; one left unfinished is reclaimed; a cancel
// cut short midway is finished by its DELETE sent again.
import { createHash, randomBytes } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import type { Page } from '@playwright/test';
import { expect, frontendOf, logInThroughUi, seedUser, test, uniqueName } from '../fixtures';
import { chunkCount, download, frontendWithSettings, list, signUp, via, type DriveUser } from './drive-helpers';

const MiB = 1024 * 1024;

function tusHeaders(user: DriveUser, extra: Record<string, string> = {}): Record<string, string> {
  return { Cookie: user.cookie, Origin: user.origin, 'Tus-Resumable': '1.0.0', ...extra };
}

const meta = (fields: Record<string, string>) =>
  Object.entries(fields)
    .map(([k, v]) => `${k} ${Buffer.from(v).toString('base64')}`)
    .join(',');

async function create(user: DriveUser, name: string, length: number): Promise<Response> {
  return fetch(`${user.origin}/api/drive/uploads`, {
    method: 'POST',
    headers: tusHeaders(user, { 'Upload-Length': String(length), 'Upload-Metadata': meta({ name, folder: 'root' }) }),
  });
}

async function patch(user: DriveUser, url: string, offset: number, body: Buffer): Promise<Response> {
  return fetch(`${user.origin}${url}`, {
    method: 'PATCH',
    headers: tusHeaders(user, { 'Upload-Offset': String(offset), 'Content-Type': 'application/offset+octet-stream' }),
    body: new Uint8Array(body),
  });
}

async function head(user: DriveUser, url: string): Promise<Response> {
  return fetch(`${user.origin}${url}`, { method: 'HEAD', headers: tusHeaders(user) });
}

const sha256 = (data: Buffer) => createHash('sha256').update(data).digest('hex');

test.describe('resumable uploads', () => {
  test('through the API: continued on another frontend mid-chunk; only its owner finds it; limits', async ({ cloud }) => {
    const alice = await signUp(cloud.frontendUrl(1), 'tus');
    const bob = await signUp(cloud.frontendUrl(1), 'tus');
    const content = randomBytes(5 * MiB + 12345);

    const created = await create(alice, 'part.bin', content.length);
    expect(created.status, await created.clone().text()).toBe(201);
    const url = created.headers.get('location')!;
    expect(url).toMatch(/^\/api\/drive\/uploads\/t[A-Za-z0-9_-]{22}$/);

    // 1.5 MiB through frontend 1: the offset stops inside the second chunk.
    const first = await patch(alice, url, 0, content.subarray(0, 1.5 * MiB));
    expect(first.status).toBe(204);
    expect(first.headers.get('upload-offset')).toBe(String(1.5 * MiB));

    // Another user, with a valid session, finds nothing at that address, whatever the method.
    expect((await head(bob, url)).status).toBe(404);
    expect((await patch(bob, url, 1.5 * MiB, Buffer.from('evil'))).status).toBe(404);
    expect((await fetch(`${bob.origin}${url}`, { method: 'DELETE', headers: tusHeaders(bob) })).status).toBe(404);
    const listed = (await (await fetch(`${bob.origin}/api/drive/uploads`, { headers: { Cookie: bob.cookie } })).json()) as { uploads: unknown[] };
    expect(listed.uploads).toEqual([]);
    // No session, or a request from another site: refused before anything is read.
    expect((await fetch(`${alice.origin}${url}`, { method: 'HEAD', headers: { 'Tus-Resumable': '1.0.0' } })).status).toBe(401);
    const foreign = await fetch(`${alice.origin}${url}`, {
      method: 'PATCH',
      headers: { ...tusHeaders(alice), Origin: 'https://evil.example', 'Upload-Offset': String(1.5 * MiB), 'Content-Type': 'application/offset+octet-stream' },
      body: 'x',
    });
    expect(foreign.status).toBe(403);

    // The rest through frontend 2, from the offset the store holds.
    const alice2 = via(alice, cloud.frontendUrl(2));
    const resumed = await head(alice2, url);
    expect(resumed.status).toBe(200);
    expect(resumed.headers.get('upload-offset')).toBe(String(1.5 * MiB));
    expect(resumed.headers.get('upload-length')).toBe(String(content.length));
    // A wrong offset is tus' 409, and changes nothing.
    expect((await patch(alice2, url, 0, content.subarray(0, 10))).status).toBe(409);
    const last = await patch(alice2, url, 1.5 * MiB, content.subarray(1.5 * MiB));
    expect(last.status, await last.clone().text()).toBe(204);
    expect(last.headers.get('upload-offset')).toBe(String(content.length));

    const item = (await list(alice)).items.find((i) => i.name === 'part.bin')!;
    expect(item.size).toBe(content.length);
    const got = await download(alice, item.id);
    expect(sha256(got.body)).toBe(sha256(content));
    expect((await head(alice, url)).status).toBe(404);
    expect(await chunkCount(cloud, alice.name)).toBe(6);

    // The declared length is reserved at creation: past the quota is 413 with the figures.
    const tooBig = await create(alice, 'huge.bin', 11 * 1024 * 1024 * MiB);
    expect(tooBig.status).toBe(413);
    expect(JSON.parse(await tooBig.text())).toMatchObject({ code: 'quota_exceeded' });
    // Cancelled (tus termination): its bytes and room are freed.
    const cancelled = await create(alice, 'gone.bin', 3 * MiB);
    const cancelledUrl = cancelled.headers.get('location')!;
    expect((await patch(alice, cancelledUrl, 0, randomBytes(2 * MiB))).status).toBe(204);
    expect((await list(alice)).usage.usedBytes).toBe(content.length + 3 * MiB);
    expect((await fetch(`${alice.origin}${cancelledUrl}`, { method: 'DELETE', headers: tusHeaders(alice) })).status).toBe(204);
    expect((await list(alice)).usage.usedBytes).toBe(content.length);
    expect(await chunkCount(cloud, alice.name)).toBe(6);
  });

  test('an unfinished upload is reclaimed after drive.resumableUploadTtlMs: its chunks, state and room', async ({ cloud }) => {
    const stop = await frontendWithSettings(cloud, 2, {
      PENNCLOUD__drive__resumableUploadTtlMs: '1500',
      PENNCLOUD__drive__uploadStaleMs: '1000',
      PENNCLOUD__drive__uploadTouchMs: '300',
    });
    try {
      const alice = await signUp(cloud.frontendUrl(2), 'tus');
      const created = await create(alice, 'left.bin', 4 * MiB);
      const url = created.headers.get('location')!;
      expect((await patch(alice, url, 0, randomBytes(2 * MiB))).status).toBe(204);
      expect(await chunkCount(cloud, alice.name)).toBe(2);
      expect((await list(alice)).usage.usedBytes).toBe(4 * MiB);
      // Listing the drive runs the reclaimer (at most once a second with these settings).
      await expect
        .poll(async () => (await list(alice)).usage.usedBytes, { timeout: 20_000, intervals: [500] })
        .toBe(0);
      expect(await chunkCount(cloud, alice.name)).toBe(0);
      expect((await head(alice, url)).status).toBe(404);
    } finally {
      await stop();
    }
  });

  test('a cancel cut short after the state went is finished by the DELETE sent again: chunks and room freed', async ({ cloud }) => {
    const alice = await signUp(cloud.frontendUrl(1), 'tus');
    const created = await create(alice, 'cut.bin', 6 * MiB);
    const url = created.headers.get('location')!;
    expect((await patch(alice, url, 0, randomBytes(3 * MiB))).status).toBe(204);
    expect(await chunkCount(cloud, alice.name)).toBe(3);
    // What a DELETE that failed (503) after its first step leaves: the state gone, chunks and room held.
    expect(await cloud.cluster.client.delete(`${alice.name}#files`, `tus:${url.split('/').at(-1)}`)).toBe(true);
    expect((await list(alice)).usage.usedBytes).toBe(6 * MiB);
    const again = await fetch(`${alice.origin}${url}`, { method: 'DELETE', headers: tusHeaders(alice) });
    expect(again.status).toBe(204);
    expect((await list(alice)).usage.usedBytes).toBe(0);
    expect(await chunkCount(cloud, alice.name)).toBe(0);
    // Once done, it is gone.
    expect((await fetch(`${alice.origin}${url}`, { method: 'DELETE', headers: tusHeaders(alice) })).status).toBe(404);
  });

  /** A file on disk (a re-picked file keeps its modification time, part of its fingerprint). */
  async function fileOnDisk(path: string, bytes: number): Promise<string> {
    const content = randomBytes(bytes);
    await writeFile(path, content);
    return sha256(content);
  }

  /** Uploads slowly, so the test can cut it off midway (Chromium's own network throttling); answers how to lift it. */
  async function throttle(page: Page, bytesPerSecond: number): Promise<() => Promise<void>> {
    const cdp = await page.context().newCDPSession(page);
    await cdp.send('Network.enable');
    const set = (uploadThroughput: number) => cdp.send('Network.emulateNetworkConditions', { offline: false, latency: 0, downloadThroughput: -1, uploadThroughput });
    await set(bytesPerSecond);
    return async () => void (await set(-1));
  }

  /** The stored offset of the user's one unfinished upload, as the server lists it. */
  async function storedOffset(page: Page, origin: string): Promise<number> {
    const answer = await page.request.get(`${origin}/api/drive/uploads`);
    const { uploads } = (await answer.json()) as { uploads: { offset: number }[] };
    return uploads[0]?.offset ?? 0;
  }

  async function finishAndCheck(page: Page, path: string, name: string, hash: string, origin: string): Promise<void> {
    await page.getByLabel('Files to upload').setInputFiles(path);
    const upload = page.getByLabel(`Upload of ${name}`, { exact: true });
    await expect(upload).toContainText('Resumed at');
    await expect(upload).toHaveAttribute('data-state', 'done', { timeout: 60_000 });
    const listing = (await (await page.request.get(`${origin}/api/drive/folders/root`)).json()) as { items: { id: string; name: string }[] };
    const item = listing.items.find((i) => i.name === name)!;
    const body = await (await page.request.get(`${origin}/api/drive/files/${item.id}`)).body();
    expect(sha256(body)).toBe(hash);
    expect(sha256(await readFile(path))).toBe(hash);
    expect(((await (await page.request.get(`${origin}/api/drive/uploads`)).json()) as { uploads: unknown[] }).uploads).toEqual([]);
  }

  test('a browser reload mid-upload: adding the file again resumes it', async ({ page, request, cloud }, testInfo) => {
    const username = uniqueName('reload');
    await seedUser(request, cloud.frontendUrl(1), username, 'drive password');
    await logInThroughUi(page, username, 'drive password');
    await page.goto('/drive');
    const origin = new URL(page.url()).origin;
    const path = testInfo.outputPath('reload.bin');
    const hash = await fileOnDisk(path, 40 * MiB);

    const unthrottle = await throttle(page, 4 * MiB);
    await page.getByLabel('Files to upload').setInputFiles(path);
    await expect.poll(() => storedOffset(page, origin), { timeout: 30_000 }).toBeGreaterThanOrEqual(4 * MiB);
    await page.reload();
    await unthrottle();
    await finishAndCheck(page, path, 'reload.bin', hash, origin);
  });

  test('the serving frontend killed mid-upload: resumed through the balancer on another', async ({ page, request, cloud }, testInfo) => {
    const username = uniqueName('killed');
    await seedUser(request, cloud.frontendUrl(1), username, 'drive password');
    await logInThroughUi(page, username, 'drive password');
    await page.goto('/drive');
    const serving = frontendOf(cloud, page);
    const path = testInfo.outputPath('killed.bin');
    const hash = await fileOnDisk(path, 40 * MiB);

    const unthrottle = await throttle(page, 4 * MiB);
    await page.getByLabel('Files to upload').setInputFiles(path);
    await expect.poll(() => storedOffset(page, new URL(page.url()).origin), { timeout: 30_000 }).toBeGreaterThanOrEqual(4 * MiB);
    await cloud.kill9(`web${serving}`);
    await cloud.waitFrontendDead(serving);

    await unthrottle();
    await page.goto('/drive');
    await expect(page.getByLabel('Storage used')).toBeVisible();
    const now = frontendOf(cloud, page);
    expect(now).not.toBe(serving);
    await finishAndCheck(page, path, 'killed.bin', hash, new URL(page.url()).origin);
  });
});
