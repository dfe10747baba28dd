// Generated from proto/ by `npm run gen:proto` (scripts/gen-proto.ts). Do not edit.
// Original file: proto/lb.proto


export interface FrontendStatusRequest {
}

export interface FrontendStatusRequest__Output {
}
