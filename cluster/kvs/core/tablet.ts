// An in-memory tablet: the cells of one contiguous key range (WAL_FORMAT.md, tablet files).
// A cell's key is row + "\0" + column, compared as JavaScript strings, so all the columns of a
// row sit together, in column order, and rows sort as strings do. Keys live in a sorted array
// (binary-search insert) beside a Map key → value; `bytes` is the memory figure the store budgets
// against. Pure: no I/O.
import { strict as assert } from 'node:assert';
import { PennError } from '../../common/errors.ts';
import { pageStart } from './column-page.ts';
import type { ColumnInfo, RowInfo } from './types.ts';
import {
  decodeFrames,
  encodeCellPieces,
  encodeTabletFooter,
  encodeTabletHeader,
  joinSmallPieces,
  tabletFrameTypes,
} from './wal-record.ts';

/** What a cell costs beyond its key and value: the Map entry, the array slot, the Buffer object. */
export const cellOverheadBytes = 80;

export function cellKey(row: string, column: string): string {
  return row + '\0' + column;
}

export function splitKey(key: string): { row: string; column: string } {
  const nul = key.indexOf('\0');
  assert(nul >= 0, 'a cell key holds a NUL');
  return { row: key.slice(0, nul), column: key.slice(nul + 1) };
}

/** The key range [start, end) holding every column of a row. */
export function rowKeyRange(row: string): { start: string; end: string } {
  return { start: row + '\0', end: row + '\x01' };
}

/** The smallest key of any row strictly after afterRow ('' means from the first row). */
export function firstKeyAfterRow(afterRow: string): string {
  return afterRow === '' ? '' : afterRow + '\x01';
}

export function cellBytes(key: string, value: Buffer): number {
  return key.length * 2 + value.length + cellOverheadBytes;
}

/** Index of the first element ≥ key. */
export function lowerBound(sorted: readonly string[], key: string): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((sorted[mid] as string) < key) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

export class Tablet {
  private readonly keys: string[] = [];
  private readonly values = new Map<string, Buffer>();
  private byteCount = 0;

  constructor(readonly id: string) {}

  get bytes(): number {
    return this.byteCount;
  }

  get cellCount(): number {
    return this.keys.length;
  }

  firstKey(): string | undefined {
    return this.keys[0];
  }

  lastKey(): string | undefined {
    return this.keys[this.keys.length - 1];
  }

  get(row: string, column: string): Buffer | undefined {
    return this.values.get(cellKey(row, column));
  }

  /** Sets a cell; returns the value it replaced. */
  put(row: string, column: string, value: Buffer): Buffer | undefined {
    const key = cellKey(row, column);
    const previous = this.values.get(key);
    if (previous === undefined) {
      this.keys.splice(lowerBound(this.keys, key), 0, key);
      this.byteCount += cellBytes(key, value);
    } else {
      this.byteCount += value.length - previous.length;
    }
    this.values.set(key, value);
    return previous;
  }

  /** Removes a cell; returns the value it held. */
  delete(row: string, column: string): Buffer | undefined {
    const key = cellKey(row, column);
    const previous = this.values.get(key);
    if (previous === undefined) return undefined;
    this.keys.splice(lowerBound(this.keys, key), 1);
    this.values.delete(key);
    this.byteCount -= cellBytes(key, previous);
    return previous;
  }

  /**
   * Hands the row's columns held here that match `from` (after it, starting with its prefix) to
   * take, in order, each with its value (the stored Buffer, never changed in place: a put
   * replaces it), until take answers false ('full'), the matching columns end ('done'), or this
   * tablet's keys do ('tablet-end': the row may go on in the next tablet). A binary search finds
   * the first key, so the cost is O(log cells + columns taken), whatever the row's width.
   */
  columnsFrom(row: string, from: { after: string; prefix: string }, take: (column: ColumnInfo, value: Buffer) => boolean): 'full' | 'done' | 'tablet-end' {
    const { end } = rowKeyRange(row);
    // '' means from the first column, even one with an empty name (the store itself allows it).
    const afterKey = from.after === '' ? undefined : cellKey(row, from.after);
    const nameAt = row.length + 1;
    for (let i = lowerBound(this.keys, cellKey(row, pageStart(from))); i < this.keys.length; i++) {
      const key = this.keys[i] as string;
      if (key >= end) return 'done';
      if (key === afterKey) continue;
      const name = key.slice(nameAt);
      // Names with a prefix are one contiguous run starting at the prefix: the first that lacks it ends the run.
      if (!name.startsWith(from.prefix)) return 'done';
      const value = this.values.get(key) as Buffer;
      if (!take({ name, size: value.length }, value)) return 'full';
    }
    return 'tablet-end';
  }

