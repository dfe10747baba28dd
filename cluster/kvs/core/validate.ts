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
  withValues?: unknown;
  bytesMax?: unknown;
}

/** The largest limit or byte budget the wire carries (ListColumnsRequest.limit and bytes_max are uint32). */
export const columnPageLimitMax = 0xffffffff;

/** A page's limit as sent: a whole number from 0 (the server's maximum) to columnPageLimitMax. */
export function checkColumnPageLimit(limit: unknown): number {
  return wholeUpToUint32('limit', limit);
}

/** A page's byte budget as sent: a whole number from 0 (the server's maximum) to columnPageLimitMax. */
export function checkColumnPageBytes(bytesMax: unknown): number {
  return wholeUpToUint32('bytesMax', bytesMax);
}

function wholeUpToUint32(field: string, value: unknown): number {
  const n = value === undefined || value === null ? 0 : value;
  if (typeof n !== 'number' || !Number.isInteger(n) || n < 0 || n > columnPageLimitMax) {
    throw new PennError('invalid_argument', `${field} must be a whole number from 0 to ${columnPageLimitMax}`);
  }
  return n;
}

/** What bounds a ListColumns page on this server (config.kvs). */
export interface ColumnPageLimits extends KeyLimits {
  listColumnsMax: number;
  listColumnsBytesMax: number;
  listValuesBytesMax: number;
}

/** A page as the store serves it: every field present and within the server's caps. */
export interface CheckedColumnPage {
  after: string;
  prefix: string;
  limit: number;
  withValues: boolean;
  bytesMax: number;
}

/**
 * A page's after, prefix, limit, withValues and bytesMax. after and prefix are column names or
 * empty, held to the same rules as a column. A limit or byte budget of 0, or above the server's
 * maximum (listColumnsMax; listColumnsBytesMax, or listValuesBytesMax for a page with values),
 * gets that maximum: a caller asking for more than a reply may hold pages, as one asking for no
 * limit does.
 */
export function checkColumnPage(request: ColumnPageRequest, limits: ColumnPageLimits): CheckedColumnPage {
  const optionalName = (field: 'after' | 'prefix', value: unknown): string => {
    if (value === undefined || value === null || value === '') return '';
    if (typeof value !== 'string') throw new PennError('invalid_argument', `${field} must be a string`);
    return checkName(field, value, limits.columnBytesMax);
  };
  const withValues = request.withValues ?? false;
  if (typeof withValues !== 'boolean') throw new PennError('invalid_argument', 'withValues must be true or false');
  const limit = checkColumnPageLimit(request.limit);
  const bytes = checkColumnPageBytes(request.bytesMax);
  const bytesCap = withValues ? limits.listValuesBytesMax : limits.listColumnsBytesMax;
  return {
    after: optionalName('after', request.after),
    prefix: optionalName('prefix', request.prefix),
    limit: limit === 0 ? limits.listColumnsMax : Math.min(limit, limits.listColumnsMax),
    withValues,
    bytesMax: bytes === 0 ? bytesCap : Math.min(bytes, bytesCap),
  };
}
