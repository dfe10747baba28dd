// GET /api/drive/files/<id>/thumbnail: a small WebP of an image, made once, on the first request
// for it, then kept in the store (drive-thumbnail-cell.ts) and served from there by any frontend.
//
// Made on first request rather than when the upload ends: a folder of 500 photos uploaded at
// once would otherwise decode 500 images while the uploads still run, most of them perhaps never
// looked at, and the upload paths (one request, resumable) would both need the hook. Asked for,
// the work happens for what is on someone's screen, bounded per frontend (drive.thumbnailJobsMax
// at once, drive.thumbnailQueueMax waiting, then 503), and only for images within the byte and
// pixel limits. Two requests for one image on one frontend share one making.
//
// A thumbnail written while its file is being deleted could outlive the delete's sweep of the
// chunk rows: after writing, the file is looked up again and the thumbnail removed if it is gone.
import { createHash } from 'node:crypto';
import { ConcurrencyLimit } from '../../../../cluster/model/accounts/concurrency-limit.ts';
import { hasThumbnail } from '../../drive-preview';
import { formatBytes } from '../../format-bytes';
import { HttpError, retryAfterSeconds } from '../errors';
import type { DriveContext } from './drive-context';
import { fileStream } from './drive-download';
import { itemGone, type Entry } from './drive-model';
import { chunkRowByNumber, kindOfId } from './drive-names';
import { sandboxCsp } from './drive-preview';
import { decodeThumbnail, encodeThumbnail, stillValid, thumbnailColumn, type StoredThumbnail } from './drive-thumbnail-cell';
import { makeThumbnail } from './drive-thumbnail-image';
import { locate } from './drive-tree';

/** One per process (Next may load this module once per route bundle), like route.ts's admission. */
const jobsKey = Symbol.for('penncloud.web.thumbnailJobs');
const makingKey = Symbol.for('penncloud.web.thumbnailsMaking');
const shared = globalThis as { [jobsKey]?: ConcurrencyLimit; [makingKey]?: Map<string, Promise<StoredThumbnail>> };

export async function thumbnailResponse(d: DriveContext, fileId: string, req: Request): Promise<Response> {
  if (kindOfId(fileId) !== 'file') throw itemGone();
  const item = await locate(d, fileId);
  if (item.kind !== 'file') throw itemGone();
  const s = d.config.drive;
  const entry = item.entry;
  const size = entry.size ?? 0;
  if (!hasThumbnail(entry.type) || size === 0) throw noPreview('This file is not an image the drive makes thumbnails of.', true);
  if (size > s.thumbnailSourceBytesMax) {
    throw noPreview(`This image is too large for a thumbnail (${formatBytes(size)}; the limit is ${formatBytes(s.thumbnailSourceBytesMax)}).`, false);
  }
  const found = decodeThumbnail(await d.cluster.get(chunkRowByNumber(d.user, fileId, 0), thumbnailColumn));
  const stored = found && stillValid(found, s.thumbnailInputPixelsMax) ? found : await makeShared(d, fileId, entry);
  if (stored.kind === 'none') throw noPreviewOf(stored, s.thumbnailInputPixelsMax);
  return serve(stored.webp, req, s.thumbnailCacheSeconds);
}

function noPreview(message: string, lasting: boolean): HttpError {
  // The file's content never changes under its id: a browser may keep a lasting answer too.
  return new HttpError(422, 'no_preview', message, lasting ? { 'Cache-Control': 'private, max-age=3600' } : {});
}

function noPreviewOf(stored: Extract<StoredThumbnail, { kind: 'none' }>, pixelsMax: number): HttpError {
  if (stored.reason === 'pixels') {
    const mp = (n: number) => `${(n / 1e6).toFixed(1)} megapixels`;
    return noPreview(`This image is too large for a thumbnail (${mp(stored.pixels)}; the limit is ${mp(pixelsMax)}).`, false);
  }
  if (stored.reason === 'unsupported') return noPreview('This file is not an image the drive can read, so it has no preview.', true);
  return noPreview('This image cannot be read (it may be damaged), so it has no preview.', true);
}

