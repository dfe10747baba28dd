// Generated from proto/ by `npm run gen:proto` (scripts/gen-proto.ts). Do not edit.
// Original file: proto/kvs.proto


export interface ScanRowsRequest {
  /**
   * Rows strictly after this one, in order; empty starts at the first row.
   */
  'after_row'?: (string);
  'limit'?: (number);
}

export interface ScanRowsRequest__Output {
  /**
   * Rows strictly after this one, in order; empty starts at the first row.
   */
  'after_row': (string);
  'limit': (number);
}
