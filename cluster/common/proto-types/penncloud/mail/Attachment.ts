// Generated from proto/ by `npm run gen:proto` (scripts/gen-proto.ts). Do not edit.
// Original file: proto/mail.proto


export interface Attachment {
  'filename'?: (string);
  /**
   * e.g. "application/pdf"; empty: guessed from the file name.
   */
  'content_type'?: (string);
  'content'?: (Buffer | Uint8Array | string);
}

export interface Attachment__Output {
  'filename': (string);
  /**
   * e.g. "application/pdf"; empty: guessed from the file name.
   */
  'content_type': (string);
  'content': (Buffer);
}
