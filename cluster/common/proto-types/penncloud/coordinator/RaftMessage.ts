// Generated from proto/ by `npm run gen:proto` (scripts/gen-proto.ts). Do not edit.
// Original file: proto/coordinator.proto

import type { RaftEntry as _penncloud_coordinator_RaftEntry, RaftEntry__Output as _penncloud_coordinator_RaftEntry__Output } from '../../penncloud/coordinator/RaftEntry.ts';
import type { RaftSnapshot as _penncloud_coordinator_RaftSnapshot, RaftSnapshot__Output as _penncloud_coordinator_RaftSnapshot__Output } from '../../penncloud/coordinator/RaftSnapshot.ts';
import type { Long } from '@grpc/proto-loader';

export interface RaftMessage {
  /**
   * vote | voteReply | append | appendReply | snapshot
   */
  'type'?: (string);
  'from'?: (string);
  'to'?: (string);
  'term'?: (number | string | Long);
  /**
   * vote, voteReply: a PreVote round.
   */
  'pre'?: (boolean);
  /**
   * vote: the candidate's last entry.
   */
  'last_index'?: (number | string | Long);
  'last_term'?: (number | string | Long);
  /**
   * voteReply
   */
  'granted'?: (boolean);
  /**
   * append
   */
  'prev_index'?: (number | string | Long);
  'prev_term'?: (number | string | Long);
  'entries'?: (_penncloud_coordinator_RaftEntry)[];
  'commit'?: (number | string | Long);
  /**
   * appendReply
   */
  'success'?: (boolean);
  'match_index'?: (number | string | Long);
  /**
   * snapshot
   */
  'snapshot'?: (_penncloud_coordinator_RaftSnapshot | null);
  /**
   * append, appendReply: the leader's round, echoed by the reply (a leadership confirm waits
   * for a majority to answer a round sent after it began).
   */
  'seq'?: (number | string | Long);
}

export interface RaftMessage__Output {
  /**
   * vote | voteReply | append | appendReply | snapshot
   */
  'type': (string);
  'from': (string);
  'to': (string);
  'term': (number);
  /**
   * vote, voteReply: a PreVote round.
   */
  'pre': (boolean);
  /**
   * vote: the candidate's last entry.
   */
  'last_index': (number);
  'last_term': (number);
  /**
   * voteReply
   */
  'granted': (boolean);
  /**
   * append
   */
  'prev_index': (number);
  'prev_term': (number);
  'entries': (_penncloud_coordinator_RaftEntry__Output)[];
  'commit': (number);
  /**
   * appendReply
   */
  'success': (boolean);
  'match_index': (number);
  /**
   * snapshot
   */
  'snapshot': (_penncloud_coordinator_RaftSnapshot__Output | null);
  /**
   * append, appendReply: the leader's round, echoed by the reply (a leadership confirm waits
   * for a majority to answer a round sent after it began).
   */
  'seq': (number);
}
