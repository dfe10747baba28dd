// Generated from proto/ by `npm run gen:proto` (scripts/gen-proto.ts). Do not edit.
// Original file: proto/lb.proto

import type { Long } from '@grpc/proto-loader';

export interface HeartbeatRequest {
  /**
   * 1…web.frontends.
   */
  'frontend'?: (number);
  /**
   * host:port the frontend serves HTTP on.
   */
  'address'?: (string);
  /**
   * Host name for redirects (web.publicHost); empty: the name the browser used for the balancer.
   */
  'public_host'?: (string);
  /**
   * When the frontend process started (ms since the epoch) and its resident memory.
   */
  'started_at_ms'?: (number | string | Long);
  'rss_bytes'?: (number | string | Long);
  /**
   * Set by a frontend that is stopping cleanly: it is skipped at once.
   */
  'leaving'?: (boolean);
}

export interface HeartbeatRequest__Output {
  /**
   * 1…web.frontends.
   */
  'frontend': (number);
  /**
   * host:port the frontend serves HTTP on.
   */
  'address': (string);
  /**
   * Host name for redirects (web.publicHost); empty: the name the browser used for the balancer.
   */
  'public_host': (string);
  /**
   * When the frontend process started (ms since the epoch) and its resident memory.
   */
  'started_at_ms': (number);
  'rss_bytes': (number);
  /**
   * Set by a frontend that is stopping cleanly: it is skipped at once.
   */
  'leaving': (boolean);
}
