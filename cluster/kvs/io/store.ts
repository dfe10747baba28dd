// The durable storage engine of one KVS node (WAL_FORMAT.md). Contract:
// - A write is applied to memory and queued for the log under the store's lock; it is durable,
//   and may be acknowledged, only once waitDurable(lsn) resolves. Group commit: one flusher
//   writes and fsyncs everything queued, outside the lock, so new writes keep arriving meanwhile.
//   Proposals queued on the lock together (a Batch's) start no fsync until the last of them has
//   been applied, so they share one; anyone waiting for durability starts it at once.
// - Every other operation on tablets and the log runs under the same lock, one at a time.
// - Recovery = MANIFEST + replay of wal.log; a torn or corrupt log tail is cut, never applied.
// - A failed log write or fsync is fatal: the store refuses everything after with 'unavailable'.
import { strict as assert } from 'node:assert';
import path from 'node:path';
import { PennError } from '../../common/errors.ts';
import type { Logger } from '../../common/log.ts';
import type { ColumnPage, ColumnPageQuery } from '../core/column-page.ts';
import type { LogEntry, ScanPage, StoreFigures } from '../core/types.ts';
import {
  decodeManifestFile,
  encodeLogEntryPieces,
  encodeManifest,
  frameHeaderBytes,
  manifestFormat,
  recordBytesMaxDefault,
  type Manifest,
  type ManifestTablet,
} from '../core/wal-record.ts';
import { nodeFileSystem, type AppendHandle, type FileSystem } from '../../common/files.ts';
import {
  SnapshotPins,
  commitManifest,
  prepareManifest,
  raiseCounters,
  readManifest,
  storePaths,
  sweepTablets,
  type StorePaths,
} from './store-files.ts';
import { TabletCache, type NameCounters } from './tablet-cache.ts';
import { checkCell, decide, type WriteOp } from './write-op.ts';

export type { WriteOp } from './write-op.ts';
import { fetchSnapshotTablets, replayLog } from './store-recovery.ts';
import { WalWriter, type LogPosition } from './wal-writer.ts';

export interface StoreOptions {
  /** <dataDir>/kvs/<nodeId> */
  dir: string;
  fs?: FileSystem;
  log: Logger;
  /** Byte budget of tablets in memory; least recently used ones are evicted past it. */
  memoryBytesMax: number;
  /** A tablet splits in two past this. */
  tabletBytesMax: number;
  checkpointEveryWrites: number;
  /** Standalone node: checkpoint after checkpointEveryWrites by itself. Replicated: the primary drives it. */
  autoCheckpoint: boolean;
  recordBytesMax?: number;
  /** Writes waiting (for the lock or for the log) beyond this are refused with 'resource_exhausted'. */
  pendingWritesMax?: number;
  /** A log write or fsync failed: the store refuses everything after and calls this once. */
  onFatal?: (err: Error) => void;
}

/** Largest piece readSnapshotFile serves at once (a gRPC message carries it). */
export const snapshotReadBytesMax = 8 * 1024 * 1024;
const pendingWritesMaxDefault = 4096;

/**
 * A value the store may keep: the Buffer itself when it is all (or nearly all) of the memory
 * behind it — a large value gRPC decoded into a message of its own — else a copy. A small value
 * is a view into a shared pool or a larger message (a batch of entries, a read buffer), and
 * keeping it would keep all of that alive, uncounted by memoryBytesMax. Not copying 1 MiB
 * values saves a copy per write and keeps the memory of large puts near their own size.
 */
function owned(value: Buffer): Buffer {
  return value.buffer.byteLength <= value.length + ownSlackBytes ? value : Buffer.from(value);
}
const ownSlackBytes = 4096;

/** Runs async functions one at a time, in call order. */
class SerialLock {
  private tail: Promise<unknown> = Promise.resolve();
  run<T>(fn: () => Promise<T>): Promise<T> {
    const result = this.tail.then(fn);
    this.tail = result.catch(() => {});
    return result;
  }
}

