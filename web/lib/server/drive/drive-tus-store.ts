// The tus DataStore of the drive (tus.io protocol 1.0, served by @tus/server): an upload's bytes
// go to the file's chunk rows as a streamed upload's do (drive-chunks.ts), its state to
// `tus:<uploadId>` of the owner's files row (drive-tus-state.ts), and its room is reserved in the
// usage cell at creation, like any upload (drive-usage.ts, marked `resumable`). Nothing is kept
// in a frontend between requests, so any frontend continues an upload another began.
//
// Order of a PATCH: renew the upload's record (a reclaimed one answers 409) → read back the head
// of a chunk the request begins inside → chunks, a few in flight → the state's offset, raised
// only to what the acknowledged chunks cover, as they are acknowledged (a frontend killed
// mid-request leaves the offset of its last acknowledged chunks). A body cut off keeps its whole
// chunks and drops the partial one (its client went away, and it could be shorter than what
// another request of the same upload wrote there meanwhile); a body that ends keeps all of it.
// The last bytes are the commit's (drive-tus-commit.ts, from @tus/server's onUploadFinish).
import type { Readable } from 'node:stream';
import { DataStore, ERRORS, Upload } from '@tus/server';
import { readCell, updateCell } from '../cells';
import { HttpError } from '../errors';
import { Pipeline, readChunk, writeChunk, type ChunkLayout } from './drive-chunks';
import type { DriveContext } from './drive-context';
import { markDue } from './drive-due';
import { mediaTypeOf } from './drive-media';
import { folderGone } from './drive-model';
import { checkName, filesRow, kindOfId, newId, rootId, usageColumn } from './drive-names';
import { reclaimSoon } from './drive-reclaim';
import { getFolder, holderOf } from './drive-folders';
import { advanced, isUploadId, OffsetBook, tusColumn, tusStateCodec, type TusState } from './drive-tus-state';
import { discardRecord, discardTus } from './drive-tus-commit';
import { release, reserve, touch, usageCodec } from './drive-usage';

/** Metadata a client may send (tus Upload-Metadata), each value at most this long. */
const metadataValueMax = 1024;

/**
 * The body writes running on this frontend, by upload. @tus/server answers a request whose body
 * was cut off — and releases its lock — as soon as the body fails, while its last chunk writes
 * and offset may still be landing: whatever comes next for that upload here (a resume's HEAD or
 * PATCH, a cancel's DELETE) first waits for them, so it sees the settled offset and never frees
 * chunks that are still being written.
 */
const writersKey = Symbol.for('penncloud.web.tusWriters');
const shared = globalThis as { [writersKey]?: Map<string, Promise<unknown>> };
const writers = (shared[writersKey] ??= new Map());

async function settled(id: string): Promise<void> {
  await writers.get(id)?.catch(() => {});
}

export class KvsTusStore extends DataStore {
  private readonly row: string;
  /** The drive with the transfer deadline (context.ts), once a request's bytes flow. */
  private readonly t: DriveContext;

  /**
   * @param gone The request's signal: aborted when its client goes away. @tus/server on a web
   * Request notices a cut-off body only when the body stream fails, which it may never do; until
   * then the upload's lock is held, and a cancel's DELETE would wait for the lock's drain timeout.
   */
  constructor(
    private readonly d: DriveContext,
    private readonly gone?: AbortSignal,
  ) {
    super();
    this.extensions = ['creation', 'creation-with-upload', 'termination'];
    this.row = filesRow(d.user);
    this.t = { ...d, cluster: d.transfers };
  }

