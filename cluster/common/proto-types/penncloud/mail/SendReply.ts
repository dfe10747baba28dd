// Generated from proto/ by `npm run gen:proto` (scripts/gen-proto.ts). Do not edit.
// Original file: proto/mail.proto


export interface SendReply {
  /**
   * Id of the copy in the sender's Sent folder.
   */
  'sent_id'?: (string);
  /**
   * The Message-ID header of the message.
   */
  'message_id'?: (string);
  /**
   * Local recipients (usernames) that have it in their inbox.
   */
  'delivered'?: (string)[];
  /**
   * Remote recipients queued for delivery.
   */
  'queued'?: (string)[];
}

export interface SendReply__Output {
  /**
   * Id of the copy in the sender's Sent folder.
   */
  'sent_id': (string);
  /**
   * The Message-ID header of the message.
   */
  'message_id': (string);
  /**
   * Local recipients (usernames) that have it in their inbox.
   */
  'delivered': (string)[];
  /**
   * Remote recipients queued for delivery.
   */
  'queued': (string)[];
}