export class Store {
  private state: 'open' | 'failed' | 'closed' = 'open';
  private readonly lock = new SerialLock();
  private readonly wal: WalWriter;
  private cache: TabletCache;
  private manifestFiles: Set<string>;
  private readonly pins = new SnapshotPins();
  private lastEpoch: number;
  private writesSinceCheckpoint = 0;
  private proposalsWaiting = 0;
  private autoCheckpointQueued = false;
  private readonly recordBytesMax: number;
  private readonly log: Logger;

  private constructor(
    private readonly opts: StoreOptions,
    private readonly fs: FileSystem,
    private readonly paths: StorePaths,
    private readonly handle: AppendHandle,
    private readonly counters: NameCounters,
    private manifest: Manifest,
    private manifestBytes: Buffer,
  ) {
    this.log = opts.log;
    this.recordBytesMax = opts.recordBytesMax ?? recordBytesMaxDefault;
    this.manifestFiles = new Set(manifest.tablets.map((t) => t.file));
    this.lastEpoch = manifest.epoch;
    const empty: LogPosition = { fileBytes: 0, firstLsn: manifest.lsn + 1, offsets: [], epochs: [] };
    this.wal = new WalWriter(fs, this.paths.wal, handle, this.recordBytesMax, (err) => this.fatal(err), empty);
    this.cache = this.newCache(manifest.tablets);
  }

  static async open(opts: StoreOptions): Promise<Store> {
    assert(opts.memoryBytesMax > 0 && opts.tabletBytesMax > 0 && opts.checkpointEveryWrites > 0, 'store limits must be positive');
    const fs = opts.fs ?? nodeFileSystem;
    const paths = storePaths(opts.dir);
    const recordBytesMax = opts.recordBytesMax ?? recordBytesMaxDefault;
    await fs.mkdir(paths.tablets);
    await fs.syncDir(path.dirname(paths.dir));
    await fs.syncDir(paths.dir);
    if (await fs.exists(paths.manifestTmp)) await fs.unlink(paths.manifestTmp);
    const { manifest, bytes } = await readManifest(fs, paths, recordBytesMax);
    const named = new Set(manifest.tablets.map((t) => t.file));
    const counters: NameCounters = { tabletNo: 0, fileSeq: 0 };
    const found = await sweepTablets(fs, paths, (f) => named.has(f), opts.log);
    raiseCounters(counters, manifest.tablets.map((t) => t.id), found);
    const handle = await fs.openAppend(paths.wal);
    await fs.syncDir(paths.dir);
    const store = new Store(opts, fs, paths, handle, counters, manifest, bytes);
    try {
      await store.recover(false);
    } catch (err) {
      await handle.close().catch(() => {});
      throw err;
    }
    opts.log.info('store open', { dir: opts.dir, checkpointVersion: manifest.version, ...store.lsns() });
    return store;
  }

  private lsns() {
    return { checkpointLsn: this.manifest.lsn, lastLsn: this.wal.lastLsn, replayed: this.writesSinceCheckpoint };
  }

  private newCache(tablets: readonly ManifestTablet[]): TabletCache {
    return new TabletCache(tablets, {
      fs: this.fs,
      tabletsDir: this.paths.tablets,
      log: this.log,
      memoryBytesMax: this.opts.memoryBytesMax,
      tabletBytesMax: this.opts.tabletBytesMax,
      recordBytesMax: this.recordBytesMax,
      counters: this.counters,
      keepFile: (file) => this.manifestFiles.has(file) || this.pins.has(file),
    });
  }

  /** Rebuilds memory from the checkpoint and the log; cuts a torn or corrupt tail. */
  private async recover(freshCache: boolean): Promise<void> {
    if (freshCache) this.cache = this.newCache(this.manifest.tablets);
    const { manifest, cache, handle, log, recordBytesMax } = this;
    const replay = await replayLog({ fs: this.fs, paths: this.paths, handle, manifest, cache, recordBytesMax, log });
    this.wal.adopt(replay.position);
    this.lastEpoch = replay.lastEpoch;
    this.writesSinceCheckpoint = replay.replayed;
  }

