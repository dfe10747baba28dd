// Generated from proto/ by `npm run gen:proto` (scripts/gen-proto.ts). Do not edit.
// Original file: proto/coordinator.proto

import type { Long } from '@grpc/proto-loader';

export interface GroupConfig {
  'group'?: (number);
  'epoch'?: (number | string | Long);
  /**
   * Empty when the group has no primary.
   */
  'primary'?: (string);
  'in_sync'?: (string)[];
  /**
   * The process (incarnation) of the primary that was elected: a primary that restarts comes
   * back as a new incarnation and does not act as primary until elected again at a new epoch.
   */
  'primary_incarnation'?: (string);
}

export interface GroupConfig__Output {
  'group': (number);
  'epoch': (number);
  /**
   * Empty when the group has no primary.
   */
  'primary': (string);
  'in_sync': (string)[];
  /**
   * The process (incarnation) of the primary that was elected: a primary that restarts comes
   * back as a new incarnation and does not act as primary until elected again at a new epoch.
   */
  'primary_incarnation': (string);
}
