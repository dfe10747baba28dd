// Generated from proto/ by `npm run gen:proto` (scripts/gen-proto.ts). Do not edit.
// Original file: proto/replica.proto


export interface CheckpointReply {
}

export interface CheckpointReply__Output {
}
