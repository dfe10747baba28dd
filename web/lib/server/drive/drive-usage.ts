// A user's bytes against the quota, and the uploads and file deletes in progress, in one cell
// (`usage` of the files row), so that changing the count and recording why are one CPut.
//
// An upload reserves its declared size (or grows its reservation as bytes arrive) before it
// stores anything, renews `touchedAt` while it runs, and on commit first turns its reservation
// into its exact size (`committing`), then becomes visible in its folder, then drops its record.
//
// A file delete records itself before it frees anything, and gives the file's bytes back only
// when it is done, in the same CPut that drops its record (`completeDelete`): so the bytes come
// back exactly once, however many frontends delete the file at once or crash midway. The ids of
// the last deletes done are kept, so a slow deleter cannot record a finished delete again.
//
// A record nobody renewed for drive.uploadStaleMs belongs to a frontend that died:
// drive-reclaim.ts finishes its work. A resumable (tus) upload's record is `resumable`: it waits
// between requests for its client to come back, so it goes stale only after
// drive.resumableUploadTtlMs without a byte. Pure transforms; the I/O is in drive-reclaim.ts,
// drive-upload.ts and drive-tree.ts.
import { z } from 'zod';
import { HttpError } from '../errors';
import { formatBytes } from '../../format-bytes';

const uploadSchema = z.object({
  fileId: z.string(),
  folder: z.string(),
  reservedBytes: z.number(),
  touchedAt: z.number(),
  committing: z.boolean().optional(),
  /** A tus upload (drive-tus-store.ts): its state is the `tus:<uploadId>` column. */
  resumable: z.boolean().optional(),
});
export type OpenUpload = z.infer<typeof uploadSchema>;

const deleteSchema = z.object({
  /** The folder that listed the file when its delete began. */
  folder: z.string(),
  bytes: z.number(),
  touchedAt: z.number(),
});
export type OpenDelete = z.infer<typeof deleteSchema>;

const usageSchema = z.object({
  usedBytes: z.number(),
  uploads: z.record(z.string(), uploadSchema),
  deletes: z.record(z.string(), deleteSchema).default({}),
  /** Ids of the last deletes done, newest last (at most doneDeletesMax). */
  doneDeletes: z.array(z.string()).default([]),
});
export type Usage = z.infer<typeof usageSchema>;

const doneDeletesMax = 256;

export const usageCodec = {
  decode: (value: Buffer): Usage => usageSchema.parse(JSON.parse(value.toString('utf8'))),
  encode: (usage: Usage): Buffer => Buffer.from(JSON.stringify(usage), 'utf8'),
};

const empty: Usage = { usedBytes: 0, uploads: {}, deletes: {}, doneDeletes: [] };

export interface Limits {
  quotaBytes: number;
  uploadsOpenMax: number;
}

function quotaError(usedBytes: number, needBytes: number, quotaBytes: number): HttpError {
  const free = Math.max(0, quotaBytes - usedBytes);
  return new HttpError(
    413,
    'quota_exceeded',
    `Not enough room: this needs ${formatBytes(needBytes)}, and ${formatBytes(free)} of your ${formatBytes(quotaBytes)} are free.`,
  );
}

export function expired(): HttpError {
  return new HttpError(409, 'aborted', 'The upload took too long and was abandoned; try again.');
}

/** Records a new upload holding `bytes` of the quota (a retry that finds it recorded changes nothing). */
export function reserve(current: Usage | undefined, uploadId: string, upload: Omit<OpenUpload, 'reservedBytes'>, bytes: number, limits: Limits): Usage | undefined {
  const usage = current ?? empty;
  if (usage.uploads[uploadId]) return undefined;
  if (Object.keys(usage.uploads).length >= limits.uploadsOpenMax) {
    throw new HttpError(429, 'rate_limited', `At most ${limits.uploadsOpenMax} uploads can run at once; wait for some to finish.`, { 'Retry-After': '5' });
  }
  if (usage.usedBytes + bytes > limits.quotaBytes) throw quotaError(usage.usedBytes, bytes, limits.quotaBytes);
  return { ...usage, usedBytes: usage.usedBytes + bytes, uploads: { ...usage.uploads, [uploadId]: { ...upload, reservedBytes: bytes } } };
}

