// Previews as a person meets them: an image's thumbnail in the list (made once, kept in the
// store, cached by ETag, deleted with the file) and the image in the viewer, whose file is in the
// URL (a reload keeps it, Back closes it); a PDF drawn by pdf.js without running its script; text
// and code shown as text, cut with a note past 256 KiB; an HTML file shown as text and never run;
// files that could script opened straight at their URLs (an SVG, HTML typed as an image) never
// running; a video recorded in the browser, streamed by range and seeked; and a link's page
// previewing its file for a visitor who never logged in. Every file is made here, none committed.
import type { Browser, Page } from '@playwright/test';
import sharp from 'sharp';
import { formatBytes } from '../../lib/format-bytes';
import { expect, logInThroughUi, test } from '../fixtures';
import { call, chunkRows, list, signUp, uploadOk, type DriveUser, type Item } from './drive-helpers';
import { pdfWithScript, withDuration } from './preview-files';

function row(page: Page, name: string) {
  return page.getByRole('row').filter({ has: page.getByRole('link', { name, exact: true }) });
}

/** The drive page of a user logged in through the UI. */
async function openDrive(page: Page, user: DriveUser): Promise<void> {
  await logInThroughUi(page, user.name, 'drive password');
  await page.goto('/drive');
}

async function makeLink(user: DriveUser, item: string): Promise<string> {
  const answer = await call<{ share: { link: { path: string } } }>(user, 'POST', '/api/drive/shares', { kind: 'link', item });
  expect(answer.status, JSON.stringify(answer.body)).toBe(201);
  return answer.body.share.link.path;
}

/** Whether an <img> has loaded a picture (its natural width, 0 until then or when broken). */
function naturalWidth(image: ReturnType<Page['locator']>): Promise<number> {
  return image.evaluate((img: HTMLImageElement) => (img.complete ? img.naturalWidth : 0));
}

/** Pixels of the canvas far from white: a page that was drawn, not a blank one. */
function inkedPixels(canvas: ReturnType<Page['locator']>): Promise<number> {
  return canvas.evaluate((c: HTMLCanvasElement) => {
    const data = c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data;
    let inked = 0;
    for (let i = 0; i < data.length; i += 4) if (data[i]! + data[i + 1]! + data[i + 2]! < 600) inked++;
    return inked;
  });
}

/** A picture with a red top and blue bottom, 640 × 480. */
function picture(): Promise<Buffer> {
  return sharp({ create: { width: 640, height: 480, channels: 3, background: '#2255cc' } })
    .composite([{ input: { create: { width: 640, height: 240, channels: 3, background: '#dd2222' } }, top: 0, left: 0 }])
    .png()
    .toBuffer();
}

/**
 * A few seconds of WebM made by the browser itself (a canvas recorded by MediaRecorder), with its
 * duration written in (the recorder leaves it out, as a live stream has none), uploaded as the
 * user. Answers the new file's id.
 */
async function recordVideo(page: Page, user: DriveUser, name: string): Promise<string> {
  const recorded = await page.evaluate(async () => {
    const canvas = document.createElement('canvas');
    canvas.width = 160;
    canvas.height = 120;
    document.body.append(canvas);
    const ctx = canvas.getContext('2d')!;
    const recorder = new MediaRecorder(canvas.captureStream(30), { mimeType: 'video/webm;codecs=vp8' });
    const parts: Blob[] = [];
    recorder.ondataavailable = (e) => parts.push(e.data);
    const stopped = new Promise((resolve) => (recorder.onstop = resolve));
    recorder.start(200);
    const started = performance.now();
    // Frames drawn until the recording spans three seconds of the recorder's own clock.
    await new Promise<void>((resolve) => {
      const draw = () => {
        const t = performance.now() - started;
        ctx.fillStyle = `hsl(${Math.floor(t / 10) % 360} 80% 50%)`;
        ctx.fillRect(0, 0, 160, 120);
        ctx.fillStyle = '#fff';
        ctx.fillText(`${(t / 1000).toFixed(2)} s`, 20, 60);
        if (t >= 3200) resolve();
        else requestAnimationFrame(draw);
      };
      requestAnimationFrame(draw);
    });
    recorder.stop();
    await stopped;
    canvas.remove();
    const bytes = new Uint8Array(await new Blob(parts).arrayBuffer());
    return { base64: btoa(Array.from(bytes, (b) => String.fromCharCode(b)).join('')), ms: performance.now() - started };
  });
  const webm = withDuration(Buffer.from(recorded.base64, 'base64'), recorded.ms);
  return (await uploadOk(user, 'root', name, webm, 'video/webm')).id;
}