  private fatal(err: Error): void {
    if (this.state !== 'open') return;
    this.state = 'failed';
    this.log.error('store failed; refusing every request', { err });
    this.opts.onFatal?.(err);
  }

  private checkOpen(): void {
    if (this.state === 'failed') throw new PennError('unavailable', 'the store failed writing its log');
    if (this.state === 'closed') throw new PennError('unavailable', 'the store is closed');
  }

  /** Runs a step after which the disk may be in either state: a failure stops the store. */
  private async critical(what: string, step: () => Promise<void>): Promise<void> {
    try {
      await step();
    } catch (err) {
      this.fatal(err as Error);
      throw new PennError('unavailable', `${what} failed: ${(err as Error).message}`, { cause: err });
    }
  }

  /** The last lsn in the log (figures().lastLsn without counting keys and bytes: for every call's path). */
  get lastLsn(): number {
    return this.wal.lastLsn;
  }

  /** StoreFigures plus the checkpoint's epoch, which replication matches logs by. */
  figures(): StoreFigures & { checkpointEpoch: number } {
    return {
      lastLsn: this.wal.lastLsn,
      lastEpoch: this.lastEpoch,
      durableLsn: this.wal.durableLsn,
      checkpointVersion: this.manifest.version,
      checkpointLsn: this.manifest.lsn,
      checkpointEpoch: this.manifest.epoch,
      keyCount: this.cache.keyCount(),
      memoryBytes: this.cache.memoryBytes(),
      logFsyncs: this.wal.fsyncs,
      logEntriesSynced: this.wal.entriesSynced,
    };
  }

  /** Epoch of the entry at lsn: the checkpoint's at checkpointLsn, the log's above it, else undefined. */
  epochAt(lsn: number): number | undefined {
    if (lsn === this.manifest.lsn) return this.manifest.epoch;
    return lsn > this.manifest.lsn ? this.wal.epochAt(lsn) : undefined;
  }

  /** The last lsn above the checkpoint whose entry's epoch is ≤ epoch; checkpointLsn if none. */
  lastLsnWithEpochAtMost(epoch: number): number {
    const lsn = this.wal.lastLsnWithEpochAtMost(epoch);
    return lsn !== undefined && lsn > this.manifest.lsn ? lsn : this.manifest.lsn;
  }

  get(row: string, column: string): Promise<Buffer | undefined> {
    return this.lock.run(async () => {
      this.checkOpen();
      checkCell(row, column);
      return this.cache.get(row, column);
    });
  }

  /** One page of a row's columns (core/column-page.ts); the query is checked by the caller. */
  listColumnsPage(row: string, query: ColumnPageQuery): Promise<ColumnPage> {
    return this.lock.run(async () => {
      this.checkOpen();
      checkCell(row, query.after);
      checkCell(row, query.prefix);
      assert(Number.isSafeInteger(query.limit) && query.limit >= 1 && query.bytesMax >= 1, 'a column page needs room for a column');
      return this.cache.listColumnsPage(row, query);
    });
  }

  scanRows(afterRow: string, limit: number): Promise<ScanPage> {
    return this.lock.run(async () => {
      this.checkOpen();
      checkCell(afterRow, '');
      if (!Number.isSafeInteger(limit) || limit < 1) throw new PennError('invalid_argument', 'limit must be at least 1');
      return this.cache.scanRows(afterRow, limit);
    });
  }

  /**
   * Primary/standalone path: decides the write against the current value, assigns the next lsn,
   * applies it to memory and queues it for the log. Does not wait for the fsync.
   */
  async propose(epoch: number, op: WriteOp): Promise<{ entry: LogEntry | null; existed: boolean }> {
    const { entries, existed } = await this.proposeAll(epoch, [op]);
    return { entry: entries?.[0] ?? null, existed: existed[0] === true };
  }

