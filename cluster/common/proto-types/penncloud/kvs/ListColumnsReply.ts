// Generated from proto/ by `npm run gen:proto` (scripts/gen-proto.ts). Do not edit.
// Original file: proto/kvs.proto

import type { Column as _penncloud_kvs_Column, Column__Output as _penncloud_kvs_Column__Output } from '../../penncloud/kvs/Column.ts';

export interface ListColumnsReply {
  'columns'?: (_penncloud_kvs_Column)[];
  /**
   * True when matching columns remain after the last one returned: ask again with it as `after`.
   * A reply with more = true holds at least one column.
   */
  'more'?: (boolean);
}

export interface ListColumnsReply__Output {
  'columns': (_penncloud_kvs_Column__Output)[];
  /**
   * True when matching columns remain after the last one returned: ask again with it as `after`.
   * A reply with more = true holds at least one column.
   */
  'more': (boolean);
}