  /** POST: checks the name and folder, reserves Upload-Length of the quota, then writes the state. */
  override async create(upload: Upload): Promise<Upload> {
    const length = upload.size;
    if (length === undefined || !Number.isSafeInteger(length) || length < 0) throw ERRORS.INVALID_LENGTH;
    const meta = upload.metadata ?? {};
    for (const value of Object.values(meta)) {
      if ((value ?? '').length > metadataValueMax) throw new HttpError(400, 'invalid_argument', `Upload-Metadata values are at most ${metadataValueMax} characters.`);
    }
    const name = checkName(meta.name ?? undefined);
    const folderId = meta.folder || rootId;
    if (kindOfId(folderId) !== 'folder') throw folderGone();
    const folder = await getFolder(this.d, folderId);
    if (!folder && folderId !== rootId) throw folderGone();
    if (folder?.deleting) throw new HttpError(409, 'failed_precondition', 'This folder is being deleted.');
    const held = folder ? await holderOf(this.d, folderId, name) : undefined;
    const holder = held?.id;
    // Replace names the file that holds the name now; anything else holding it is a clash.
    const replace = holder !== undefined && meta.replace === holder && held?.entry.kind === 'file' ? holder : undefined;
    if (holder !== undefined && replace === undefined) throw new HttpError(409, 'already_exists', `Something named "${name}" is already in this folder.`);
    reclaimSoon(this.d);
    const s = this.d.config.drive;
    const fileId = newId('file');
    const now = Date.now();
    const limits = { quotaBytes: this.d.config.web.quotaBytes, uploadsOpenMax: s.uploadsOpenMax };
    // The reservation first: a state without its record could never be reclaimed.
    await updateCell(this.d.cluster, this.row, usageColumn, usageCodec, (u) =>
      reserve(u, upload.id, { fileId, folder: folderId, touchedAt: now, resumable: true }, length, limits),
    );
    const state: TusState = {
      owner: this.d.user,
      fileId,
      folder: folderId,
      name,
      type: mediaTypeOf(meta.filetype ?? null, name),
      length,
      offset: 0,
      created: now,
      chunkBytes: s.chunkBytes,
      chunksPerRow: s.chunksPerRow,
      ...(meta.fingerprint ? { fingerprint: meta.fingerprint } : {}),
      ...(replace ? { replace } : {}),
    };
    try {
      await this.t.cluster.put(this.row, tusColumn(upload.id), tusStateCodec.encode(state));
    } catch (err) {
      // The client learns nothing it could resume or cancel: the room goes back now, not at the TTL.
      await updateCell(this.d.cluster, this.row, usageColumn, usageCodec, (u) => release(u, upload.id)).catch(() => {});
      throw err;
    }
    await markDue(this.d);
    upload.creation_date = new Date(now).toISOString();
    return upload;
  }

  /** HEAD (and before each PATCH): the stored offset. */
  override async getUpload(id: string): Promise<Upload> {
    await settled(id);
    const state = await this.state(id);
    return new Upload({
      id,
      size: state.length,
      offset: state.offset,
      metadata: { name: state.name, folder: state.folder, filetype: state.type },
      creation_date: new Date(state.created).toISOString(),
    });
  }

  /**
   * DELETE: the client gave up; its chunks, state and room are freed. A DELETE sent again after
   * one that failed midway (503 past the state) finishes from the upload's record.
   */
  override async remove(id: string): Promise<void> {
    await settled(id);
    const state = await this.state(id).catch((err: unknown) => {
      if (err !== ERRORS.FILE_NOT_FOUND) throw err;
      return undefined;
    });
    if (state) return discardTus(this.t, id, state);
    if (!isUploadId(id) || !(await discardRecord(this.t, id))) throw ERRORS.FILE_NOT_FOUND;
  }

  override async write(stream: Readable, id: string, offset: number): Promise<number> {
    // Registered before its first await: a body cut off at once releases the lock while this
    // still renews the record, and a cancel's DELETE must wait for that too, or the renewal
    // and the chunks after it would land on an upload already discarded.
    const run = this.writeBody(stream, id, offset);
    writers.set(id, run);
    try {
      return await run;
    } finally {
      if (writers.get(id) === run) writers.delete(id);
    }
  }

  private async writeBody(stream: Readable, id: string, offset: number): Promise<number> {
    await settled(id);
    const state = await this.state(id);
    // Renews the record (a resumable one is reclaimed drive.resumableUploadTtlMs after this).
    await updateCell(this.d.cluster, this.row, usageColumn, usageCodec, (u) => touch(u, id, Date.now()));
    // The client gone, the body is cut off here: its whole chunks stay, the request ends.
    const cutOff = () => stream.destroy(new Error('the client went away during the upload'));
    if (this.gone?.aborted) cutOff();
    this.gone?.addEventListener('abort', cutOff, { once: true });
    try {
      return await new ChunkWriter(this.t, id, state, offset).run(stream);
    } finally {
      this.gone?.removeEventListener('abort', cutOff);
    }
  }

  private async state(id: string): Promise<TusState> {
    if (!isUploadId(id)) throw ERRORS.FILE_NOT_FOUND;
    const state = await readCell(this.d.cluster, this.row, tusColumn(id), tusStateCodec);
    // The row is the session user's; the owner check says the same once more.
    if (!state || state.owner !== this.d.user) throw ERRORS.FILE_NOT_FOUND;
    return state;
  }
}

