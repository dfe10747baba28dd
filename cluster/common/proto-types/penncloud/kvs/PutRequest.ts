// Generated from proto/ by `npm run gen:proto` (scripts/gen-proto.ts). Do not edit.
// Original file: proto/kvs.proto


export interface PutRequest {
  'row'?: (string);
  'column'?: (string);
  'value'?: (Buffer | Uint8Array | string);
}

export interface PutRequest__Output {
  'row': (string);
  'column': (string);
  'value': (Buffer);
}
