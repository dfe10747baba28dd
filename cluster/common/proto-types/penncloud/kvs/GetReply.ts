// Generated from proto/ by `npm run gen:proto` (scripts/gen-proto.ts). Do not edit.
// Original file: proto/kvs.proto


export interface GetReply {
  'found'?: (boolean);
  'value'?: (Buffer | Uint8Array | string);
}

export interface GetReply__Output {
  'found': (boolean);
  'value': (Buffer);
}
