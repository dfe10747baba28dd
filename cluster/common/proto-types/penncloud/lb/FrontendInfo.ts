// Generated from proto/ by `npm run gen:proto` (scripts/gen-proto.ts). Do not edit.
// Original file: proto/lb.proto

import type { Long } from '@grpc/proto-loader';

export interface FrontendInfo {
  'frontend'?: (number);
  'address'?: (string);
  'alive'?: (boolean);
  /**
   * 0 when it never sent one.
   */
  'last_heartbeat_at_ms'?: (number | string | Long);
  'started_at_ms'?: (number | string | Long);
  'rss_bytes'?: (number | string | Long);
  /**
   * Browsers sent to it since the balancer started.
   */
  'redirects'?: (number | string | Long);
}

export interface FrontendInfo__Output {
  'frontend': (number);
  'address': (string);
  'alive': (boolean);
  /**
   * 0 when it never sent one.
   */
  'last_heartbeat_at_ms': (number);
  'started_at_ms': (number);
  'rss_bytes': (number);
  /**
   * Browsers sent to it since the balancer started.
   */
  'redirects': (number);
}
