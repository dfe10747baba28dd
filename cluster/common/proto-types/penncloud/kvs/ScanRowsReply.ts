// Generated from proto/ by `npm run gen:proto` (scripts/gen-proto.ts). Do not edit.
// Original file: proto/kvs.proto

import type { RowSummary as _penncloud_kvs_RowSummary, RowSummary__Output as _penncloud_kvs_RowSummary__Output } from '../../penncloud/kvs/RowSummary.ts';

export interface ScanRowsReply {
  'rows'?: (_penncloud_kvs_RowSummary)[];
  /**
   * Pass as after_row for the next page; empty when there are no more rows.
   */
  'next_after_row'?: (string);
}

export interface ScanRowsReply__Output {
  'rows': (_penncloud_kvs_RowSummary__Output)[];
  /**
   * Pass as after_row for the next page; empty when there are no more rows.
   */
  'next_after_row': (string);
}
