// The tablet index and its LRU cache. The index (one slot per tablet, sorted by first key) is
// always in memory; tablets load on demand and the least recently used are evicted while loaded
// bytes exceed memoryBytesMax, never the one in use. Evicting a changed tablet writes it to a new
// file (fsync'd) that only this index names until the next checkpoint puts it in the MANIFEST:
// after a crash, recovery rebuilds from the old MANIFEST and the log, and removes such files.
//
// Not thread-safe by design: the store calls in here only under its lock.
import { strict as assert } from 'node:assert';
import path from 'node:path';
import { PennError } from '../../common/errors.ts';
import type { Logger } from '../../common/log.ts';
import { ColumnPageBuilder, pageStart, type ColumnPage, type ColumnPageQuery } from '../core/column-page.ts';
import { Tablet, cellKey, firstKeyAfterRow, rowKeyRange } from '../core/tablet.ts';
import type { LogEntry, RowInfo, ScanPage } from '../core/types.ts';
import type { ManifestTablet } from '../core/wal-record.ts';
import type { FileSystem } from '../../common/files.ts';

interface Slot {
  id: string;
  /** Smallest key this tablet may hold; it covers keys up to the next slot's first. */
  first: string;
  /** The file holding this tablet as of when it was last clean; null only for a dirty new tablet. */
  file: string | null;
  /** Size and cell count while not loaded (from the manifest or the last write). */
  bytes: number;
  cells: number;
  tablet: Tablet | null;
  dirty: boolean;
}

/** Counters for new tablet ids and file names; they only rise, so names never repeat. */
export interface NameCounters {
  tabletNo: number;
  fileSeq: number;
}

export interface TabletCacheOptions {
  fs: FileSystem;
  tabletsDir: string;
  log: Logger;
  memoryBytesMax: number;
  tabletBytesMax: number;
  recordBytesMax: number;
  counters: NameCounters;
  /** A file this cache must not delete when it stops needing it (named by the MANIFEST, pinned). */
  keepFile: (file: string) => boolean;
}

export class TabletCache {
  private readonly slots: Slot[];
  /** Loaded slots, least recently used first (a Map keeps insertion order). */
  private readonly lru = new Map<Slot, true>();

  constructor(
    tablets: readonly ManifestTablet[],
    private readonly opts: TabletCacheOptions,
  ) {
    this.slots = tablets.map((t) => ({ ...t, tablet: null, dirty: false }));
    if (this.slots.length === 0) {
      const slot = this.newSlot(new Tablet(`t${opts.counters.tabletNo++}`), '');
      this.slots.push(slot);
      this.lru.set(slot, true);
    }
  }

  private newSlot(tablet: Tablet, first: string): Slot {
    return { id: tablet.id, first, file: null, bytes: tablet.bytes, cells: tablet.cellCount, tablet, dirty: true };
  }

  keyCount(): number {
    return this.slots.reduce((n, s) => n + (s.tablet?.cellCount ?? s.cells), 0);
  }

  memoryBytes(): number {
    let bytes = 0;
    for (const slot of this.lru.keys()) bytes += (slot.tablet as Tablet).bytes;
    return bytes;
  }

