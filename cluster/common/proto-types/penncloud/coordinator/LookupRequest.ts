// Generated from proto/ by `npm run gen:proto` (scripts/gen-proto.ts). Do not edit.
// Original file: proto/coordinator.proto


export interface LookupRequest {
  'row'?: (string);
}

export interface LookupRequest__Output {
  'row': (string);
}
