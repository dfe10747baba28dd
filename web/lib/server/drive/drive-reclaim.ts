// Finishing the work of frontends that died (drive-usage.ts): upload and delete records nobody
// renewed for drive.uploadStaleMs. An upload still writing is freed (its chunks, then its
// reservation). One that was committing may have become a file: it did exactly when its pointer
// names a folder that lists it (a later move keeps that true, a later delete drops the record
// itself); otherwise it is freed like the others. A delete is finished (drive-tree.ts,
// finishDelete). Runs when an upload starts and, at most every reclaimIntervalMs per user and
// frontend, when a folder is listed.
//
// A resumable (tus) upload waits for its client between requests: its record goes stale only
// after drive.resumableUploadTtlMs without a byte. Then its state goes first (no client resumes
// onto freed chunks), then its chunks — their rows known from its declared length — then its room.
import { readCell, updateCell } from '../cells';
import { textCodec, type DriveContext } from './drive-context';
import { freeChunks } from './drive-chunks';
import { chunkRowCount, fileAtColumn, filesRow, usageColumn } from './drive-names';
import { findEntry } from './drive-folders';
import { finishDelete } from './drive-tree';
import { tusColumn, tusStateCodec } from './drive-tus-state';
import { finish, release, staleDeletes, staleUploads, usageCodec, type OpenUpload } from './drive-usage';

const reclaimIntervalMs = 30_000;
const lastRunByUser = new Map<string, number>();

export async function reclaimStale(d: DriveContext): Promise<number> {
  const row = filesRow(d.user);
  const usage = await readCell(d.cluster, row, usageColumn, usageCodec);
  const now = Date.now();
  const uploads = staleUploads(usage, now, d.config.drive.uploadStaleMs, d.config.drive.resumableUploadTtlMs);
  for (const [uploadId, upload] of uploads) await reclaimOne(d, uploadId, upload);
  const deletes = staleDeletes(usage, now, d.config.drive.uploadStaleMs);
  for (const [fileId, open] of deletes) {
    // A delete cut short after its entry went out: the record's size then names the rows.
    const listed = (await findEntry(d, open.folder, fileId))?.entry;
    await finishDelete(d, fileId, open.folder, listed ?? { kind: 'file', name: '', created: 0, modified: 0, size: open.bytes });
    d.log.info(`drive: finished the delete of ${fileId} of ${d.user}, cut short by a frontend`);
  }
  return uploads.length + deletes.length;
}

async function reclaimOne(d: DriveContext, uploadId: string, upload: OpenUpload): Promise<void> {
  const row = filesRow(d.user);
  const stillStale = (u: OpenUpload | undefined) => u !== undefined && u.touchedAt === upload.touchedAt;
  // A client may have come back since the usage cell was read: then the upload lives on.
  if (upload.resumable && !stillStale((await readCell(d.cluster, row, usageColumn, usageCodec))?.uploads[uploadId])) return;
  const tus = upload.resumable ? await readCell(d.cluster, row, tusColumn(uploadId), tusStateCodec) : undefined;
  if (upload.committing && (await isCommitted(d, upload))) {
    if (upload.resumable) await d.cluster.delete(row, tusColumn(uploadId));
    await updateCell(d.cluster, row, usageColumn, usageCodec, (u) => (stillStale(u?.uploads[uploadId]) ? finish(u, uploadId) : undefined));
    d.log.info(`drive: stale upload ${uploadId} of ${d.user} had committed; record dropped`);
    return;
  }
  if (upload.resumable) await d.cluster.delete(row, tusColumn(uploadId));
  // Chunks first, then the record: a crash in between leaves the record, and the next run frees again.
  const s = d.config.drive;
  const rows = tus
    ? chunkRowCount(tus.length, tus.chunkBytes, tus.chunksPerRow)
    : upload.resumable
      ? chunkRowCount(upload.reservedBytes, s.chunkBytes, s.chunksPerRow)
      : undefined;
  const chunks = await freeChunks(d.cluster, d.user, upload.fileId, rows);
  if (upload.committing) await d.cluster.delete(row, fileAtColumn(upload.fileId));
  await updateCell(d.cluster, row, usageColumn, usageCodec, (u) => (stillStale(u?.uploads[uploadId]) ? release(u, uploadId) : undefined));
  d.log.info(`drive: reclaimed stale upload ${uploadId} of ${d.user} (${chunks} chunks)`);
}

async function isCommitted(d: DriveContext, upload: OpenUpload): Promise<boolean> {
  const at = await readCell(d.cluster, filesRow(d.user), fileAtColumn(upload.fileId), textCodec);
  if (at === undefined || at.startsWith('-')) return at !== undefined;
  return (await findEntry(d, at, upload.fileId))?.entry !== undefined;
}

/** Reclaims in the background, at most once per interval per user on this frontend. */
export function reclaimSoon(d: DriveContext): void {
  const now = Date.now();
  if (now - (lastRunByUser.get(d.user) ?? 0) < Math.min(reclaimIntervalMs, d.config.drive.uploadStaleMs)) return;
  lastRunByUser.set(d.user, now);
  if (lastRunByUser.size > 10_000) lastRunByUser.delete(lastRunByUser.keys().next().value as string);
  reclaimStale(d).catch((err: unknown) => d.log.warn(`drive: reclaiming for ${d.user} failed: ${(err as Error).message}`));
}
