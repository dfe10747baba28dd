// Generated from proto/ by `npm run gen:proto` (scripts/gen-proto.ts). Do not edit.
// Original file: proto/coordinator.proto

import type { Long } from '@grpc/proto-loader';

export interface CoordinatorInfo {
  'id'?: (string);
  'address'?: (string);
  /**
   * leader | follower | unreachable (no answer within an election timeout)
   */
  'role'?: (string);
  'term'?: (number | string | Long);
  /**
   * The last log entry known to be on the member.
   */
  'match_index'?: (number | string | Long);
}

export interface CoordinatorInfo__Output {
  'id': (string);
  'address': (string);
  /**
   * leader | follower | unreachable (no answer within an election timeout)
   */
  'role': (string);
  'term': (number);
  /**
   * The last log entry known to be on the member.
   */
  'match_index': (number);
}
