// The mail daemon's gRPC service and its messages as they cross the wire (snake_case, uint64
// as numbers by the shared proto loader options).
import type { ChannelOptions } from '@grpc/grpc-js';
import type { Config } from '../../common/config.ts';
import { channelOptions, grpcMessageBytesMax, loadProto, serviceClient } from '../../common/grpc.ts';

const pkg = loadProto('mail.proto');
export const MailService = serviceClient(pkg, 'penncloud.mail.Mail');

/** gRPC messages up to a full-size message plus its envelope, for the server and its clients. */
export function mailGrpcOptions(config: Readonly<Config>): ChannelOptions {
  const bytes = Math.max(grpcMessageBytesMax, config.mail.messageBytesMax + 1024 * 1024);
  return { ...channelOptions, 'grpc.max_receive_message_length': bytes, 'grpc.max_send_message_length': bytes };
}

export interface WireAttachment {
  filename: string;
  content_type: string;
  content: Buffer;
}

export interface WireSendRequest {
  user: string;
  to: string[];
  cc: string[];
  bcc: string[];
  subject: string;
  text: string;
  html: string;
  attachments: WireAttachment[];
  in_reply_to: string;
  references: string[];
  from_name: string;
}

export interface WireSendReply {
  sent_id: string;
  message_id: string;
  delivered: string[];
  queued: string[];
}

export interface WireStatusReply {
  queue_length: number;
  started_at_ms: number;
  rss_bytes: number;
  smtp_connections: number;
  smtp_messages: number;
  pop3_sessions: number;
  pop3_retrieved: number;
  pop3_deleted: number;
  delivery_attempts: number;
  delivered_remote: number;
  bounced: number;
  sent_by_grpc: number;
  domain: string;
  smtp_port: number;
  pop3_port: number;
}
