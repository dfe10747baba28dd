// Generated from proto/ by `npm run gen:proto` (scripts/gen-proto.ts). Do not edit.
import type * as grpc from '@grpc/grpc-js';
import type { MessageTypeDefinition } from '@grpc/proto-loader';

import type { Attachment as _penncloud_mail_Attachment, Attachment__Output as _penncloud_mail_Attachment__Output } from './penncloud/mail/Attachment.ts';
import type { MailClient as _penncloud_mail_MailClient, MailDefinition as _penncloud_mail_MailDefinition } from './penncloud/mail/Mail.ts';
import type { SendReply as _penncloud_mail_SendReply, SendReply__Output as _penncloud_mail_SendReply__Output } from './penncloud/mail/SendReply.ts';
import type { SendRequest as _penncloud_mail_SendRequest, SendRequest__Output as _penncloud_mail_SendRequest__Output } from './penncloud/mail/SendRequest.ts';
import type { StatusReply as _penncloud_mail_StatusReply, StatusReply__Output as _penncloud_mail_StatusReply__Output } from './penncloud/mail/StatusReply.ts';
import type { StatusRequest as _penncloud_mail_StatusRequest, StatusRequest__Output as _penncloud_mail_StatusRequest__Output } from './penncloud/mail/StatusRequest.ts';

type SubtypeConstructor<Constructor extends new (...args: any) => any, Subtype> = {
  new(...args: ConstructorParameters<Constructor>): Subtype;
};

export interface ProtoGrpcType {
  penncloud: {
    mail: {
      Attachment: MessageTypeDefinition<_penncloud_mail_Attachment, _penncloud_mail_Attachment__Output>
      Mail: SubtypeConstructor<typeof grpc.Client, _penncloud_mail_MailClient> & { service: _penncloud_mail_MailDefinition }
      SendReply: MessageTypeDefinition<_penncloud_mail_SendReply, _penncloud_mail_SendReply__Output>
      SendRequest: MessageTypeDefinition<_penncloud_mail_SendRequest, _penncloud_mail_SendRequest__Output>
      StatusReply: MessageTypeDefinition<_penncloud_mail_StatusReply, _penncloud_mail_StatusReply__Output>
      StatusRequest: MessageTypeDefinition<_penncloud_mail_StatusRequest, _penncloud_mail_StatusRequest__Output>
    }
  }
}
