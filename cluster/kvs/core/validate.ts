// Checks on every key and value a client sends, before anything touches the store. A bad
// request gets INVALID_ARGUMENT with a message that names the field and the limit.
import { PennError } from '../../common/errors.ts';

export interface KeyLimits {
  rowBytesMax: number;
  columnBytesMax: number;
  valueBytesMax: number;
}

function checkName(field: 'row' | 'column' | 'after' | 'prefix', value: unknown, bytesMax: number): string {
  if (typeof value !== 'string' || value.length === 0) {
    throw new PennError('invalid_argument', `${field} must be a non-empty string`);
  }
  const bytes = Buffer.byteLength(value, 'utf8');
  if (bytes > bytesMax) {
    throw new PennError('invalid_argument', `${field} is ${bytes} bytes; the limit is ${bytesMax}`);
  }
  // NUL separates row from column inside tablets (WAL_FORMAT.md), so it can never be part of a name.
  if (value.includes('\0')) throw new PennError('invalid_argument', `${field} must not contain NUL`);
  if (value.includes('\uFFFD')) {
    throw new PennError('invalid_argument', `${field} is not valid UTF-8`);
  }
  return value;
}

export function checkRow(row: unknown, limits: KeyLimits): string {
  return checkName('row', row, limits.rowBytesMax);
}

export function checkColumn(column: unknown, limits: KeyLimits): string {
  return checkName('column', column, limits.columnBytesMax);
}

export function checkValue(field: string, value: unknown, limits: KeyLimits): Buffer {
  const buf = value === undefined || value === null ? Buffer.alloc(0) : value;
  if (!Buffer.isBuffer(buf)) throw new PennError('invalid_argument', `${field} must be bytes`);
  if (buf.length > limits.valueBytesMax) {
    throw new PennError('invalid_argument', `${field} is ${buf.length} bytes; the limit is ${limits.valueBytesMax}`);
  }
  return buf;
}

export function checkScanLimit(limit: unknown, scanRowsMax: number): number {
  const n = typeof limit === 'number' ? limit : 0;
  if (!Number.isInteger(n) || n < 0) throw new PennError('invalid_argument', 'limit must be a whole number');
  // 0 means "the default page"; anything above the maximum is clamped, not refused.
  return n === 0 ? Math.min(100, scanRowsMax) : Math.min(n, scanRowsMax);
}

/** A ListColumns page as a caller asks for it; every field may be left out. */
export interface ColumnPageRequest {
  after?: unknown;
  prefix?: unknown;
  limit?: unknown;
}

/** The largest limit the wire carries (ListColumnsRequest.limit is a uint32). */
export const columnPageLimitMax = 0xffffffff;

/** A page's limit as sent: a whole number from 0 (the server's maximum) to columnPageLimitMax. */
export function checkColumnPageLimit(limit: unknown): number {
  const n = limit === undefined || limit === null ? 0 : limit;
  if (typeof n !== 'number' || !Number.isInteger(n) || n < 0 || n > columnPageLimitMax) {
    throw new PennError('invalid_argument', `limit must be a whole number from 0 to ${columnPageLimitMax}`);
  }
  return n;
}

/**
 * A page's after, prefix and limit. after and prefix are column names or empty, held to the
 * same rules as a column. A limit of 0, or above the server's listColumnsMax, gets that
 * maximum: a caller asking for more than a reply may hold pages, as one asking for no limit does.
 */
export function checkColumnPage(
  request: ColumnPageRequest,
  limits: KeyLimits & { listColumnsMax: number },
): { after: string; prefix: string; limit: number } {
  const optionalName = (field: 'after' | 'prefix', value: unknown): string => {
    if (value === undefined || value === null || value === '') return '';
    if (typeof value !== 'string') throw new PennError('invalid_argument', `${field} must be a string`);
    return checkName(field, value, limits.columnBytesMax);
  };
  const limit = checkColumnPageLimit(request.limit);
  return {
    after: optionalName('after', request.after),
    prefix: optionalName('prefix', request.prefix),
    limit: limit === 0 ? limits.listColumnsMax : Math.min(limit, limits.listColumnsMax),
  };
}