function serve(webp: Buffer, req: Request, maxAgeSeconds: number): Response {
  const etag = `"${createHash('sha256').update(webp).digest('base64url')}"`;
  const headers = new Headers({
    'Content-Type': 'image/webp',
    'Cache-Control': `private, max-age=${maxAgeSeconds}`,
    // A shared browser: another user's session must not be answered from this one's cache.
    Vary: 'Cookie',
    ETag: etag,
    'X-Content-Type-Options': 'nosniff',
    'Content-Security-Policy': sandboxCsp,
  });
  const asked = req.headers.get('if-none-match');
  if (asked && asked.split(',').some((tag) => tag.trim() === etag)) return new Response(null, { status: 304, headers });
  headers.set('X-Content-Length', String(webp.length)); // Content-Length, restored by web/main.ts
  return new Response(new Uint8Array(webp), { status: 200, headers });
}

/** Makes the thumbnail once for every request of this frontend waiting for it. */
function makeShared(d: DriveContext, fileId: string, entry: Entry): Promise<StoredThumbnail> {
  const making = (shared[makingKey] ??= new Map());
  const key = `${d.user}/${fileId}`;
  let job = making.get(key);
  if (!job) {
    job = makeAndStore(d, fileId, entry).finally(() => making.delete(key));
    making.set(key, job);
  }
  return job;
}

async function makeAndStore(d: DriveContext, fileId: string, entry: Entry): Promise<StoredThumbnail> {
  const s = d.config.drive;
  const jobs = (shared[jobsKey] ??= new ConcurrencyLimit(s.thumbnailJobsMax, s.thumbnailQueueMax));
  if (jobs.inFlight >= s.thumbnailJobsMax && jobs.queued >= s.thumbnailQueueMax) {
    throw new HttpError(503, 'busy', 'Thumbnails are being made for many images; try again in a moment.', { 'Retry-After': String(retryAfterSeconds) });
  }
  const stored = await jobs.run(async (): Promise<StoredThumbnail> => {
    // Read inside the turn: only the images being made are held in memory, never the queue's.
    const bytes = await readWhole(d, fileId, entry);
    const result = await makeThumbnail(bytes, { edgePx: s.thumbnailEdgePx, inputPixelsMax: s.thumbnailInputPixelsMax });
    if (result.kind === 'none' && result.reason === 'unreadable') d.log.info(`drive: no thumbnail for ${fileId} of ${d.user}: ${result.detail}`);
    if (result.kind === 'made') return { kind: 'made', webp: result.webp };
    return result.reason === 'pixels' ? { kind: 'none', reason: 'pixels', pixels: result.pixels } : { kind: 'none', reason: result.reason };
  });
  const row = chunkRowByNumber(d.user, fileId, 0);
  await d.cluster.put(row, thumbnailColumn, encodeThumbnail(stored));
  await stillThere(d, fileId).catch(async (err: unknown) => {
    if (err instanceof HttpError && err.status === 404) await d.cluster.delete(row, thumbnailColumn);
    throw err;
  });
  return stored;
}

/** The whole file; a file deleted while it is read is 404, not a missing chunk's 500. */
async function readWhole(d: DriveContext, fileId: string, entry: Entry): Promise<Buffer> {
  const size = entry.size ?? 0;
  const whole = Buffer.allocUnsafe(size);
  let at = 0;
  try {
    const reader = fileStream(d, fileId, entry, 0, size - 1).getReader();
    for (let next = await reader.read(); !next.done; next = await reader.read()) {
      whole.set(next.value, at);
      at += next.value.length;
    }
  } catch (err) {
    await stillThere(d, fileId);
    throw err;
  }
  if (at !== size) throw new Error(`file ${fileId} read ${at} of its ${size} bytes`);
  return whole;
}

/** Throws 404 when the file is no longer in the drive (deleted, or being deleted). */
async function stillThere(d: DriveContext, fileId: string): Promise<void> {
  await locate(d, fileId);
}
