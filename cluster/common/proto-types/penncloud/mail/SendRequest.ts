// Generated from proto/ by `npm run gen:proto` (scripts/gen-proto.ts). Do not edit.
// Original file: proto/mail.proto

import type { Attachment as _penncloud_mail_Attachment, Attachment__Output as _penncloud_mail_Attachment__Output } from '../../penncloud/mail/Attachment.ts';

export interface SendRequest {
  /**
   * The sending user's name (not an address): the From is <user>@<mail.domain>.
   */
  'user'?: (string);
  /**
   * Addresses, "bob@localhost" or "Bob <bob@example.com>". At least one recipient in all.
   */
  'to'?: (string)[];
  'cc'?: (string)[];
  'bcc'?: (string)[];
  'subject'?: (string);
  'text'?: (string);
  /**
   * Optional HTML alternative to text.
   */
  'html'?: (string);
  'attachments'?: (_penncloud_mail_Attachment)[];
  /**
   * Message-ID of the message replied to, for In-Reply-To and References; empty if none.
   */
  'in_reply_to'?: (string);
  'references'?: (string)[];
  /**
   * Optional display name for the From header.
   */
  'from_name'?: (string);
}

export interface SendRequest__Output {
  /**
   * The sending user's name (not an address): the From is <user>@<mail.domain>.
   */
  'user': (string);
  /**
   * Addresses, "bob@localhost" or "Bob <bob@example.com>". At least one recipient in all.
   */
  'to': (string)[];
  'cc': (string)[];
  'bcc': (string)[];
  'subject': (string);
  'text': (string);
  /**
   * Optional HTML alternative to text.
   */
  'html': (string);
  'attachments': (_penncloud_mail_Attachment__Output)[];
  /**
   * Message-ID of the message replied to, for In-Reply-To and References; empty if none.
   */
  'in_reply_to': (string);
  'references': (string)[];
  /**
   * Optional display name for the From header.
   */
  'from_name': (string);
}
