// Generated from proto/ by `npm run gen:proto` (scripts/gen-proto.ts). Do not edit.
// Original file: proto/kvs.proto


export interface CPutReply {
  'applied'?: (boolean);
}

export interface CPutReply__Output {
  'applied': (boolean);
}
