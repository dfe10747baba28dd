// The log writer: appends framed records to wal.log with group commit, and reads them back.
// append() only queues; one flusher at a time takes everything queued, writes it with one
// write and makes it durable with one fsync, then resolves the waiters it covered. Writes that
// arrive during an fsync share the next one. The writer keeps an lsn → file offset index of the
// records since the checkpoint, so a peer catching up reads only the byte range it needs.
//
// A failed write or fsync is fatal: the bytes on disk are unknown, so the writer refuses
// everything after and reports once through onFatal. Recovery (scanLog) cuts whatever is torn.
import { strict as assert } from 'node:assert';
import { PennError } from '../../common/errors.ts';
import type { LogEntry } from '../core/types.ts';
import { decodeFrames, frameHeaderBytes, joinSmallPieces, logFrameTypes, type StopReason } from '../core/wal-record.ts';
import type { AppendHandle, FileSystem } from '../../common/files.ts';

/** A batch is one write() call: this caps the bytes held for it at once. */
const batchBytesMax = 16 * 1024 * 1024;
const MiB = 1024 * 1024;

/** Where the log stands: its size, the offset of each record in it, and their epochs. */
export interface LogPosition {
  fileBytes: number;
  /** lsn of the record at offsets[0] (or the lsn the next record will take, when empty). */
  firstLsn: number;
  offsets: number[];
  /** Epochs as runs: each run starts at firstLsn and lasts until the next run starts. */
  epochs: EpochRun[];
}

export interface EpochRun {
  firstLsn: number;
  epoch: number;
}

function noteEpoch(runs: EpochRun[], lsn: number, epoch: number): void {
  if (runs[runs.length - 1]?.epoch !== epoch) runs.push({ firstLsn: lsn, epoch });
}

interface Queued {
  lsn: number;
  /** The record's frame, whole or as pieces written one after another (a large value's own buffer). */
  pieces: Buffer[];
  bytes: number;
}

interface Waiter {
  lsn: number;
  resolve: () => void;
  reject: (err: Error) => void;
}

export class WalWriter {
  /** Bytes write() has put in the file; endBytes also counts what is queued or being written. */
  private fileBytes = 0;
  private endBytes = 0;
  private firstLsn = 1;
  private offsets: number[] = [];
  private epochs: EpochRun[] = [];
  private queue: Queued[] = [];
  private inflight: Queued[] = [];
  private waiters: Waiter[] = [];
  private running = false;
  private idleWaiters: (() => void)[] = [];
  private failure: PennError | null = null;
  lastLsn = 0;
  durableLsn = 0;
  fsyncs = 0;
  entriesSynced = 0;

  constructor(
    private readonly fs: FileSystem,
    private readonly file: string,
    private readonly handle: AppendHandle,
    private readonly recordBytesMax: number,
    private readonly onFatal: (err: Error) => void,
    position: LogPosition,
  ) {
    this.adopt(position);
  }

  /** Entries queued or being written, not yet durable. */
  get pendingCount(): number {
    return this.lastLsn - this.durableLsn;
  }

  /** Takes over a log position rebuilt by recovery. Only while idle. */
  adopt(position: LogPosition): void {
    assert(!this.running && this.queue.length === 0, 'adopt while the writer is busy');
    this.fileBytes = this.endBytes = position.fileBytes;
    this.firstLsn = position.firstLsn;
    this.offsets = position.offsets;
    this.epochs = position.epochs;
    this.lastLsn = this.durableLsn = position.firstLsn + position.offsets.length - 1;
  }

  /**
   * Queues a framed record, as the pieces of encodeLogEntryPieces (written one after another);
   * it is durable once waitDurable(lsn) resolves. With `hold`, no write starts for it yet: the
   * caller promises a flush() soon (waitDurable and idle flush too, so nothing waits on a held
   * record forever).
   */
  append(lsn: number, epoch: number, pieces: Buffer[], hold = false): void {
    if (this.failure) throw this.failure;
    assert.equal(lsn, this.lastLsn + 1, 'log records must be appended in lsn order');
    const bytes = pieces.reduce((sum, p) => sum + p.length, 0);
    noteEpoch(this.epochs, lsn, epoch);
    this.offsets.push(this.endBytes);
    this.endBytes += bytes;
    this.queue.push({ lsn, pieces, bytes });
    this.lastLsn = lsn;
    if (!hold) this.flush();
  }

