// Generated from proto/ by `npm run gen:proto` (scripts/gen-proto.ts). Do not edit.
// Original file: proto/coordinator.proto


export interface GetConfigRequest {
  'group'?: (number);
}

export interface GetConfigRequest__Output {
  'group': (number);
}
