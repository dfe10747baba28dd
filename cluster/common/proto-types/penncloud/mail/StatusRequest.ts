// Generated from proto/ by `npm run gen:proto` (scripts/gen-proto.ts). Do not edit.
// Original file: proto/mail.proto


export interface StatusRequest {
}

export interface StatusRequest__Output {
}
