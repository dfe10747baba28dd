// An upload, streamed: the request body is read as it arrives, cut into chunks of
// drive.chunkBytes and written to the store with a few writes in flight, so a frontend holds at
// most (writeAheadChunks + 1) chunks of it however large the file. Order (drive-usage.ts):
// reserve room and record the upload (one CPut) → chunks → mark committing → file pointer →
// folder entry (the moment it becomes visible) → drop the record. Any failure before the entry
// (client gone, idle too long, store down, name taken meanwhile) frees the chunks and the room;
// if this frontend dies instead, the record goes stale and drive-reclaim.ts does the same later.
// Deadlines: the first write (the reservation) has the request's 2.5 s, so a group that cannot
// serve is answered at once; after it, every store operation has the transfer deadline
// (context.ts), since the group is busy with this upload's own chunks.
import { createHash, randomBytes } from 'node:crypto';
import { isStorageUnavailable } from '../../../../cluster/kvs/cluster-client.ts';
import type { DriveItem } from '../../drive-api';
import { HttpError } from '../errors';
import { updateCell } from '../cells';
import { freeChunks, Pipeline, writeChunk, type ChunkLayout } from './drive-chunks';
import type { DriveContext } from './drive-context';
import { markDue } from './drive-due';
import { folderGone, newFileEntry, viewOf, type Entry } from './drive-model';
import { checkName, fileAtColumn, filesRow, kindOfId, newId, rootId, usageColumn } from './drive-names';
import { reclaimSoon } from './drive-reclaim';
import { getFolder, holderOf } from './drive-folders';
import { addEntry } from './drive-tree';
import { mediaTypeOf } from './drive-media';
import { finish, grow, markCommitting, release, reserve, touch, usageCodec, type Limits } from './drive-usage';

export interface UploadInput {
  folderId: string;
  name: unknown;
  /** The request's Content-Type, or an explicit type. */
  type: string | null;
  /** Content-Length when the client sent one (then the body must be exactly that long). */
  declaredBytes: number | undefined;
  body: ReadableStream<Uint8Array> | null;
}

export async function uploadFile(d: DriveContext, input: UploadInput): Promise<DriveItem> {
  const { folderId, declaredBytes } = input;
  if (kindOfId(folderId) !== 'folder') throw folderGone();
  const name = checkName(input.name);
  // Refuse early what would be refused at commit anyway, before any byte is stored.
  const folder = await getFolder(d, folderId);
  if (!folder && folderId !== rootId) throw folderGone();
  if (folder?.deleting) throw new HttpError(409, 'failed_precondition', 'This folder is being deleted.');
  if (folder && (await holderOf(d, folderId, name)) !== undefined) {
    throw new HttpError(409, 'already_exists', `Something named "${name}" is already in this folder.`);
  }
  reclaimSoon(d);
  const upload = new Upload(d, folderId, name, mediaTypeOf(input.type, name), declaredBytes);
  return upload.run(input.body);
}

class Upload {
  private readonly uploadId = randomBytes(12).toString('base64url');
  private readonly fileId = newId('file');
  private readonly row: string;
  private readonly layout: ChunkLayout;
  private readonly limits: Limits;
  private readonly pipeline: Pipeline;
  private readonly hash = createHash('sha256');
  private chunksWritten = 0;
  private bytesReceived = 0;
  private reservedBytes = 0;
  private lastTouchMs = Date.now();
  private pointerWritten = false;
  /** The drive with the transfer deadline (context.ts): for everything once the upload is under way. */
  private readonly t: DriveContext;
  /** Chunk buffers whose put has resolved, reused so a long upload allocates a handful, not one per MiB. */
  private readonly spare: Buffer[] = [];

  constructor(
    private readonly d: DriveContext,
    private readonly folderId: string,
    private readonly name: string,
    private readonly type: string,
    private readonly declaredBytes: number | undefined,
  ) {
    const s = d.config.drive;
    this.t = { ...d, cluster: d.transfers };
    this.row = filesRow(d.user);
    this.layout = { chunkBytes: s.chunkBytes, chunksPerRow: s.chunksPerRow };
    this.limits = { quotaBytes: d.config.web.quotaBytes, uploadsOpenMax: s.uploadsOpenMax };
    this.pipeline = new Pipeline(s.writeAheadChunks);
  }

  async run(body: ReadableStream<Uint8Array> | null): Promise<DriveItem> {
    const reader = body?.getReader();
    // Room for the whole file when its size is known, before a byte is stored; otherwise it
    // grows as the bytes come (growTo).
    this.reservedBytes = this.declaredBytes ?? 0;
    // The one write before any byte flows: with the request's own deadline, so a group that
    // cannot serve is answered 503 at once. Everything after it uses `this.t`.
    await updateCell(this.d.cluster, this.row, usageColumn, usageCodec, (u) =>
      reserve(u, this.uploadId, { fileId: this.fileId, folder: this.folderId, touchedAt: Date.now() }, this.reservedBytes, this.limits),
    );
    await markDue(this.d);
    let entry: Entry | undefined;
    try {
      await this.receive(reader);
      entry = await this.commit();
    } catch (err) {
      await reader?.cancel().catch(() => {});
      // With the store unable to serve, cleaning up would most likely fail too, after another
      // deadline: answer 503 now and let the cleanup (or, failing that, reclaim) run behind.
      if (isStorageUnavailable(err)) void this.discard();
      else await this.discard();
      throw err;
    }
    // Visible now; a failure to drop the record leaves it to drive-reclaim.ts, which sees the file.
    await updateCell(this.t.cluster, this.row, usageColumn, usageCodec, (u) => finish(u, this.uploadId)).catch((err: unknown) =>
      this.d.log.warn(`drive: upload ${this.uploadId} committed but its record stays: ${(err as Error).message}`),
    );
    return viewOf(this.fileId, entry);
  }

