// Generated from proto/ by `npm run gen:proto` (scripts/gen-proto.ts). Do not edit.
// Original file: proto/coordinator.proto

import type { Long } from '@grpc/proto-loader';

export interface ReplacedMember {
  'node'?: (string);
  /**
   * The last lsn it reported to this coordinator process, when `reported`.
   */
  'last_lsn'?: (number | string | Long);
  'reported'?: (boolean);
}

export interface ReplacedMember__Output {
  'node': (string);
  /**
   * The last lsn it reported to this coordinator process, when `reported`.
   */
  'last_lsn': (number);
  'reported': (boolean);
}