/** One request's body, cut into chunks at the file's chunk boundaries. */
class ChunkWriter {
  private readonly layout: ChunkLayout;
  private readonly book: OffsetBook;
  private readonly pipeline: Pipeline;
  private readonly spare: Buffer[] = [];
  private index: number;
  private chunk: Buffer;
  private filled: number;
  private received = 0;
  /** The offset a save is under way for, and the one wanted next. */
  private saving: Promise<void> | undefined;
  private wanted: number;
  private saved: number;
  private saveFailure: unknown;

  constructor(
    private readonly t: DriveContext,
    private readonly id: string,
    private readonly state: TusState,
    private readonly start: number,
  ) {
    this.layout = { chunkBytes: state.chunkBytes, chunksPerRow: state.chunksPerRow };
    this.book = new OffsetBook(start, state.chunkBytes);
    this.pipeline = new Pipeline(t.config.drive.writeAheadChunks);
    this.index = OffsetBook.indexOf(start, state.chunkBytes);
    this.filled = start - this.index * state.chunkBytes;
    this.chunk = this.takeBuffer();
    this.wanted = start;
    this.saved = start;
  }

  async run(stream: Readable): Promise<number> {
    if (this.filled > 0) {
      // The request begins inside a chunk: its stored head is written again with the new bytes.
      const head = await readChunk(this.t.cluster, this.t.user, this.state.fileId, this.index, this.layout);
      if (head.length < this.filled) throw ERRORS.INVALID_OFFSET;
      head.copy(this.chunk, 0, 0, this.filled);
    }
    try {
      for await (const piece of stream as AsyncIterable<Buffer>) await this.take(piece);
      if (this.filled > 0) await this.store(this.chunk.subarray(0, this.filled));
      await this.pipeline.drain();
    } catch (err) {
      // Cut off (or a write failed): what is acknowledged stays, and its offset is recorded.
      await this.pipeline.settle();
      await this.save(this.book.durableOffset).catch(() => {});
      throw err;
    }
    await this.save(this.book.durableOffset);
    return this.start + this.received;
  }

  private async take(piece: Buffer): Promise<void> {
    this.received += piece.byteLength;
    for (let at = 0; at < piece.byteLength; ) {
      const n = Math.min(this.chunk.length - this.filled, piece.byteLength - at);
      piece.copy(this.chunk, this.filled, at, at + n);
      this.filled += n;
      at += n;
      if (this.filled === this.chunk.length) {
        await this.store(this.chunk);
        this.chunk = this.takeBuffer();
        this.filled = 0;
      }
    }
  }

  /** A buffer for chunk `index`: full size, or what is left of the file. */
  private takeBuffer(): Buffer {
    const size = Math.min(this.layout.chunkBytes, Math.max(0, this.state.length - this.index * this.layout.chunkBytes));
    if (size === this.layout.chunkBytes) {
      const spare = this.spare.pop();
      if (spare) return spare;
    }
    return Buffer.allocUnsafe(Math.max(1, size));
  }

  private async store(data: Buffer): Promise<void> {
    const index = this.index++;
    const end = index * this.layout.chunkBytes + data.length;
    if (end > this.state.length) throw ERRORS.ERR_SIZE_EXCEEDED;
    await this.pipeline.submit(async () => {
      await writeChunk(this.t.cluster, this.t.user, this.state.fileId, index, data, this.layout);
      if (data.length === this.layout.chunkBytes) this.spare.push(data);
      this.book.chunkStored(index, end);
      this.saveSoon(this.book.durableOffset);
    });
  }

  /** Raises the stored offset behind the writes: one save at a time, the latest offset next. */
  private saveSoon(offset: number): void {
    this.wanted = Math.max(this.wanted, offset);
    if (this.saving || this.saved >= this.wanted) return;
    this.saving = (async () => {
      try {
        while (this.saved < this.wanted) {
          const target = this.wanted;
          await updateCell(this.t.cluster, filesRow(this.t.user), tusColumn(this.id), tusStateCodec, (s) => advanced(s, target));
          this.saved = target;
          this.saveFailure = undefined;
        }
      } catch (err) {
        this.saveFailure = err;
      } finally {
        this.saving = undefined;
      }
    })();
  }

  private async save(offset: number): Promise<void> {
    this.saveSoon(offset);
    while (this.saving) await this.saving;
    if (this.saveFailure !== undefined) throw this.saveFailure;
  }
}