/** Raises an upload's reservation to `bytes` (an upload of undeclared size growing), and renews it. */
export function grow(current: Usage | undefined, uploadId: string, bytes: number, limits: Limits, nowMs: number): Usage | undefined {
  const upload = current?.uploads[uploadId];
  if (!current || !upload) throw expired();
  const extra = Math.max(0, bytes - upload.reservedBytes);
  if (current.usedBytes + extra > limits.quotaBytes) throw quotaError(current.usedBytes - upload.reservedBytes, bytes, limits.quotaBytes);
  return {
    ...current,
    usedBytes: current.usedBytes + extra,
    uploads: { ...current.uploads, [uploadId]: { ...upload, reservedBytes: upload.reservedBytes + extra, touchedAt: nowMs } },
  };
}

export function touch(current: Usage | undefined, uploadId: string, nowMs: number): Usage | undefined {
  const upload = current?.uploads[uploadId];
  if (!current || !upload) throw expired();
  return { ...current, uploads: { ...current.uploads, [uploadId]: { ...upload, touchedAt: nowMs } } };
}

/** The upload's bytes are all stored: its reservation becomes its exact size, and it may now commit. */
export function markCommitting(current: Usage | undefined, uploadId: string, bytes: number, nowMs: number): Usage | undefined {
  const upload = current?.uploads[uploadId];
  if (!current || !upload) throw expired();
  if (upload.committing) return undefined;
  return {
    ...current,
    usedBytes: Math.max(0, current.usedBytes + bytes - upload.reservedBytes),
    uploads: { ...current.uploads, [uploadId]: { ...upload, reservedBytes: bytes, committing: true, touchedAt: nowMs } },
  };
}

/** Drops the record of an upload that is now a file (its bytes stay counted). */
export function finish(current: Usage | undefined, uploadId: string): Usage | undefined {
  if (!current?.uploads[uploadId]) return undefined;
  const uploads = { ...current.uploads };
  delete uploads[uploadId];
  return { ...current, uploads };
}

/** Drops the record of an upload that failed or was reclaimed, and gives its bytes back. */
export function release(current: Usage | undefined, uploadId: string): Usage | undefined {
  const upload = current?.uploads[uploadId];
  if (!current || !upload) return undefined;
  const uploads = { ...current.uploads };
  delete uploads[uploadId];
  return { ...current, usedBytes: Math.max(0, current.usedBytes - upload.reservedBytes), uploads };
}

/** A file's delete begins (its bytes stay counted until it is done); nothing to do if it is recorded or done. */
export function recordDelete(current: Usage | undefined, fileId: string, folder: string, bytes: number, nowMs: number): Usage | undefined {
  const usage = current ?? empty;
  if (usage.deletes[fileId] || usage.doneDeletes.includes(fileId)) return undefined;
  return { ...usage, deletes: { ...usage.deletes, [fileId]: { folder, bytes, touchedAt: nowMs } } };
}

/**
 * A file's delete is done (its chunks and its entry are gone): its bytes are free, once — only
 * while its record is there — and any upload record still naming it is over.
 */
export function completeDelete(current: Usage | undefined, fileId: string): Usage | undefined {
  const open = current?.deletes[fileId];
  if (!current || !open) return undefined;
  const deletes = { ...current.deletes };
  delete deletes[fileId];
  return {
    usedBytes: Math.max(0, current.usedBytes - open.bytes),
    uploads: Object.fromEntries(Object.entries(current.uploads).filter(([, u]) => u.fileId !== fileId)),
    deletes,
    doneDeletes: [...current.doneDeletes, fileId].slice(-doneDeletesMax),
  };
}

/** Upload records nobody renewed within staleMs (a resumable one: within resumableTtlMs). */
export function staleUploads(usage: Usage | undefined, nowMs: number, staleMs: number, resumableTtlMs = staleMs): [string, OpenUpload][] {
  return Object.entries(usage?.uploads ?? {}).filter(([, u]) => nowMs - u.touchedAt > (u.resumable ? resumableTtlMs : staleMs));
}


/** Delete records older than staleMs: their frontend died (a delete takes seconds, not minutes). */
export function staleDeletes(usage: Usage | undefined, nowMs: number, staleMs: number): [string, OpenDelete][] {
  return Object.entries(usage?.deletes ?? {}).filter(([, d]) => nowMs - d.touchedAt > staleMs);
}
