// Generated from proto/ by `npm run gen:proto` (scripts/gen-proto.ts). Do not edit.
// Original file: proto/kvs.proto


export interface DeleteReply {
  'existed'?: (boolean);
}

export interface DeleteReply__Output {
  'existed': (boolean);
}
