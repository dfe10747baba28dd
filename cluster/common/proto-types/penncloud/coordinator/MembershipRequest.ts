// Generated from proto/ by `npm run gen:proto` (scripts/gen-proto.ts). Do not edit.
// Original file: proto/coordinator.proto

import type { Long } from '@grpc/proto-loader';

export interface MembershipRequest {
  'group'?: (number);
  /**
   * The caller's epoch; a request from an older epoch or from a node that is not the
   * primary is refused with FAILED_PRECONDITION.
   */
  'epoch'?: (number | string | Long);
  'primary'?: (string);
  /**
   * The node to remove (ReportFailure) or add (RequestJoin).
   */
  'node'?: (string);
  /**
   * RequestJoin: the lsn the node has made durable.
   */
  'lsn'?: (number | string | Long);
  /**
   * RequestJoin: rises with every attempt of a primary within an epoch. The coordinator refuses
   * an attempt no newer than one it has already answered, so a delayed old attempt can never
   * apply after the primary took a newer answer as final.
   */
  'request_id'?: (number | string | Long);
}

export interface MembershipRequest__Output {
  'group': (number);
  /**
   * The caller's epoch; a request from an older epoch or from a node that is not the
   * primary is refused with FAILED_PRECONDITION.
   */
  'epoch': (number);
  'primary': (string);
  /**
   * The node to remove (ReportFailure) or add (RequestJoin).
   */
  'node': (string);
  /**
   * RequestJoin: the lsn the node has made durable.
   */
  'lsn': (number);
  /**
   * RequestJoin: rises with every attempt of a primary within an epoch. The coordinator refuses
   * an attempt no newer than one it has already answered, so a delayed old attempt can never
   * apply after the primary took a newer answer as final.
   */
  'request_id': (number);
}
