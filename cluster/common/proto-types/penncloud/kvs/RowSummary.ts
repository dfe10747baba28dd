// Generated from proto/ by `npm run gen:proto` (scripts/gen-proto.ts). Do not edit.
// Original file: proto/kvs.proto

import type { Column as _penncloud_kvs_Column, Column__Output as _penncloud_kvs_Column__Output } from '../../penncloud/kvs/Column.ts';

export interface RowSummary {
  'row'?: (string);
  'columns'?: (_penncloud_kvs_Column)[];
}

export interface RowSummary__Output {
  'row': (string);
  'columns': (_penncloud_kvs_Column__Output)[];
}