  private async receive(reader: ReadableStreamDefaultReader<Uint8Array> | undefined): Promise<void> {
    let chunk = this.takeBuffer();
    let filled = 0;
    while (reader) {
      const { done, value } = await this.read(reader);
      if (done) break;
      this.bytesReceived += value.byteLength;
      if (this.declaredBytes !== undefined && this.bytesReceived > this.declaredBytes) {
        throw new HttpError(400, 'invalid_argument', 'The body is longer than its Content-Length.');
      }
      this.hash.update(value);
      for (let offset = 0; offset < value.byteLength; ) {
        const n = Math.min(chunk.length - filled, value.byteLength - offset);
        chunk.set(value.subarray(offset, offset + n), filled);
        filled += n;
        offset += n;
        if (filled === chunk.length) {
          await this.store(chunk);
          chunk = this.takeBuffer();
          filled = 0;
        }
      }
    }
    if (filled > 0) await this.store(chunk.subarray(0, filled));
    await this.pipeline.drain();
    if (this.declaredBytes !== undefined && this.bytesReceived !== this.declaredBytes) {
      throw new HttpError(400, 'invalid_argument', 'The upload ended before its Content-Length.');
    }
  }

  /** A buffer for the next chunk: a spare one, or one no larger than the declared rest of the file. */
  private takeBuffer(): Buffer {
    const spare = this.spare.pop();
    if (spare) return spare;
    const rest = this.declaredBytes === undefined ? Infinity : this.declaredBytes - this.chunksWritten * this.layout.chunkBytes;
    return Buffer.allocUnsafe(Math.max(1, Math.min(this.layout.chunkBytes, rest)));
  }

  /** One read, abandoned after drive.uploadIdleMs without a byte. */
  private async read(reader: ReadableStreamDefaultReader<Uint8Array>): Promise<ReadableStreamReadResult<Uint8Array>> {
    const idleMs = this.d.config.drive.uploadIdleMs;
    let timer: NodeJS.Timeout | undefined;
    const idle = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new HttpError(408, 'timeout', `No data arrived for ${idleMs / 1000} s; the upload was abandoned.`)), idleMs);
    });
    try {
      return await Promise.race([reader.read(), idle]);
    } catch (err) {
      if (err instanceof HttpError) throw err;
      throw new HttpError(400, 'aborted', 'The upload was interrupted.');
    } finally {
      clearTimeout(timer);
    }
  }

  private async store(data: Buffer): Promise<void> {
    const end = (this.chunksWritten + 1) * this.layout.chunkBytes;
    if (this.declaredBytes === undefined && end > this.reservedBytes) await this.growTo(Math.min(end, this.bytesReceived + this.layout.chunkBytes));
    else if (Date.now() - this.lastTouchMs > this.d.config.drive.uploadTouchMs) await this.renew();
    const index = this.chunksWritten++;
    await this.pipeline.submit(async () => {
      await writeChunk(this.t.cluster, this.d.user, this.fileId, index, data, this.layout);
      // Stored: its buffer takes the next chunk (a retried put reads it until the put resolves).
      if (data.length === this.layout.chunkBytes) this.spare.push(data);
    });
  }

  /** Grows the reservation of an upload of unknown size, a few rows ahead when the quota allows. */
  private async growTo(bytes: number): Promise<void> {
    const ahead = bytes + this.layout.chunkBytes * this.layout.chunksPerRow;
    const apply = (target: number) =>
      updateCell(this.t.cluster, this.row, usageColumn, usageCodec, (u) => grow(u, this.uploadId, target, this.limits, Date.now()));
    try {
      await apply(ahead);
      this.reservedBytes = ahead;
    } catch (err) {
      if (!(err instanceof HttpError && err.code === 'quota_exceeded')) throw err;
      await apply(bytes);
      this.reservedBytes = bytes;
    }
    this.lastTouchMs = Date.now();
  }

  private async renew(): Promise<void> {
    await updateCell(this.t.cluster, this.row, usageColumn, usageCodec, (u) => touch(u, this.uploadId, Date.now()));
    this.lastTouchMs = Date.now();
  }

  private async commit(): Promise<Entry> {
    const now = Date.now();
    const entry = newFileEntry({ name: this.name, size: this.bytesReceived, type: this.type, ...this.layout, sha256: this.hash.digest('hex') }, now);
    await updateCell(this.t.cluster, this.row, usageColumn, usageCodec, (u) => markCommitting(u, this.uploadId, this.bytesReceived, now));
    this.pointerWritten = true;
    await this.t.cluster.put(this.row, fileAtColumn(this.fileId), this.folderId);
    await addEntry(this.t, this.folderId, this.fileId, entry);
    return entry;
  }

  /** Undoes a failed upload: chunks, pointer, then the record and its room. Failures are left to reclaim. */
  private async discard(): Promise<void> {
    try {
      await this.pipeline.settle();
      const rows = Math.max(1, Math.ceil(this.chunksWritten / this.layout.chunksPerRow));
      await freeChunks(this.t.cluster, this.d.user, this.fileId, rows);
      if (this.pointerWritten) await this.t.cluster.delete(this.row, fileAtColumn(this.fileId));
      await updateCell(this.t.cluster, this.row, usageColumn, usageCodec, (u) => release(u, this.uploadId));
    } catch (err) {
      this.d.log.warn(`drive: cleaning up upload ${this.uploadId} failed, left for reclaim: ${(err as Error).message}`);
    }
  }
}