  /** Starts writing what is queued, unless a write is under way (it takes the rest when done). */
  flush(): void {
    if (!this.running && this.queue.length > 0 && !this.failure) void this.flushLoop();
  }

  /** Epoch of the record at lsn, if the log holds it. */
  epochAt(lsn: number): number | undefined {
    if (lsn < this.firstLsn || lsn > this.lastLsn) return undefined;
    let epoch: number | undefined;
    for (const run of this.epochs) {
      if (run.firstLsn > lsn) break;
      epoch = run.epoch;
    }
    return epoch;
  }

  /** The last lsn in the log whose epoch is ≤ epoch, if any. */
  lastLsnWithEpochAtMost(epoch: number): number | undefined {
    for (let i = this.epochs.length - 1; i >= 0; i--) {
      const run = this.epochs[i] as EpochRun;
      if (run.epoch <= epoch) return i + 1 < this.epochs.length ? (this.epochs[i + 1] as EpochRun).firstLsn - 1 : this.lastLsn;
    }
    return undefined;
  }

  /** Resolves once the log is durable through lsn; a record held back is written now that someone waits for it. */
  waitDurable(lsn: number): Promise<void> {
    if (this.failure) return Promise.reject(this.failure);
    if (lsn <= this.durableLsn) return Promise.resolve();
    this.flush();
    return new Promise((resolve, reject) => this.waiters.push({ lsn, resolve, reject }));
  }

