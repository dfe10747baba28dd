// What bounds a Batch (proto/kvs.proto), counted the same way by the cluster client that fills
// one and by the node that refuses one too large. Pure.
import { PennError } from '../../common/errors.ts';

export interface BatchLimits {
  /** kvs.batchOpsMax */
  opsMax: number;
  /** kvs.batchBytesMax */
  bytesMax: number;
}

/** Cells one CPutAll may write (proto/kvs.proto, CPutAllRequest). */
export const cputAllCellsMax = 16;

/** One conditional put of a CPutAll: the cell must hold `expected`, or be absent when it is null. */
export interface CPutCell {
  row: string;
  column: string;
  expected: Buffer | null;
  value: Buffer;
}

/** Whether no two of these cells are the same row and column: a CPutAll may name a cell only once. */
export function namesEachCellOnce(cells: readonly { row: string; column: string }[]): boolean {
  return new Set(cells.map((c) => `${c.row}\0${c.column}`)).size === cells.length;
}

/** What an operation counts against kvs.batchBytesMax: the bytes of its names and values. */
export function operationBytes(row: string, column: string, ...values: Buffer[]): number {
  let bytes = Buffer.byteLength(row, 'utf8') + Buffer.byteLength(column, 'utf8');
  for (const v of values) bytes += v.length;
  return bytes;
}

/** What a CPutAll counts against kvs.batchBytesMax: its cells' names, values and expected values. */
export function cputAllBytes(cells: readonly CPutCell[]): number {
  return cells.reduce((sum, c) => sum + operationBytes(c.row, c.column, c.value, ...(c.expected ? [c.expected] : [])), 0);
}

/** Refuses a whole batch over the limits, before any of it runs. */
export function checkBatch(count: number, bytes: number, limits: BatchLimits): void {
  if (count > limits.opsMax) {
    throw new PennError('invalid_argument', `a Batch holds at most ${limits.opsMax} operations (kvs.batchOpsMax); this one holds ${count}`);
  }
  if (bytes > limits.bytesMax) {
    throw new PennError('invalid_argument', `a Batch holds at most ${limits.bytesMax} bytes of rows, columns and values (kvs.batchBytesMax); this one holds ${bytes}`);
  }
}