  /**
   * As propose, for writes that apply all or none (a CPutAll): each is decided against the
   * current value at the same moment, and only when every one applies are they all applied, in
   * order, with consecutive lsns queued for the same fsync; entries is null otherwise. The
   * cells must differ (a later write would be decided against a value the earlier one replaces).
   * `existed` says which cells held a value; the values themselves are not returned, so that a
   * write waiting for its fsync does not keep the value it replaced alive (up to
   * kvs.valueBytesMax each).
   */
  async proposeAll(epoch: number, ops: readonly WriteOp[]): Promise<{ entries: LogEntry[] | null; existed: boolean[] }> {
    assert(Number.isSafeInteger(epoch) && epoch >= 0, 'epoch must be a non-negative integer');
    this.checkOpen();
    if (this.proposalsWaiting + this.wal.pendingCount + ops.length > (this.opts.pendingWritesMax ?? pendingWritesMaxDefault)) {
      throw new PennError('resource_exhausted', 'too many writes waiting for the log');
    }
    this.proposalsWaiting++;
    try {
      return await this.lock.run(async () => {
        this.checkOpen();
        const existed: boolean[] = [];
        let applies = true;
        for (const op of ops) {
          checkCell(op.row, op.column);
          const value = await this.cache.get(op.row, op.column);
          existed.push(value !== undefined);
          if (!decide(op, value)) applies = false;
        }
        if (!applies) return { entries: null, existed };
        const entries = ops.map((op, i): LogEntry => {
          const base = { lsn: this.wal.lastLsn + 1 + i, epoch, row: op.row, column: op.column };
          return op.kind === 'put' ? { kind: 'put', ...base, value: owned(op.value) } : { kind: 'delete', ...base };
        });
        // Group commit takes a burst of proposals whole: while others wait behind this one (a
        // Batch's operations queue here all at once), the log holds these entries for their
        // fsync instead of starting one for them alone.
        const frames = entries.map((e) => this.frame(e));
        if (entries.length === 1) {
          await this.applyAndQueue(entries, frames, this.proposalsWaiting > 1);
        } else {
          // Applying one entry may evict the tablet of the next, and reading it back may fail:
          // the first would then be applied and logged alone, on a store still serving. The
          // writes are all or none, so such a failure stops the store, as a failed log write does.
          await this.critical('an all-or-none write', () => this.applyAndQueue(entries, frames, this.proposalsWaiting > 1));
        }
        return { entries, existed };
      });
    } finally {
      this.proposalsWaiting--;
      // The last of a burst (whatever it decided, even a throw) sends what it held to the log.
      if (this.proposalsWaiting === 0) this.wal.flush();
    }
  }

  /** Proposals waiting for the lock or running under it; the replicator wakes its followers at 0. */
  get proposing(): number {
    return this.proposalsWaiting;
  }

  /**
   * Backup path: entries from the primary, the first at lastLsn + 1. Does not wait for the
   * fsync. Not bounded by pendingWritesMax: the primary bounds what it sends.
   */
  appendEntries(entries: LogEntry[]): Promise<void> {
    return this.lock.run(async () => {
      this.checkOpen();
      let expected = this.wal.lastLsn + 1;
      for (const e of entries) {
        if (e.lsn !== expected) throw new PennError('failed_precondition', `expected lsn ${expected}, got ${e.lsn}`);
        checkCell(e.row, e.column);
        expected++;
      }
      const own = entries.map((e): LogEntry => (e.kind === 'put' ? { ...e, value: owned(e.value) } : { ...e }));
      await this.applyAndQueue(own, own.map((e) => this.frame(e)));
    });
  }

  private frame(entry: LogEntry): Buffer[] {
    const pieces = encodeLogEntryPieces(entry);
    const bytes = pieces.reduce((sum, p) => sum + p.length, 0);
    if (bytes - frameHeaderBytes > this.recordBytesMax) {
      throw new PennError('invalid_argument', `a log record of ${bytes} bytes is over recordBytesMax`);
    }
    return pieces;
  }