  /** Index of the slot whose range holds key: the last one with first ≤ key. */
  private slotIndex(key: string): number {
    let lo = 0;
    let hi = this.slots.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((this.slots[mid] as Slot).first <= key) lo = mid + 1;
      else hi = mid;
    }
    return lo - 1;
  }

  private at(i: number): Slot {
    const slot = this.slots[i];
    assert(slot, `no tablet slot ${i}`);
    return slot;
  }

  async get(row: string, column: string): Promise<Buffer | undefined> {
    const slot = this.at(this.slotIndex(cellKey(row, column)));
    const value = (await this.use(slot)).get(row, column);
    await this.evict(slot);
    return value;
  }

  /** Applies a logged write; splits the tablet past tabletBytesMax. */
  async apply(entry: LogEntry): Promise<void> {
    const key = cellKey(entry.row, entry.column);
    let slot = this.at(this.slotIndex(key));
    const tablet = await this.use(slot);
    if (entry.kind === 'put') {
      tablet.put(entry.row, entry.column, entry.value);
      slot.dirty = true;
    } else if (tablet.delete(entry.row, entry.column) !== undefined) {
      slot.dirty = true;
    }
    while ((slot.tablet as Tablet).bytes > this.opts.tabletBytesMax && (slot.tablet as Tablet).cellCount >= 2) {
      this.split(slot);
      slot = this.at(this.slotIndex(key));
    }
    await this.evict(slot);
  }

  private split(slot: Slot): void {
    const { left, right, first } = (slot.tablet as Tablet).split(`t${this.opts.counters.tabletNo++}`);
    slot.tablet = left;
    slot.dirty = true;
    const rightSlot = this.newSlot(right, first);
    this.slots.splice(this.slots.indexOf(slot) + 1, 0, rightSlot);
    this.lru.set(rightSlot, true);
  }

  /**
   * One page of a row's columns. Costs a binary search over the slots and one in each tablet the
   * page touches, then the columns taken; memory holds the page, never the whole row. One column
   * past the page, when there is one, proves `more`.
   */
  async listColumnsPage(row: string, query: ColumnPageQuery): Promise<ColumnPage> {
    const builder = new ColumnPageBuilder(query);
    const { end } = rowKeyRange(row);
    // A row can straddle splits: go on into the next tablet while the row's keys may continue there.
    for (let i = this.slotIndex(cellKey(row, pageStart(query))); i < this.slots.length && this.at(i).first < end; i++) {
      const slot = this.at(i);
      const stop = (await this.use(slot)).columnsFrom(row, query, (c, value) => builder.add(c, value));
      await this.evict(slot);
      if (stop !== 'tablet-end') return builder.page(stop === 'full');
    }
    return builder.page(false);
  }

  async scanRows(afterRow: string, limit: number): Promise<ScanPage> {
    const from = firstKeyAfterRow(afterRow);
    const rows: RowInfo[] = [];
    // One row past the limit proves the last row kept is complete (rows can straddle tablets).
    for (let i = this.slotIndex(from); i < this.slots.length && rows.length <= limit; i++) {
      const slot = this.at(i);
      for (const r of (await this.use(slot)).rowsFrom(from, limit + 2 - rows.length)) {
        const last = rows[rows.length - 1];
        if (last?.row === r.row) last.columns.push(...r.columns);
        else rows.push(r);
      }
      await this.evict(slot);
    }
    if (rows.length <= limit) return { rows, nextAfterRow: '' };
    rows.length = limit;
    return { rows, nextAfterRow: (rows[limit - 1] as RowInfo).row };
  }

  /** Loads a slot's tablet if needed and marks it most recently used. */
  private async use(slot: Slot): Promise<Tablet> {
    if (!slot.tablet) slot.tablet = await this.read(slot);
    this.lru.delete(slot);
    this.lru.set(slot, true);
    return slot.tablet;
  }

  private async read(slot: Slot): Promise<Tablet> {
    if (slot.file === null) return new Tablet(slot.id);
    const file = path.join(this.opts.tabletsDir, slot.file);
    const tablet = Tablet.parse(await this.opts.fs.readFile(file), this.opts.recordBytesMax);
    const problem = this.mismatch(slot, tablet);
    if (problem) throw new PennError('internal', `tablet file ${slot.file} ${problem}`);
    return tablet;
  }

  /** What is wrong with a tablet read for a slot: another id, count, or keys out of its range. */
  private mismatch(slot: Slot, tablet: Tablet): string | undefined {
    if (tablet.id !== slot.id) return `holds tablet ${tablet.id}, expected ${slot.id}`;
    if (tablet.cellCount !== slot.cells) return `holds ${tablet.cellCount} cells, expected ${slot.cells}`;
    const next = this.slots[this.slots.indexOf(slot) + 1];
    const first = tablet.firstKey();
    const last = tablet.lastKey();
    if ((first !== undefined && first < slot.first) || (next && last !== undefined && last >= next.first)) {
      return 'holds keys outside its range';
    }
    return undefined;
  }

  /**
   * Evicts least recently used tablets until loaded bytes fit the budget, sparing `keep`.
   * A failed write leaves the tablet loaded (memory runs over budget) rather than failing the
   * operation that already applied its change; the next eviction tries again.
   */
  private async evict(keep: Slot): Promise<void> {
    let loaded = this.memoryBytes();
    if (loaded <= this.opts.memoryBytesMax) return;
    for (const slot of [...this.lru.keys()]) {
      if (loaded <= this.opts.memoryBytesMax) return;
      if (slot === keep) continue;
      const tablet = slot.tablet as Tablet;
      if (slot.dirty) {
        try {
          await this.writeOut(slot);
        } catch (err) {
          this.opts.log.warn('could not write an evicted tablet', { tablet: slot.id, err });
          return;
        }
      }
      loaded -= tablet.bytes;
      slot.tablet = null;
      this.lru.delete(slot);
    }
  }

  /** Writes a loaded tablet to a new file (fsync'd) and points the slot at it. */
  private async writeOut(slot: Slot): Promise<void> {
    const tablet = slot.tablet as Tablet;
    const file = `${slot.id}-${this.opts.counters.fileSeq++}.tab`;
    await this.opts.fs.writeFileDurable(path.join(this.opts.tabletsDir, file), tablet.pieces());
    const old = slot.file;
    Object.assign(slot, { file, dirty: false, bytes: tablet.bytes, cells: tablet.cellCount });
    // An eviction file superseded before any checkpoint named it is garbage now.
    if (old !== null && !this.opts.keepFile(old)) await this.unlink(old);
  }

  private async unlink(file: string): Promise<void> {
    await this.opts.fs.unlink(path.join(this.opts.tabletsDir, file)).catch((err: unknown) => {
      this.opts.log.warn('could not remove a tablet file', { file, err });
    });
  }

  /** Writes every changed tablet (checkpoint step 1); their names are durable after this. */
  async flushAll(): Promise<void> {
    let wrote = false;
    for (const slot of this.slots) {
      if (!slot.dirty) continue;
      await this.writeOut(slot);
      wrote = true;
    }
    if (wrote) await this.opts.fs.syncDir(this.opts.tabletsDir);
  }

  /** The tablets as the MANIFEST names them; every tablet must be clean. */
  manifestTablets(): ManifestTablet[] {
    return this.slots.map((s) => {
      assert(!s.dirty && s.file !== null, `tablet ${s.id} has changes not written`);
      return { id: s.id, first: s.first, file: s.file, bytes: s.tablet?.bytes ?? s.bytes, cells: s.tablet?.cellCount ?? s.cells };
    });
  }

  /** Files the index points at. */
  files(): Set<string> {
    return new Set(this.slots.flatMap((s) => (s.file === null ? [] : [s.file])));
  }

  /** Deletes the eviction files written since the checkpoint (the index is about to be dropped). */
  async dropUnnamedFiles(): Promise<void> {
    for (const file of this.files()) if (!this.opts.keepFile(file)) await this.unlink(file);
  }
}
