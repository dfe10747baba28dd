// One page of a row's columns: what a ListColumns call asks for and how a reply is filled. A
// reply is capped by a column count and by an estimate of its encoded size (names, and values
// when the caller asks for them), so no row, however wide, makes a reply the gRPC limit refuses.
// A page that stops early says so (`more`) and holds at least one column, so a caller paging
// with `after` always gets further. Pure.
import type { ColumnInfo, ColumnValue } from './types.ts';

export interface ColumnPageQuery {
  /** Columns strictly after this name ('' starts at the first). */
  after: string;
  /** Only names starting with this ('' matches all). */
  prefix: string;
  /** At most this many columns; at least 1. */
  limit: number;
  /** At most about this many encoded bytes (columnWireBytes summed); one column always fits. */
  bytesMax: number;
  /** Each column carries its value, and the values count against bytesMax. */
  withValues?: boolean;
}

export interface ColumnPage {
  columns: ColumnInfo[];
  /** Matching columns remain after the last one in `columns`. */
  more: boolean;
}

/** A page asked `withValues`: every column with its value. */
export interface ColumnValuePage {
  columns: ColumnValue[];
  more: boolean;
}

/**
 * An upper bound on what a column adds to a ListColumnsReply: its name, the name's tag and
 * length (≤ 4 bytes for a name under 2 MiB), the size's tag and varint (≤ 11), and the Column
 * message's own tag and length (≤ 4). With a value: its bytes, its tag and length (≤ 6), and one
 * more byte of the Column's length, which a value up to 256 MiB may lengthen.
 */
export function columnWireBytes(name: string, valueBytes?: number): number {
  return Buffer.byteLength(name, 'utf8') + 19 + (valueBytes === undefined ? 0 : valueBytes + 7);
}

/** The first name a page may hold: a prefix past `after` starts the page at the prefix itself. */
export function pageStart(query: Pick<ColumnPageQuery, 'after' | 'prefix'>): string {
  return query.prefix > query.after ? query.prefix : query.after;
}

/** Collects a page: add() each matching column in order until it answers false. */
export class ColumnPageBuilder {
  private readonly columns: (ColumnInfo | ColumnValue)[] = [];
  private bytes = 0;

  constructor(private readonly query: Pick<ColumnPageQuery, 'limit' | 'bytesMax' | 'withValues'>) {}

  /**
   * Takes the column (with its value when the page carries values), or answers false when the
   * page is full: the column is then the proof of `more`. The first column is always taken, even
   * one larger than bytesMax, so paging always moves on.
   */
  add(column: ColumnInfo, value: Buffer): boolean {
    if (this.columns.length >= this.query.limit) return false;
    const bytes = this.query.withValues ? columnWireBytes(column.name, value.length) : columnWireBytes(column.name);
    if (this.columns.length > 0 && this.bytes + bytes > this.query.bytesMax) return false;
    this.columns.push(this.query.withValues ? { name: column.name, size: column.size, value } : column);
    this.bytes += bytes;
    return true;
  }

  page(more: boolean): ColumnPage {
    return { columns: this.columns, more };
  }
}