  /** Applies entries and queues them for the log, all for one fsync; `hold` leaves it to a later flush. */
  private async applyAndQueue(entries: LogEntry[], frames: Buffer[][], hold = false): Promise<void> {
    try {
      for (const [i, entry] of entries.entries()) {
        await this.cache.apply(entry);
        this.wal.append(entry.lsn, entry.epoch, frames[i] as Buffer[], true);
        this.lastEpoch = entry.epoch;
      }
    } finally {
      if (!hold) this.wal.flush();
    }
    this.writesSinceCheckpoint += entries.length;
    if (this.opts.autoCheckpoint && !this.autoCheckpointQueued && this.writesSinceCheckpoint >= this.opts.checkpointEveryWrites) {
      this.autoCheckpointQueued = true;
      this.checkpoint()
        .catch((err: unknown) => {
          if (this.state === 'open') this.log.warn('automatic checkpoint failed', { err });
        })
        .finally(() => (this.autoCheckpointQueued = false));
    }
  }

  /** Resolves once the log is fsync'd through lsn; rejects if the store failed or closed. */
  waitDurable(lsn: number): Promise<void> {
    if (this.state !== 'open') return Promise.reject(new PennError('unavailable', `the store is ${this.state}`));
    return this.wal.waitDurable(lsn);
  }

  /** Writes a checkpoint at the last lsn (WAL_FORMAT.md, Manifest steps 1-4). */
  checkpoint(version?: number): Promise<void> {
    return this.lock.run(() => this.checkpointLocked(version ?? this.manifest.version + 1));
  }

  private async checkpointLocked(version: number): Promise<void> {
    assert(Number.isSafeInteger(version) && version >= 0, 'checkpoint version must be a non-negative integer');
    this.checkOpen();
    await this.wal.waitDurable(this.wal.lastLsn);
    await this.cache.flushAll();
    // Abandoned meanwhile: stop as a crash would, between steps.
    this.checkOpen();
    const manifest: Manifest = {
      format: manifestFormat,
      version,
      lsn: this.wal.lastLsn,
      epoch: this.lastEpoch,
      tablets: this.cache.manifestTablets(),
    };
    const bytes = encodeManifest(manifest);
    await prepareManifest(this.fs, this.paths, bytes);
    this.checkOpen();
    await this.critical('checkpoint', async () => {
      await commitManifest(this.fs, this.paths);
      this.setManifest(manifest, bytes);
      await this.wal.reset(manifest.lsn);
    });
    this.writesSinceCheckpoint = 0;
    await this.sweep();
    this.log.info('checkpoint written', { version, lsn: manifest.lsn, tablets: manifest.tablets.length });
  }

  private setManifest(manifest: Manifest, bytes: Buffer): void {
    this.manifest = manifest;
    this.manifestBytes = bytes;
    this.manifestFiles = new Set(manifest.tablets.map((t) => t.file));
  }

  /** Removes tablet files that neither the checkpoint, the index nor a snapshot needs. */
  private async sweep(): Promise<void> {
    const used = this.cache.files();
    await sweepTablets(this.fs, this.paths, (f) => used.has(f) || this.manifestFiles.has(f) || this.pins.has(f), this.log);
  }

  /** Entries after afterLsn still in wal.log, about bytesMax of them (at least one if any). */
  readLog(afterLsn: number, bytesMax: number): Promise<LogEntry[] | 'checkpointed'> {
    return this.lock.run(async () => {
      this.checkOpen();
      if (afterLsn < this.manifest.lsn) return 'checkpointed';
      return this.wal.readEntries(afterLsn, bytesMax);
    });
  }

  /** Drops entries after lsn (a suffix the primary lacks) and rebuilds memory without them. */
  truncateLogAfter(lsn: number): Promise<void> {
    return this.lock.run(async () => {
      this.checkOpen();
      if (lsn < this.manifest.lsn) {
        throw new PennError('failed_precondition', `lsn ${lsn} is inside checkpoint ${this.manifest.version} (lsn ${this.manifest.lsn})`);
      }
      const before = this.wal.lastLsn;
      if (lsn >= before) return;
      await this.wal.waitDurable(before);
      await this.wal.truncateAfter(lsn);
      await this.critical('log truncation', async () => {
        // Eviction files since the checkpoint hold the dropped writes too.
        await this.cache.dropUnnamedFiles();
        await this.recover(true);
      });
      this.log.info('log truncated', { lsn, dropped: before - lsn });
    });
  }

