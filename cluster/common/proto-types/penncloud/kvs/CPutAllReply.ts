// Generated from proto/ by `npm run gen:proto` (scripts/gen-proto.ts). Do not edit.
// Original file: proto/kvs.proto


export interface CPutAllReply {
  'applied'?: (boolean);
}

export interface CPutAllReply__Output {
  'applied': (boolean);
}