  /**
   * Up to rowsMax rows whose keys are ≥ fromKey, each with its columns held here. The last row
   * may go on in the next tablet: a tablet splits by key, not by row.
   */
  rowsFrom(fromKey: string, rowsMax: number): RowInfo[] {
    const rows: RowInfo[] = [];
    for (let i = lowerBound(this.keys, fromKey); i < this.keys.length; i++) {
      const key = this.keys[i] as string;
      const { row, column } = splitKey(key);
      let current = rows[rows.length - 1];
      if (current?.row !== row) {
        if (rows.length === rowsMax) break;
        current = { row, columns: [] };
        rows.push(current);
      }
      current.columns.push({ name: column, size: (this.values.get(key) as Buffer).length });
    }
    return rows;
  }

  *cells(): IterableIterator<{ key: string; value: Buffer }> {
    for (const key of this.keys) yield { key, value: this.values.get(key) as Buffer };
  }

  /**
   * Splits at the median key: the left half keeps this tablet's id, the right half takes
   * rightId and starts at the returned `first`. Needs at least two cells.
   */
  split(rightId: string): { left: Tablet; right: Tablet; first: string } {
    assert(this.keys.length >= 2, 'a tablet needs two cells to split');
    const mid = this.keys.length >>> 1;
    const left = new Tablet(this.id);
    const right = new Tablet(rightId);
    this.keys.forEach((key, i) => (i < mid ? left : right).appendSorted(key, this.values.get(key) as Buffer));
    return { left, right, first: this.keys[mid] as string };
  }

  /** Adds a cell known to sort after every key held (splits and file parsing). */
  private appendSorted(key: string, value: Buffer): void {
    const last = this.keys[this.keys.length - 1];
    assert(last === undefined || last < key, 'cells must come in key order');
    this.keys.push(key);
    this.values.set(key, value);
    this.byteCount += cellBytes(key, value);
  }

  /** The tablet-file bytes: header, cells in key order, footer. */
  serialize(): Buffer {
    return Buffer.concat(this.pieces());
  }

  /**
   * The same bytes as pieces to write one after another, as the log writes its batches
   * (joinSmallPieces): small frames joined, a large value its own buffer (encodeCellPieces), so
   * writing a tablet of 1 MiB values out copies none of them (an eviction used to allocate the
   * tablet's size twice over, frames and then their concatenation).
   */
  pieces(pieceBytes?: number): Buffer[] {
    const frames = [encodeTabletHeader(this.id)];
    for (const { key, value } of this.cells()) {
      const { row, column } = splitKey(key);
      frames.push(...encodeCellPieces(row, column, value));
    }
    frames.push(encodeTabletFooter(this.keys.length, this.byteCount));
    return joinSmallPieces(frames, pieceBytes);
  }

  /**
   * Parses tablet-file bytes. A file that is not exactly header, ordered cells and a footer with
   * a matching count is damage the store cannot repair: it throws PennError('internal').
   */
  static parse(buf: Buffer, recordBytesMax: number): Tablet {
    const { records, stop } = decodeFrames(buf, { recordBytesMax, types: tabletFrameTypes });
    const fail = (why: string): never => {
      throw new PennError('internal', `tablet file is damaged: ${why}`);
    };
    if (stop) fail(`${stop.reason} at byte ${stop.offset}`);
    const header = records[0];
    const footer = records[records.length - 1];
    if (header?.kind !== 'tablet-header') return fail('no header');
    if (records.length < 2 || footer?.kind !== 'tablet-footer') return fail('no footer');
    const tablet = new Tablet(header.id);
    for (const record of records.slice(1, -1)) {
      if (record.kind !== 'cell') return fail(`unexpected ${record.kind} frame`);
      if (record.row.includes('\0')) return fail('a row holds a NUL');
      const key = cellKey(record.row, record.column);
      const last = tablet.lastKey();
      if (last !== undefined && !(last < key)) return fail('cells out of order');
      tablet.appendSorted(key, record.value);
    }
    if (footer.cells !== tablet.cellCount) fail(`footer counts ${footer.cells} cells, file holds ${tablet.cellCount}`);
    return tablet;
  }
}