  /** The current checkpoint with its tablet files pinned against deletion until release(). */
  snapshot(): { manifest: Buffer; files: string[]; release(): void } {
    this.checkOpen();
    const files = this.manifest.tablets.map((t) => t.file);
    return { manifest: this.manifestBytes, files, release: this.pins.pin(files) };
  }

  /** A piece of a pinned snapshot file (tablet files are immutable: no lock needed). */
  async readSnapshotFile(name: string, offset: number, length: number): Promise<Buffer> {
    this.checkOpen();
    if (!this.pins.has(name)) throw new PennError('not_found', `${name} is not a file of a snapshot being held`);
    if (!Number.isSafeInteger(offset) || offset < 0 || !Number.isSafeInteger(length) || length < 0 || length > snapshotReadBytesMax) {
      throw new PennError('invalid_argument', `offset and length must be non-negative, length at most ${snapshotReadBytesMax}`);
    }
    return this.fs.readRange(path.join(this.paths.tablets, name), offset, length);
  }

  /** Replaces the whole state with a peer's checkpoint; afterwards lastLsn = checkpointLsn = its lsn. */
  installSnapshot(manifestBytes: Buffer, fetch: (file: string) => AsyncIterable<Buffer>): Promise<void> {
    return this.lock.run(async () => {
      this.checkOpen();
      const peer = decodeManifestFile(manifestBytes, this.recordBytesMax);
      if (!peer) throw new PennError('invalid_argument', 'the snapshot manifest does not decode');
      raiseCounters(this.counters, peer.tablets.map((t) => t.id), []);
      const tablets = await fetchSnapshotTablets({
        fs: this.fs,
        paths: this.paths,
        peer,
        fetch,
        counters: this.counters,
        recordBytesMax: this.recordBytesMax,
        fileBytesMax: 4 * (this.opts.tabletBytesMax + this.recordBytesMax),
      });
      const manifest: Manifest = { ...peer, tablets };
      const bytes = encodeManifest(manifest);
      await this.wal.waitDurable(this.wal.lastLsn);
      await this.critical('snapshot install', async () => {
        await this.fs.syncDir(this.paths.tablets);
        // The old log goes first: replayed over the peer's checkpoint it would mix two histories.
        // A crash right after leaves our old checkpoint alone, which is consistent, only older.
        await this.wal.reset(manifest.lsn);
        await prepareManifest(this.fs, this.paths, bytes);
        await commitManifest(this.fs, this.paths);
        this.setManifest(manifest, bytes);
        this.cache = this.newCache(manifest.tablets);
        this.lastEpoch = manifest.epoch;
        this.writesSinceCheckpoint = 0;
      });
      await this.sweep();
      this.log.info('snapshot installed', { version: manifest.version, lsn: manifest.lsn, tablets: tablets.length });
    });
  }

  /** Clean shutdown: a checkpoint, then the log closes. */
  async close(): Promise<void> {
    if (this.state === 'closed') return;
    let failure: unknown;
    await this.lock
      .run(async () => {
        if (this.state === 'open') await this.checkpointLocked(this.manifest.version + 1);
      })
      .catch((err: unknown) => (failure = err));
    this.state = 'closed';
    await this.wal.stop('the store is closed');
    if (failure) throw failure;
  }

  /** As if crashed: no checkpoint, waiting writes reject 'unavailable', the files close. */
  async abandon(): Promise<void> {
    if (this.state === 'closed') return;
    this.state = 'closed';
    const stopped = this.wal.stop('the store was abandoned');
    // Lets the operation in progress finish (everything queued behind it now refuses), so no
    // file changes after this returns.
    await this.lock.run(async () => {}).catch(() => {});
    await stopped;
  }
}
