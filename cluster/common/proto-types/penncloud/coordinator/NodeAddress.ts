// Generated from proto/ by `npm run gen:proto` (scripts/gen-proto.ts). Do not edit.
// Original file: proto/coordinator.proto


export interface NodeAddress {
  'id'?: (string);
  'address'?: (string);
}

export interface NodeAddress__Output {
  'id': (string);
  'address': (string);
}
