// Generated from proto/ by `npm run gen:proto` (scripts/gen-proto.ts). Do not edit.
// Original file: proto/mail.proto

import type { Long } from '@grpc/proto-loader';

export interface StatusReply {
  /**
   * Jobs (messages) in the outbound queue.
   */
  'queue_length'?: (number);
  'started_at_ms'?: (number | string | Long);
  'rss_bytes'?: (number | string | Long);
  'smtp_connections'?: (number | string | Long);
  'smtp_messages'?: (number | string | Long);
  'pop3_sessions'?: (number | string | Long);
  'pop3_retrieved'?: (number | string | Long);
  'pop3_deleted'?: (number | string | Long);
  'delivery_attempts'?: (number | string | Long);
  'delivered_remote'?: (number | string | Long);
  'bounced'?: (number | string | Long);
  'sent_by_grpc'?: (number | string | Long);
  'domain'?: (string);
  'smtp_port'?: (number);
  'pop3_port'?: (number);
}

export interface StatusReply__Output {
  /**
   * Jobs (messages) in the outbound queue.
   */
  'queue_length': (number);
  'started_at_ms': (number);
  'rss_bytes': (number);
  'smtp_connections': (number);
  'smtp_messages': (number);
  'pop3_sessions': (number);
  'pop3_retrieved': (number);
  'pop3_deleted': (number);
  'delivery_attempts': (number);
  'delivered_remote': (number);
  'bounced': (number);
  'sent_by_grpc': (number);
  'domain': (string);
  'smtp_port': (number);
  'pop3_port': (number);
}
