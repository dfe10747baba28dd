// Generated from proto/ by `npm run gen:proto` (scripts/gen-proto.ts). Do not edit.
// Original file: proto/kvs.proto


export interface ReviveRequest {
}

export interface ReviveRequest__Output {
}
