// proto/mail.proto, loaded once: the mail daemon's service, its message types (generated into
// cluster/common/proto-types/ by `npm run gen:proto`: `__Output` for what arrives, with uint64 as
// numbers by the shared loader options; the plain form for what is sent), and the gRPC message
// size both ends must allow.
import type { ChannelOptions } from '@grpc/grpc-js';
import type { Config } from '../../common/config.ts';
import { channelOptions, grpcMessageBytesMax, loadProto, serviceClient } from '../../common/grpc.ts';

export type { SendReply, SendReply__Output } from '../../common/proto-types/penncloud/mail/SendReply.ts';
export type { SendRequest, SendRequest__Output } from '../../common/proto-types/penncloud/mail/SendRequest.ts';
export type { StatusReply, StatusReply__Output } from '../../common/proto-types/penncloud/mail/StatusReply.ts';

const pkg = loadProto('mail.proto');
export const MailService = serviceClient(pkg, 'penncloud.mail.Mail');

/** gRPC messages up to a full-size message plus its envelope, for the server and its clients. */
export function mailGrpcOptions(config: Readonly<Config>): ChannelOptions {
  const bytes = Math.max(grpcMessageBytesMax, config.mail.messageBytesMax + 1024 * 1024);
  return { ...channelOptions, 'grpc.max_receive_message_length': bytes, 'grpc.max_send_message_length': bytes };
}
