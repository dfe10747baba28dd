// Generated from proto/ by `npm run gen:proto` (scripts/gen-proto.ts). Do not edit.
// Original file: proto/kvs.proto


export interface DeleteRequest {
  'row'?: (string);
  'column'?: (string);
}

export interface DeleteRequest__Output {
  'row': (string);
  'column': (string);
}
