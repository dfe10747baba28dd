// Generated from proto/ by `npm run gen:proto` (scripts/gen-proto.ts). Do not edit.
// Original file: proto/coordinator.proto


export interface ForcePrimaryRequest {
  'node'?: (string);
}

export interface ForcePrimaryRequest__Output {
  'node': (string);
}