test.describe('drive previews', () => {
  let alice: DriveUser;
  test.beforeEach(async ({ cloud }) => {
    alice = await signUp(cloud.frontendUrl(1), 'viewer');
  });

  test('an image: its thumbnail in the list, made once and kept; the viewer in the URL; gone with the file', async ({ page, cloud }) => {
    const photo = await uploadOk(alice, 'root', 'photo.png', await picture(), 'image/png');
    await uploadOk(alice, 'root', 'notes.txt', 'Line one\nLine two\n', 'text/plain');
    const broken = await uploadOk(alice, 'root', 'broken.jpg', Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), Buffer.from('not a picture '.repeat(100))]), 'image/jpeg');

    await openDrive(page, alice);
    const thumb = row(page, 'photo.png').locator('img.pc-thumb');
    await expect(thumb).toHaveAttribute('loading', 'lazy');
    await expect.poll(() => naturalWidth(thumb)).toBeGreaterThan(0);
    // The damaged one falls back to the icon; the text file never asks.
    await expect(row(page, 'broken.jpg').locator('img.pc-thumb')).toHaveCount(0);
    await expect(row(page, 'broken.jpg').locator('.pc-name-cell > i.icon')).toBeVisible();
    await expect(row(page, 'notes.txt').locator('img')).toHaveCount(0);

    // Served from the store by any frontend, the same bytes with the same strong ETag.
    const path = `/api/drive/files/${photo.id}/thumbnail`;
    const answers = await Promise.all(
      [1, 2].map((n) => fetch(`${cloud.frontendUrl(n)}${path}`, { headers: { Cookie: alice.cookie } })),
    );
    for (const answer of answers) {
      expect(answer.status).toBe(200);
      expect(answer.headers.get('content-type')).toBe('image/webp');
      expect(answer.headers.get('cache-control')).toMatch(/^private, max-age=\d+$/);
      expect(answer.headers.get('x-content-type-options')).toBe('nosniff');
      const meta = await sharp(Buffer.from(await answer.arrayBuffer())).metadata();
      expect([meta.format, meta.width, meta.height]).toEqual(['webp', 256, 192]);
    }
    const etag = answers[0]!.headers.get('etag')!;
    expect(etag).toMatch(/^"[A-Za-z0-9_-]{43}"$/);
    expect(answers[1]!.headers.get('etag')).toBe(etag);
    const again = await fetch(`${cloud.frontendUrl(2)}${path}`, { headers: { Cookie: alice.cookie, 'If-None-Match': etag } });
    expect(again.status).toBe(304);
    const damaged = await call(alice, 'GET', `/api/drive/files/${broken.id}/thumbnail`);
    expect([damaged.status, damaged.body.code]).toEqual([422, 'no_preview']);
    expect(damaged.body.error).toBe('This image cannot be read (it may be damaged), so it has no preview.');
    const unknown = `${photo.id.slice(0, -1)}${photo.id.endsWith('x') ? 'y' : 'x'}`;
    expect((await call(alice, 'GET', `/api/drive/files/${unknown}/thumbnail`)).status).toBe(404);
    // Kept beside the file's content: its first chunk row holds the chunk and the thumbnail.
    expect((await chunkRows(cloud, alice.name)).get(`${alice.name}#file#${photo.id}#0`)).toBe(2);

    // The viewer: the image itself, its details; the file in the URL.
    await page.getByRole('link', { name: 'photo.png', exact: true }).click();
    const viewer = page.getByRole('dialog', { name: 'Preview of photo.png' });
    await expect(viewer).toBeVisible();
    await expect(page).toHaveURL(new RegExp(`[?&]preview=${photo.id}$`));
    const image = viewer.getByRole('img', { name: 'photo.png' });
    await expect.poll(() => naturalWidth(image)).toBe(640);
    await expect(viewer).toContainText('image/png');
    await expect(viewer.getByRole('button', { name: 'Download' })).toHaveAttribute('href', `/api/drive/files/${photo.id}`);
    // A reload keeps it open; the previous file of the folder is one step away.
    await page.reload();
    await expect(viewer).toBeVisible();
    await expect.poll(() => naturalWidth(image)).toBe(640);
    await viewer.getByRole('button', { name: 'Previous file' }).click();
    const notes = page.getByRole('dialog', { name: 'Preview of notes.txt' });
    await expect(notes.getByLabel('File content')).toHaveText('Line one\nLine two\n');
    await notes.getByRole('button', { name: 'Next file' }).click();
    await expect(viewer).toBeVisible();
    // Back closes it, leaving the folder as it was.
    await page.goBack();
    await expect(viewer).toBeHidden();
    await expect(page).not.toHaveURL(/preview=/);
    await expect(row(page, 'photo.png')).toBeVisible();

    // To Trash and out of it for good: the thumbnail leaves the store with the content.
    expect((await call(alice, 'POST', '/api/drive/trash', { id: photo.id })).status).toBe(200);
    expect((await call(alice, 'DELETE', '/api/drive/trash')).status).toBe(200);
    expect((await chunkRows(cloud, alice.name)).has(`${alice.name}#file#${photo.id}#0`)).toBe(false);
    expect((await call(alice, 'GET', path)).status).toBe(404);
  });

  test('a PDF is drawn page by page by pdf.js, and its own script never runs', async ({ page }) => {
    await uploadOk(alice, 'root', 'report.pdf', pdfWithScript(), 'application/pdf');
    await openDrive(page, alice);
    await page.getByRole('link', { name: 'report.pdf', exact: true }).click();
    const viewer = page.getByRole('dialog', { name: 'Preview of report.pdf' });
    const canvas = viewer.getByRole('img', { name: 'Page 1 of report.pdf' });
    await expect(canvas).toHaveAttribute('data-state', 'drawn');
    expect(await inkedPixels(canvas)).toBeGreaterThan(1000);
    await expect(viewer.getByText('Page 1 of 2')).toBeVisible();
    await viewer.getByRole('button', { name: 'Next page' }).click();
    await expect(viewer.getByRole('img', { name: 'Page 2 of report.pdf' })).toHaveAttribute('data-state', 'drawn');
    // The document's open action would have set this, and made a folder with the session.
    expect(await page.evaluate(() => (window as unknown as { pwned?: unknown }).pwned)).toBeUndefined();
    expect((await list(alice)).items.map((i) => i.name)).toEqual(['report.pdf']);
  });

  test('text and code show as text; HTML is shown, never run; files that could script never run at their URLs', async ({ page }) => {
    const script = `<script>window.parent.pwned = 1; fetch('/api/drive/folders', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{"name":"pwned"}' });</script>`;
    const code = 'const greeting: string = "hello";\nconsole.log(greeting);\n';
    await uploadOk(alice, 'root', 'hello.ts', code);
    await uploadOk(alice, 'root', 'page.html', `<h1>Title</h1>${script}`, 'text/html');
    const long = 'a line of a long log file, repeated far past what the viewer reads\n'.repeat(5000);
    await uploadOk(alice, 'root', 'long.log', long, 'text/plain');
    const svg = await uploadOk(alice, 'root', 'evil.svg', `<svg xmlns="http://www.w3.org/2000/svg">${script}</svg>`, 'image/svg+xml');
    const fake = await uploadOk(alice, 'root', 'fake.png', `<html><body>${script}</body></html>`, 'image/png');

    await openDrive(page, alice);
    await page.getByRole('link', { name: 'hello.ts', exact: true }).click();
    await expect(page.getByRole('dialog', { name: 'Preview of hello.ts' }).getByLabel('File content')).toHaveText(code);
    await page.getByRole('button', { name: 'Close' }).click();

    await page.getByRole('link', { name: 'page.html', exact: true }).click();
    const html = page.getByRole('dialog', { name: 'Preview of page.html' });
    await expect(html.getByLabel('File content')).toHaveText(`<h1>Title</h1>${script}`);
    await expect(html.getByRole('heading', { name: 'Title' })).toHaveCount(0);
    await expect(html.getByRole('button', { name: 'Download' })).toBeVisible();
    await page.getByRole('button', { name: 'Close' }).click();

    const ranged = page.waitForResponse((r) => r.url().includes('/api/drive/files/') && r.request().headers().range === 'bytes=0-262143');
    await page.getByRole('link', { name: 'long.log', exact: true }).click();
    expect((await ranged).status()).toBe(206);
    const log = page.getByRole('dialog', { name: 'Preview of long.log' });
    await expect(log.getByRole('note')).toHaveText(`Showing the first 256 KiB of ${formatBytes(long.length)}. Download the file to see all of it.`);
    expect((await log.getByLabel('File content').textContent())!.length).toBe(256 * 1024);
    await page.getByRole('button', { name: 'Close' }).click();

    // The SVG asked for inline is still an attachment: opened, it downloads and never renders.
    const svgUrl = `/api/drive/files/${svg.id}?inline=1`;
    const svgAnswer = await page.request.get(svgUrl);
    expect(svgAnswer.headers()['content-disposition']).toMatch(/^attachment;/);
    expect(svgAnswer.headers()['x-content-type-options']).toBe('nosniff');
    expect(svgAnswer.headers()['content-security-policy']).toMatch(/^sandbox; default-src 'none'/);
    const direct = await page.context().newPage();
    const downloading = direct.waitForEvent('download');
    await direct.goto(svgUrl).catch(() => {}); // a download is no page: goto reports it as an error
    expect((await downloading).suggestedFilename()).toBe('evil.svg');
    // HTML uploaded as an image is inline, as an image: nosniff keeps it one, the sandbox scriptless.
    const fakeUrl = `${new URL(page.url()).origin}/api/drive/files/${fake.id}?inline=1`;
    const opened = await direct.goto(fakeUrl);
    expect(opened!.headers()['content-disposition']).toMatch(/^inline;/);
    expect(opened!.headers()['content-security-policy']).toMatch(/^sandbox; default-src 'none'/);
    expect(await direct.evaluate(() => document.querySelector('script'))).toBeNull();
    expect(await direct.evaluate(() => (window as unknown as { pwned?: unknown }).pwned)).toBeUndefined();
    expect(await page.evaluate(() => (window as unknown as { pwned?: unknown }).pwned)).toBeUndefined();
    expect((await list(alice)).items.map((i) => i.name).sort()).toEqual(['evil.svg', 'fake.png', 'hello.ts', 'long.log', 'page.html']);
    await direct.close();
  });

  test('a video streams by range and seeks in the viewer', async ({ page }) => {
    await openDrive(page, alice);
    const id = await recordVideo(page, alice, 'clip.webm');
    const statuses: number[] = [];
    page.on('response', (r) => {
      if (r.url().includes(`/api/drive/files/${id}?inline=1`)) statuses.push(r.status());
    });
    await page.reload();
    await page.getByRole('link', { name: 'clip.webm', exact: true }).click();
    const video = page.getByRole('dialog', { name: 'Preview of clip.webm' }).locator('video');
    await expect.poll(() => video.evaluate((v: HTMLVideoElement) => v.readyState)).toBeGreaterThanOrEqual(1);
    const duration = await video.evaluate((v: HTMLVideoElement) => v.duration);
    expect(duration).toBeGreaterThan(2.5);
    await video.evaluate((v: HTMLVideoElement) => {
      v.muted = true;
      return v.play();
    });
    await expect.poll(() => video.evaluate((v: HTMLVideoElement) => v.currentTime)).toBeGreaterThan(0);
    await video.evaluate((v: HTMLVideoElement) => v.pause());
    await video.evaluate((v: HTMLVideoElement, to: number) => (v.currentTime = to), duration - 0.8);
    await expect.poll(() => video.evaluate((v: HTMLVideoElement) => (v.seeking ? -1 : v.currentTime))).toBeGreaterThan(duration - 1);
    await expect.poll(() => video.evaluate((v: HTMLVideoElement) => v.readyState)).toBeGreaterThanOrEqual(2);
    expect(statuses).toContain(206);
    // Inline, and as fenced as any answer: the sandboxing CSP does not bind a <video> of the page.
    const inline = await page.request.get(`${new URL(page.url()).origin}/api/drive/files/${id}?inline=1`, { headers: { Range: 'bytes=0-99' } });
    expect(inline.status()).toBe(206);
    expect(inline.headers()).toMatchObject({
      'content-type': 'video/webm',
      'x-content-type-options': 'nosniff',
      'content-security-policy': "sandbox; default-src 'none'",
      'accept-ranges': 'bytes',
    });
    expect(inline.headers()['content-disposition']).toMatch(/^inline; filename="clip.webm"/);
  });

  test('a link previews its file for a visitor without an account', async ({ browser, cloud }) => {
    const photo = await uploadOk(alice, 'root', 'shared photo.png', await picture(), 'image/png');
    const doc = await uploadOk(alice, 'root', 'shared.pdf', pdfWithScript(), 'application/pdf');
    const text = await uploadOk(alice, 'root', 'readme.md', '# Read me\n\n<b>not bold</b>\n', 'text/markdown');
    const visitor = await freshContext(browser);

    await visitor.goto(`${cloud.lbUrl}${await makeLink(alice, photo.id)}`);
    await expect(visitor.getByRole('heading', { name: /shared photo\.png/ })).toBeVisible();
    await expect.poll(() => naturalWidth(visitor.getByRole('img', { name: 'shared photo.png' }))).toBe(640);
    await expect(visitor.getByRole('button', { name: 'Download' })).toBeVisible();

    await visitor.goto(`${cloud.lbUrl}${await makeLink(alice, doc.id)}`);
    const canvas = visitor.getByRole('img', { name: 'Page 1 of shared.pdf' });
    await expect(canvas).toHaveAttribute('data-state', 'drawn');
    expect(await inkedPixels(canvas)).toBeGreaterThan(1000);

    await visitor.goto(`${cloud.lbUrl}${await makeLink(alice, text.id)}`);
    await expect(visitor.getByLabel('File content')).toHaveText('# Read me\n\n<b>not bold</b>\n');

    // A file inside a linked folder opens in the viewer from the URL.
    const folder = await call<{ item: Item }>(alice, 'POST', '/api/drive/folders', { parent: 'root', name: 'Album' });
    const inner = await uploadOk(alice, folder.body.item.id, 'inner.png', await picture(), 'image/png');
    await visitor.goto(`${cloud.lbUrl}${await makeLink(alice, folder.body.item.id)}?preview=${inner.id}`);
    const viewer = visitor.getByRole('dialog', { name: 'Preview of inner.png' });
    await expect.poll(() => naturalWidth(viewer.getByRole('img', { name: 'inner.png' }))).toBe(640);
    await viewer.getByRole('button', { name: 'Close' }).click();
    await expect(viewer).toBeHidden();
    await expect(visitor.getByRole('link', { name: 'inner.png' })).toBeVisible();
  });
});

async function freshContext(browser: Browser): Promise<Page> {
  const context = await browser.newContext();
  return context.newPage();
}
