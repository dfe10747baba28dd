// Generated from proto/ by `npm run gen:proto` (scripts/gen-proto.ts). Do not edit.
// Original file: proto/kvs.proto


export interface ListColumnsRequest {
  'row'?: (string);
}

export interface ListColumnsRequest__Output {
  'row': (string);
}
