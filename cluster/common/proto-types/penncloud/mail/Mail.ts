// Generated from proto/ by `npm run gen:proto` (scripts/gen-proto.ts). Do not edit.
// Original file: proto/mail.proto

import type * as grpc from '@grpc/grpc-js'
import type { MethodDefinition } from '@grpc/proto-loader'
import type { SendReply as _penncloud_mail_SendReply, SendReply__Output as _penncloud_mail_SendReply__Output } from '../../penncloud/mail/SendReply.ts';
import type { SendRequest as _penncloud_mail_SendRequest, SendRequest__Output as _penncloud_mail_SendRequest__Output } from '../../penncloud/mail/SendRequest.ts';
import type { StatusReply as _penncloud_mail_StatusReply, StatusReply__Output as _penncloud_mail_StatusReply__Output } from '../../penncloud/mail/StatusReply.ts';
import type { StatusRequest as _penncloud_mail_StatusRequest, StatusRequest__Output as _penncloud_mail_StatusRequest__Output } from '../../penncloud/mail/StatusRequest.ts';

export interface MailClient extends grpc.Client {
  /**
   * Sends a message from a local user (the frontend has authenticated them). The daemon
   * composes it (MIME, Date, Message-ID), stores a copy in each local recipient's inbox and in
   * the sender's Sent, and queues it for remote recipients; all of that is durable before the
   * reply. INVALID_ARGUMENT for a malformed address or an unknown sender; NOT_FOUND for an
   * unknown local recipient (nothing is stored then); RESOURCE_EXHAUSTED when the message is
   * over mail.messageBytesMax or the outbound queue is full; UNAVAILABLE when storage is.
   */
  Send(argument: _penncloud_mail_SendRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_penncloud_mail_SendReply__Output>): grpc.ClientUnaryCall;
  Send(argument: _penncloud_mail_SendRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_penncloud_mail_SendReply__Output>): grpc.ClientUnaryCall;
  Send(argument: _penncloud_mail_SendRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_penncloud_mail_SendReply__Output>): grpc.ClientUnaryCall;
  Send(argument: _penncloud_mail_SendRequest, callback: grpc.requestCallback<_penncloud_mail_SendReply__Output>): grpc.ClientUnaryCall;
  /**
   * Sends a message from a local user (the frontend has authenticated them). The daemon
   * composes it (MIME, Date, Message-ID), stores a copy in each local recipient's inbox and in
   * the sender's Sent, and queues it for remote recipients; all of that is durable before the
   * reply. INVALID_ARGUMENT for a malformed address or an unknown sender; NOT_FOUND for an
   * unknown local recipient (nothing is stored then); RESOURCE_EXHAUSTED when the message is
   * over mail.messageBytesMax or the outbound queue is full; UNAVAILABLE when storage is.
   */
  send(argument: _penncloud_mail_SendRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_penncloud_mail_SendReply__Output>): grpc.ClientUnaryCall;
  send(argument: _penncloud_mail_SendRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_penncloud_mail_SendReply__Output>): grpc.ClientUnaryCall;
  send(argument: _penncloud_mail_SendRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_penncloud_mail_SendReply__Output>): grpc.ClientUnaryCall;
  send(argument: _penncloud_mail_SendRequest, callback: grpc.requestCallback<_penncloud_mail_SendReply__Output>): grpc.ClientUnaryCall;

  /**
   * Queue length and counters, for the admin console.
   */
  Status(argument: _penncloud_mail_StatusRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_penncloud_mail_StatusReply__Output>): grpc.ClientUnaryCall;
  Status(argument: _penncloud_mail_StatusRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_penncloud_mail_StatusReply__Output>): grpc.ClientUnaryCall;
  Status(argument: _penncloud_mail_StatusRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_penncloud_mail_StatusReply__Output>): grpc.ClientUnaryCall;
  Status(argument: _penncloud_mail_StatusRequest, callback: grpc.requestCallback<_penncloud_mail_StatusReply__Output>): grpc.ClientUnaryCall;
  /**
   * Queue length and counters, for the admin console.
   */
  status(argument: _penncloud_mail_StatusRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_penncloud_mail_StatusReply__Output>): grpc.ClientUnaryCall;
  status(argument: _penncloud_mail_StatusRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_penncloud_mail_StatusReply__Output>): grpc.ClientUnaryCall;
  status(argument: _penncloud_mail_StatusRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_penncloud_mail_StatusReply__Output>): grpc.ClientUnaryCall;
  status(argument: _penncloud_mail_StatusRequest, callback: grpc.requestCallback<_penncloud_mail_StatusReply__Output>): grpc.ClientUnaryCall;

}

export interface MailHandlers extends grpc.UntypedServiceImplementation {
  /**
   * Sends a message from a local user (the frontend has authenticated them). The daemon
   * composes it (MIME, Date, Message-ID), stores a copy in each local recipient's inbox and in
   * the sender's Sent, and queues it for remote recipients; all of that is durable before the
   * reply. INVALID_ARGUMENT for a malformed address or an unknown sender; NOT_FOUND for an
   * unknown local recipient (nothing is stored then); RESOURCE_EXHAUSTED when the message is
   * over mail.messageBytesMax or the outbound queue is full; UNAVAILABLE when storage is.
   */
  Send: grpc.handleUnaryCall<_penncloud_mail_SendRequest__Output, _penncloud_mail_SendReply>;

  /**
   * Queue length and counters, for the admin console.
   */
  Status: grpc.handleUnaryCall<_penncloud_mail_StatusRequest__Output, _penncloud_mail_StatusReply>;

}

export interface MailDefinition extends grpc.ServiceDefinition {
  Send: MethodDefinition<_penncloud_mail_SendRequest, _penncloud_mail_SendReply, _penncloud_mail_SendRequest__Output, _penncloud_mail_SendReply__Output>
  Status: MethodDefinition<_penncloud_mail_StatusRequest, _penncloud_mail_StatusReply, _penncloud_mail_StatusRequest__Output, _penncloud_mail_StatusReply__Output>
}
