// The coordinator's data, inputs and effects (REPLICATION.md). The core reads and returns these
// as plain data; the loop in io/ owns the state and carries the effects out.
import type { Config, NodeRef } from '../../common/config.ts';

/** A group's membership: persisted before anyone hears of it, and its epoch rises on every change. */
export interface GroupConfig {
  group: number;
  epoch: number;
  /** '' when the group has no primary. */
  primary: string;
  inSync: string[];
  /** The incarnation of the primary when it was elected; '' with no primary. */
  primaryIncarnation: string;
}

/** What a node said about itself in its last Heartbeat reply. */
export interface NodeFigures {
  /** up | halted | recovering */
  state: string;
  /** The newest epoch the node knows for its group. */
  epoch: number;
  lastLsn: number;
  /** The epoch of the node's last log entry: with lastLsn, how far its log goes. */
  lastEpoch: number;
  checkpointVersion: number;
  keyCount: number;
  memoryBytes: number;
  role: string;
  /** Random per process start or revive. */
  incarnation: string;
}

/**
 * 'unknown' until the first reply or heartbeatMissesMax misses: after a (re)start the
 * coordinator has no evidence either way, and acts on neither.
 */
export type Reach = 'unknown' | 'alive' | 'down';

export interface NodeHealth {
  reach: Reach;
  /** Scheduled heartbeats missed in a row. */
  misses: number;
  last: NodeFigures | null;
  /** The epoch the node's last reply showed; 0 before any. */
  knownEpoch: number;
}

/** Per group, in memory only. */
export interface GroupRuntime {
  /** When the coordinator last granted a lease in this group (its own clock, after deciding). */
  lastGrant: number;
  /** Round-robin position for Lookup. */
  cursor: number;
  /** The "waiting for the lease to end" line has been logged for the current epoch. */
  waitLogged: boolean;
  /** The highest epoch any node of the group has reported, so a lost file cannot reuse one. */
  highestSeenEpoch: number;
  /** The newest RequestJoin answered, per epoch: older attempts arriving late are refused. */
  joinSeen: JoinSeen;
}

export interface JoinSeen {
  epoch: number;
  requestId: number;
}

/**
 * What the coordinator group agrees on through Raft (RAFT.md): every group's config and the
 * newest join answered per group. Everything else a leader knows (node health, when it last
 * granted a lease) it learns again from the nodes after it is elected.
 */
export interface MembershipRecord {
  groups: GroupConfig[];
  /** Indexed by group. */
  joins: JoinSeen[];
}

export interface MembershipState {
  /** Shared by reference between states: frozen, never copied. */
  readonly config: Readonly<Config>;
  readonly nodes: readonly NodeRef[];
  /** Indexed by group number. */
  groups: GroupConfig[];
  health: Record<string, NodeHealth>;
  runtime: GroupRuntime[];
}

export type HeartbeatOutcome = { ok: true; reply: NodeFigures } | { ok: false; error: string };

export type Input =
  /**
   * scheduled: from the periodic round. Extra heartbeats sent to announce a change do not count
   * as misses, so announcing cannot declare a node down faster than heartbeatMissesMax rounds.
   */
  | ({ kind: 'heartbeat'; node: string; scheduled: boolean } & HeartbeatOutcome)
  | { kind: 'tick'; now: number }
  | { kind: 'renewLease'; now: number; group: number; epoch: number; node: string }
  | { kind: 'reportFailure'; group: number; epoch: number; primary: string; node: string }
  | { kind: 'requestJoin'; group: number; epoch: number; primary: string; node: string; lsn: number; requestId: number }
  | { kind: 'lookup'; row: string }
  /** The admin's last resort (rule 5): make an out-of-sync node the primary of its group. */
  | { kind: 'forcePrimary'; node: string; now: number };

export interface NodeAddress {
  id: string;
  address: string;
}

export interface LookupResult {
  group: number;
  assigned: NodeAddress;
  /** id '' when the group has no primary. */
  primary: NodeAddress;
  epoch: number;
}

export interface LeaseResult {
  granted: boolean;
  config: GroupConfig;
}

/** What forcing a primary may have cost: the writes the lost in-sync members had beyond it. */
export interface ForceResult {
  config: GroupConfig;
  /** The forced node's last log entry. */
  lastLsn: number;
  /** The in-sync members it replaced, with the last lsn they reported (null: none since the coordinator started). */
  replaced: { node: string; lastLsn: number | null }[];
}

export type Reply =
  | ({ type: 'lookup' } & LookupResult)
  | ({ type: 'lease' } & LeaseResult)
  | { type: 'config'; config: GroupConfig }
  | ({ type: 'forced' } & ForceResult);

export type RefusalCode = 'invalid_argument' | 'failed_precondition' | 'unavailable';
export type LogLevelName = 'info' | 'warn' | 'error';

export type Effect =
  /** The whole record after a change. Must be committed before any later reply or heartbeat. */
  | { kind: 'persist'; record: MembershipRecord }
  /** A lease granted: committed before the grant is answered, so a new leader knows of it. */
  | { kind: 'grant'; group: number; epoch: number; node: string }
  /** Send the group's nodes a heartbeat now (after the persist), so a failover is quick. */
  | { kind: 'announce'; group: number }
  | { kind: 'log'; level: LogLevelName; msg: string; fields: Record<string, unknown> }
  | { kind: 'reply'; reply: Reply }
  | { kind: 'refuse'; code: RefusalCode; message: string };

export interface StepResult {
  state: MembershipState;
  effects: Effect[];
}
