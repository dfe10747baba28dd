// A client write as the store takes it, the checks on its names, and how a conditional put
// resolves against the current value. Pure.
import { PennError } from '../../common/errors.ts';

export type WriteOp =
  | { kind: 'put'; row: string; column: string; value: Buffer; expect?: { absent: true } | { value: Buffer } }
  | { kind: 'delete'; row: string; column: string };

// With the u flag, only unpaired surrogates match.
const loneSurrogate = /[\uD800-\uDFFF]/u;

export function checkCell(row: string, column: string): void {
  // A cell's key is row + NUL + column: a NUL inside either would break the key order.
  if (row.includes('\0') || column.includes('\0')) {
    throw new PennError('invalid_argument', 'rows and columns may not contain NUL characters');
  }
  // UTF-8 cannot carry a lone surrogate: the logged name would differ from the one in memory.
  if (loneSurrogate.test(row) || loneSurrogate.test(column)) {
    throw new PennError('invalid_argument', 'rows and columns must be well-formed Unicode');
  }
}

/** Whether the write applies: a CPut only if its expectation holds, a delete only if the cell exists. */
export function decide(op: WriteOp, previous: Buffer | undefined): boolean {
  if (op.kind === 'delete') return previous !== undefined;
  if (!op.expect) return true;
  if ('absent' in op.expect) return previous === undefined;
  return previous !== undefined && previous.equals(op.expect.value);
}