  /** Resolves once nothing is queued and no flush is running. */
  idle(): Promise<void> {
    this.flush();
    if (!this.running) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  private async flushLoop(): Promise<void> {
    this.running = true;
    try {
      while (this.queue.length > 0 && !this.failure) {
        let bytes = 0;
        let n = 0;
        while (n < this.queue.length && (n === 0 || bytes + (this.queue[n] as Queued).bytes <= batchBytesMax)) {
          bytes += (this.queue[n] as Queued).bytes;
          n++;
        }
        const batch = this.queue.splice(0, n);
        this.inflight = batch;
        for (const piece of joinSmallPieces(batch.flatMap((q) => q.pieces))) await this.handle.write(piece);
        this.fileBytes += bytes;
        this.inflight = [];
        await this.handle.sync();
        this.fsyncs++;
        this.entriesSynced += batch.length;
        this.durableLsn = (batch[batch.length - 1] as Queued).lsn;
        this.settle();
      }
    } catch (err) {
      this.fail(err as Error);
    } finally {
      this.running = false;
      const waiting = this.idleWaiters;
      this.idleWaiters = [];
      for (const resolve of waiting) resolve();
    }
  }

  private settle(): void {
    const still: Waiter[] = [];
    for (const w of this.waiters) {
      if (w.lsn <= this.durableLsn) w.resolve();
      else still.push(w);
    }
    this.waiters = still;
  }

  /** Refuses everything from now on; waiters reject with the given error. */
  private fail(err: Error, report = true): void {
    if (this.failure) return;
    this.failure = err instanceof PennError && !report ? err : new PennError('unavailable', `log write failed: ${err.message}`, { cause: err });
    const waiting = this.waiters;
    this.waiters = [];
    for (const w of waiting) w.reject(this.failure);
    if (report) this.onFatal(err);
  }

  /** Stops without reporting (close, abandon): waiters reject 'unavailable', the file closes. */
  async stop(reason: string): Promise<void> {
    this.fail(new PennError('unavailable', reason), false);
    await this.idle();
    await this.handle.close().catch(() => {});
  }

  /** Runs a change to the file while idle; any failure is fatal like a failed append. */
  private async whileIdle(what: string, change: () => Promise<void>): Promise<void> {
    await this.idle();
    if (this.failure) throw this.failure;
    assert(this.queue.length === 0, `${what} with records still queued`);
    try {
      await change();
    } catch (err) {
      this.fail(err as Error);
      throw this.failure;
    }
  }

  /** Cuts the log after lsn (truncate + fsync). Call when everything is durable. */
  async truncateAfter(lsn: number): Promise<void> {
    const keep = lsn + 1 - this.firstLsn;
    assert(keep >= 0, 'truncateAfter below the first record');
    if (keep >= this.offsets.length) return;
    const at = this.offsets[keep] as number;
    await this.whileIdle('truncate', async () => {
      await this.handle.truncate(at);
      await this.handle.sync();
    });
    this.offsets.length = keep;
    this.epochs = this.epochs.filter((run) => run.firstLsn <= lsn);
    this.fileBytes = this.endBytes = at;
    this.lastLsn = this.durableLsn = lsn;
  }

  /** Empties the log (after a checkpoint through lsn, or a snapshot install at lsn). */
  async reset(lsn: number): Promise<void> {
    await this.whileIdle('reset', async () => {
      await this.handle.truncate(0);
      await this.handle.sync();
    });
    this.adopt({ fileBytes: 0, firstLsn: lsn + 1, offsets: [], epochs: [] });
  }

  /**
   * Entries after afterLsn, as many as fit in bytesMax but at least one. Reads the file for the
   * part already written and takes queued records from memory.
   */
  async readEntries(afterLsn: number, bytesMax: number): Promise<LogEntry[]> {
    const first = afterLsn + 1 - this.firstLsn;
    if (afterLsn >= this.lastLsn) return [];
    assert(first >= 0, 'readEntries before the first record in the log');
    const endOf = (i: number) => (i + 1 < this.offsets.length ? (this.offsets[i + 1] as number) : this.endBytes);
    const start = this.offsets[first] as number;
    let last = first;
    while (last + 1 < this.offsets.length && endOf(last + 1) - start <= bytesMax) last++;
    const end = endOf(last);
    // Taken synchronously: the flusher only moves records from memory to the file past fileBytes.
    const written = this.fileBytes;
    const inMemory = [...this.inflight, ...this.queue];
    const parts: Buffer[] = [];
    if (start < written) parts.push(await this.fs.readRange(this.file, start, Math.min(end, written) - start));
    let at = written;
    for (const q of inMemory) {
      if (at >= end) break;
      if (at >= start) parts.push(...q.pieces);
      at += q.bytes;
    }
    const buf = Buffer.concat(parts);
    const { records, stop } = decodeFrames(buf, { recordBytesMax: this.recordBytesMax, types: logFrameTypes, prevLsn: afterLsn });
    if (stop || records.length !== last - first + 1 || buf.length !== end - start) {
      throw new PennError('internal', `wal.log read back damaged at lsn ${afterLsn + 1}: ${stop?.reason ?? 'short read'}`);
    }
    return records as LogEntry[];
  }
}

export interface LogScan {
  position: LogPosition;
  /** Bytes in the file before any cut. */
  sizeBytes: number;
  lastLsn: number | undefined;
  stop?: { reason: StopReason; offset: number };
}

/**
 * Reads wal.log from the start in pieces (memory stays near one piece whatever the log's size),
 * handing each record to onEntry in order. Stops at the first frame that is not whole and valid
 * and reports it; the caller cuts the file there.
 */
export async function scanLog(
  fs: FileSystem,
  file: string,
  recordBytesMax: number,
  onEntry: (entry: LogEntry) => Promise<void>,
): Promise<LogScan> {
  const sizeBytes = await fs.size(file);
  // A piece holds at least one whole frame, so a frame cut by a piece boundary is read whole next.
  const pieceBytes = Math.max(8 * MiB, recordBytesMax + frameHeaderBytes);
  const offsets: number[] = [];
  const epochs: EpochRun[] = [];
  let firstLsn: number | undefined;
  let lastLsn: number | undefined;
  let at = 0;
  while (at < sizeBytes) {
    const buf = await fs.readRange(file, at, pieceBytes);
    const result = decodeFrames(buf, { recordBytesMax, types: logFrameTypes, prevLsn: lastLsn });
    for (const [i, record] of result.records.entries()) {
      const entry = record as LogEntry;
      offsets.push(at + (result.offsets[i] as number));
      noteEpoch(epochs, entry.lsn, entry.epoch);
      firstLsn ??= entry.lsn;
      lastLsn = entry.lsn;
      await onEntry(entry);
    }
    const pieceEnd = at + buf.length;
    at += result.validBytes;
    if (!result.stop) continue;
    const cutByPiece = result.stop.reason === 'truncated tail' && pieceEnd < sizeBytes && result.validBytes > 0;
    if (cutByPiece) continue;
    return { position: { fileBytes: at, firstLsn: firstLsn ?? 0, offsets, epochs }, sizeBytes, lastLsn, stop: { reason: result.stop.reason, offset: at } };
  }
  return { position: { fileBytes: at, firstLsn: firstLsn ?? 0, offsets, epochs }, sizeBytes, lastLsn };
}
