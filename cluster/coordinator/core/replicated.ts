// The coordinator group's replicated state machine (RAFT.md, "What is replicated"): the commands
// a leader proposes, how every member applies a committed one, and the snapshot's encoding.
// Applying is deterministic and pure, so every member that applied the same entries holds the
// same record.
import { z } from 'zod';
import type { Config } from '../../common/config.ts';
import { PennError } from '../../common/errors.ts';
import { initialRecord } from './membership.ts';
import type { GroupConfig, JoinSeen, MembershipRecord } from './types.ts';

export type Command =
  /** The whole membership record after a change (small: a few hundred bytes per group). */
  | { type: 'membership'; record: MembershipRecord }
  /** A lease granted to a group's primary at an epoch. */
  | { type: 'lease'; group: number; epoch: number; node: string };

/** The last lease granted per group: which primary holds one (for status and a new leader's log). */
export interface LeaseHolder {
  epoch: number;
  node: string;
}

export interface ReplicatedState {
  record: MembershipRecord;
  /** Indexed by group; node '' before any grant. */
  leases: LeaseHolder[];
}

export function initialReplicated(config: Readonly<Config>): ReplicatedState {
  const record = initialRecord(config);
  return { record, leases: record.groups.map(() => ({ epoch: 0, node: '' })) };
}

/** '' (a new leader's no-op) changes nothing. */
export function applyCommand(state: ReplicatedState, data: string): ReplicatedState {
  if (data === '') return state;
  const command = commandSchema.parse(JSON.parse(data)) as Command;
  if (command.type === 'membership') return { record: copyRecord(command.record), leases: state.leases };
  const leases = state.leases.map((l, group) => (group === command.group ? { epoch: command.epoch, node: command.node } : l));
  return { record: state.record, leases };
}

export function encodeCommand(command: Command): string {
  return JSON.stringify(command);
}

export function encodeSnapshot(state: ReplicatedState): string {
  return JSON.stringify(state);
}

/** A snapshot received from a leader or read from disk; checked against this member's config. */
export function decodeSnapshot(data: string, config: Readonly<Config>): ReplicatedState {
  if (data === '') return initialReplicated(config);
  const parsed = snapshotSchema.safeParse(JSON.parse(data));
  if (!parsed.success || parsed.data.record.groups.length !== config.kvs.groups) {
    throw new PennError('failed_precondition', `coordinator snapshot does not fit the config (${config.kvs.groups} groups)`);
  }
  return parsed.data as ReplicatedState;
}

const groupSchema = z.object({
  group: z.number().int().min(0),
  epoch: z.number().int().min(0),
  primary: z.string(),
  inSync: z.array(z.string()),
  primaryIncarnation: z.string(),
});
const joinSchema = z.object({ epoch: z.number().int().min(0), requestId: z.number().int().min(0) });
const recordSchema = z.object({ groups: z.array(groupSchema), joins: z.array(joinSchema) });
const commandSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('membership'), record: recordSchema }),
  z.object({ type: z.literal('lease'), group: z.number().int().min(0), epoch: z.number().int().min(0), node: z.string() }),
]);
const snapshotSchema = z.object({
  record: recordSchema,
  leases: z.array(z.object({ epoch: z.number().int().min(0), node: z.string() })),
});

function copyRecord(r: MembershipRecord): MembershipRecord {
  return {
    groups: r.groups.map((g: GroupConfig) => ({ ...g, inSync: [...g.inSync] })),
    joins: r.joins.map((j: JoinSeen) => ({ ...j })),
  };
}
