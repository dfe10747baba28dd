// Generated from proto/ by `npm run gen:proto` (scripts/gen-proto.ts). Do not edit.
// Original file: proto/kvs.proto


/**
 * One page of a row's columns, in column order (the order the store keeps names in: JavaScript
 * string order, UTF-16 code units, which is UTF-8 byte order except that characters above U+FFFF
 * sort before U+E000-U+FFFF). Every reply is capped, whatever the caller asks: at most `limit`
 * columns and never more than the server's kvs.listColumnsMax columns or kvs.listColumnsBytesMax
 * bytes (kvs.listValuesBytesMax of names and values with `with_values`). A caller that sends only
 * `row` gets the first page. Each page is read at one point in time, on the primary, like a Get;
 * a listing of many pages is not a snapshot (a column written meanwhile behind `after` is not
 * seen, one ahead of it is).
 */
export interface ListColumnsRequest {
  'row'?: (string);
  /**
   * Columns strictly after this name; empty starts at the first column.
   */
  'after'?: (string);
  /**
   * Only columns whose names start with this; empty matches every column.
   */
  'prefix'?: (string);
  /**
   * At most this many columns; 0, or more than the server allows, means the server's maximum.
   */
  'limit'?: (number);
  /**
   * When true, each column in the reply carries its value, so many small cells of a row come in
   * one call instead of one Get each.
   */
  'with_values'?: (boolean);
  /**
   * At most about this many bytes of names (and of values, with `with_values`) in the reply; 0, or
   * more than the server allows, means the server's maximum. The page stops before the column
   * that would go over, but holds at least one column whatever its size, so paging always moves on.
   */
  'bytes_max'?: (number);
}

/**
 * One page of a row's columns, in column order (the order the store keeps names in: JavaScript
 * string order, UTF-16 code units, which is UTF-8 byte order except that characters above U+FFFF
 * sort before U+E000-U+FFFF). Every reply is capped, whatever the caller asks: at most `limit`
 * columns and never more than the server's kvs.listColumnsMax columns or kvs.listColumnsBytesMax
 * bytes (kvs.listValuesBytesMax of names and values with `with_values`). A caller that sends only
 * `row` gets the first page. Each page is read at one point in time, on the primary, like a Get;
 * a listing of many pages is not a snapshot (a column written meanwhile behind `after` is not
 * seen, one ahead of it is).
 */
export interface ListColumnsRequest__Output {
  'row': (string);
  /**
   * Columns strictly after this name; empty starts at the first column.
   */
  'after': (string);
  /**
   * Only columns whose names start with this; empty matches every column.
   */
  'prefix': (string);
  /**
   * At most this many columns; 0, or more than the server allows, means the server's maximum.
   */
  'limit': (number);
  /**
   * When true, each column in the reply carries its value, so many small cells of a row come in
   * one call instead of one Get each.
   */
  'with_values': (boolean);
  /**
   * At most about this many bytes of names (and of values, with `with_values`) in the reply; 0, or
   * more than the server allows, means the server's maximum. The page stops before the column
   * that would go over, but holds at least one column whatever its size, so paging always moves on.
   */
  'bytes_max': (number);
}
