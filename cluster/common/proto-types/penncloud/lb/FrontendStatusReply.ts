// Generated from proto/ by `npm run gen:proto` (scripts/gen-proto.ts). Do not edit.
// Original file: proto/lb.proto

import type { FrontendInfo as _penncloud_lb_FrontendInfo, FrontendInfo__Output as _penncloud_lb_FrontendInfo__Output } from '../../penncloud/lb/FrontendInfo.ts';
import type { Long } from '@grpc/proto-loader';

export interface FrontendStatusReply {
  'frontends'?: (_penncloud_lb_FrontendInfo)[];
  'heartbeat_timeout_ms'?: (number | string | Long);
  'now_ms'?: (number | string | Long);
}

export interface FrontendStatusReply__Output {
  'frontends': (_penncloud_lb_FrontendInfo__Output)[];
  'heartbeat_timeout_ms': (number);
  'now_ms': (number);
}
