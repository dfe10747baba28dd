// The coordinator's membership state machine (REPLICATION.md "Who knows what", "Liveness and
// leases", "Membership changes"): step(state, input) returns the next state and effects as data.
// No clock, socket or file here; time arrives as `now` in the inputs.
//
// Contract for the loop that runs it: every config change comes with a `persist` effect, and
// nothing that can reveal a config (a reply, a heartbeat, an announce) may leave the process
// before the persists emitted up to that point are durable.
import assert from 'node:assert/strict';
import { allNodes, groupOfRow, type Config, type NodeRef } from '../../common/config.ts';
import type {
  Effect,
  GroupConfig,
  Input,
  LogLevelName,
  MembershipRecord,
  MembershipState,
  NodeHealth,
  RefusalCode,
  StepResult,
} from './types.ts';

/** The record of a cluster that never ran. */
export function initialRecord(config: Readonly<Config>): MembershipRecord {
  const groups = initialGroups(config);
  return { groups, joins: groups.map(() => ({ epoch: 0, requestId: 0 })) };
}

/** A cluster that never ran: no primary, every replica in sync (all empty, so all equal). */
export function initialGroups(config: Readonly<Config>): GroupConfig[] {
  return Array.from({ length: config.kvs.groups }, (_, group) => ({
    group,
    epoch: 1,
    primary: '',
    inSync: allNodes(config)
      .filter((n) => n.group === group)
      .map((n) => n.id),
    primaryIncarnation: '',
  }));
}

/**
 * How fast or slow a machine's clock may run against another's (RAFT.md, "Timings"). A primary
 * counts its lease on its own clock and the coordinator on its own, so the coordinator waits a
 * lease out as a clock this much fast would for one this much slow. Quartz drifts by parts per
 * million; a few percent covers a loaded VM's clock between NTP corrections, for 44 ms of the
 * default 700 ms lease. The simulator (tests/sim/) runs clocks at this bound.
 */
export const clockDriftMax = 0.03;

/** How long the coordinator, on its own clock, waits out a lease of leaseMs counted on a primary's. */
export function leaseWaitMs(leaseMs: number): number {
  return Math.ceil((leaseMs * (1 + clockDriftMax)) / (1 - clockDriftMax));
}

/**
 * A fresh state over persisted configs. lastGrant starts at `now`: a coordinator that just
 * (re)started cannot know whether it granted a lease just before it stopped, so it waits a full
 * lease before replacing any primary.
 */
export function createMembership(config: Readonly<Config>, record: MembershipRecord, now: number): MembershipState {
  const { groups } = record;
  assert.equal(groups.length, config.kvs.groups, 'one config per group');
  const nodes = allNodes(config);
  const health: Record<string, NodeHealth> = {};
  for (const n of nodes) health[n.id] = { reach: 'unknown', misses: 0, last: null, knownEpoch: 0 };
  return {
    config,
    nodes,
    groups: groups.map(copyConfig),
    health,
    runtime: groups.map((g, i) => ({
      lastGrant: now,
      cursor: 0,
      waitLogged: false,
      highestSeenEpoch: g.epoch,
      joinSeen: { ...(record.joins[i] ?? { epoch: 0, requestId: 0 }) },
    })),
  };
}

export function step(state: MembershipState, input: Input): StepResult {
  const s = draft(state);
  const out: Effect[] = [];
  switch (input.kind) {
    case 'heartbeat':
      onHeartbeat(s, out, input);
      break;
    case 'tick':
      for (const g of s.groups) tickGroup(s, out, g.group, input.now);
      break;
    case 'renewLease':
      onRenewLease(s, out, input);
      break;
    case 'reportFailure':
      onReportFailure(s, out, input);
      break;
    case 'requestJoin':
      onRequestJoin(s, out, input);
      break;
    case 'lookup':
      onLookup(s, out, input.row);
      break;
    case 'forcePrimary':
      onForcePrimary(s, out, input);
      break;
  }
  return { state: s, effects: out };
}

// ---- Liveness ----

/** Answers heartbeats and says it serves: may be primary, may be assigned to clients. */
export function isLive(s: MembershipState, id: string): boolean {
  const h = healthOf(s, id);
  return h.reach === 'alive' && h.last?.state === 'up';
}

/**
 * Missed heartbeatMissesMax in a row, or answers but is halted or recovering: a node that
 * cannot serve is down for membership, or a halted primary would hold its group forever.
 * 'unknown' is neither live nor down.
 */
export function isDown(s: MembershipState, id: string): boolean {
  const h = healthOf(s, id);
  return h.reach === 'down' || (h.reach === 'alive' && h.last?.state !== 'up');
}

function onHeartbeat(s: MembershipState, out: Effect[], input: Extract<Input, { kind: 'heartbeat' }>): void {
  const h = healthOf(s, input.node);
  const group = groupOfNode(s, input.node);
  if (input.ok) {
    const { reply } = input;
    const before = h.reach === 'alive' ? h.last?.state : undefined;
    Object.assign(h, { reach: 'alive', misses: 0, last: reply, knownEpoch: reply.epoch });
    if (before === undefined) {
      log(out, 'info', `${input.node} up (${reply.state}, epoch ${reply.epoch}, lsn ${reply.lastLsn})`, input.node, group);
    } else if (before !== reply.state) {
      log(out, 'info', `${input.node} now ${reply.state}`, input.node, group);
    }
    const rt = runtimeOf(s, group);
    if (reply.epoch > rt.highestSeenEpoch) {
      rt.highestSeenEpoch = reply.epoch;
      log(out, 'warn', `${input.node} knows epoch ${reply.epoch}, newer than the coordinator's ${configOf(s, group).epoch}: was the membership file lost? the next epoch will be ${reply.epoch + 1}`, input.node, group);
    }
    return;
  }
  if (!input.scheduled) return;
  const max = s.config.coordinator.heartbeatMissesMax;
  h.misses = Math.min(h.misses + 1, max);
  if (h.misses >= max && h.reach !== 'down') {
    const level = h.reach === 'alive' ? 'warn' : 'info';
    h.reach = 'down';
    log(out, level, `${input.node} down (${max} missed heartbeats: ${input.error})`, input.node, group);
  }
}

/**
 * The primary answers, but as a new process: the one elected crashed and came back. It may have
 * lost entries it never fsync'd, so it must not go on in the same epoch: that would write
 * different entries under (lsn, epoch) pairs its backups already hold.
 */
function restarted(s: MembershipState, cfg: GroupConfig): boolean {
  const incarnation = healthOf(s, cfg.primary).last?.incarnation;
  return incarnation !== undefined && incarnation !== cfg.primaryIncarnation;
}

// ---- Membership rules, per group, on every tick ----

function tickGroup(s: MembershipState, out: Effect[], group: number, now: number): void {
  const cfg = configOf(s, group);
  if (cfg.primary === '') {
    // Rule 2: only an in-sync member may become primary; the others may lack acknowledged writes.
    const best = mostCaughtUp(s, cfg.inSync.filter((id) => isLive(s, id)));
    if (best === undefined) return;
    const inSync = cfg.inSync.filter((id) => !isDown(s, id));
    change(s, out, group, { primary: best, inSync }, (e) => `${best} became primary at epoch ${e} (the group had none)`);
    return;
  }
  if (isDown(s, cfg.primary) || restarted(s, cfg)) {
    primaryDown(s, out, cfg, now);
    return;
  }
  // Rule 3: the primary need not wait for a backup that is down.
  const gone = cfg.inSync.filter((id) => id !== cfg.primary && isDown(s, id));
  if (gone.length === 0) return;
  const inSync = cfg.inSync.filter((id) => !gone.includes(id));
  change(s, out, group, { primary: cfg.primary, inSync }, (e) => `${gone.join(', ')} left in_sync at epoch ${e} (down)`);
}

/**
 * Rule 1. The old primary may still believe it holds a lease (it may be cut off, not dead): no
 * one else becomes primary until the last lease the coordinator granted has surely ended.
 */
function primaryDown(s: MembershipState, out: Effect[], cfg: GroupConfig, now: number): void {
  const rt = runtimeOf(s, cfg.group);
  const old = cfg.primary;
  const leaseEnds = rt.lastGrant + leaseWaitMs(s.config.coordinator.leaseMs);
  if (now <= leaseEnds) {
    if (!rt.waitLogged) {
      rt.waitLogged = true;
      log(out, 'warn', `group ${cfg.group}: primary ${old} down; electing another once its lease ends in ${Math.ceil(leaseEnds - now)} ms`, old, cfg.group);
    }
    return;
  }
  const alive = cfg.inSync.filter((id) => id !== old && isLive(s, id));
  if (alive.length === 0 && !isDown(s, old) && isLive(s, old)) {
    // The primary restarted and no one else is alive: it holds every acknowledged write, so it
    // leads again, at a new epoch and as its new incarnation.
    change(s, out, cfg.group, { primary: old, inSync: cfg.inSync.filter((id) => !isDown(s, id)) }, (e) => `${old} restarted; primary again at epoch ${e}`);
    return;
  }
  const best = mostCaughtUp(s, alive);
  if (best !== undefined) {
    change(s, out, cfg.group, { primary: best, inSync: alive }, (e) => `${best} became primary at epoch ${e} (${old} down)`);
    return;
  }
  // Keep in_sync as it is: only its members hold every acknowledged write, so only one of them
  // may lead the group again when it returns.
  change(
    s,
    out,
    cfg.group,
    { primary: '', inSync: cfg.inSync },
    (e) => `no primary at epoch ${e} (${old} down, no in-sync member alive); unavailable until one of ${cfg.inSync.join(', ')} returns`,
    'warn',
  );
}

/** The candidate with the longest log: highest (last epoch, last lsn), then the lowest id. */
function mostCaughtUp(s: MembershipState, candidates: string[]): string | undefined {
  let best: string | undefined;
  for (const id of candidates) {
    if (best === undefined || compareLogs(s, id, best) > 0) best = id;
  }
  return best;
}

function compareLogs(s: MembershipState, a: string, b: string): number {
  const fa = healthOf(s, a).last;
  const fb = healthOf(s, b).last;
  assert.ok(fa && fb, 'candidates are live, so they have replied');
  return fa.lastEpoch - fb.lastEpoch || fa.lastLsn - fb.lastLsn;
}

// ---- Requests ----

function onRenewLease(s: MembershipState, out: Effect[], input: Extract<Input, { kind: 'renewLease' }>): void {
  if (!validGroup(s, out, input.group)) return;
  const cfg = configOf(s, input.group);
  // Only while the coordinator itself considers the primary live: a primary it may be about to
  // replace must not extend its lease (rule 1 counts from the last grant).
  const granted = input.node !== '' && input.node === cfg.primary && input.epoch === cfg.epoch && isLive(s, input.node);
  if (granted) {
    const rt = runtimeOf(s, input.group);
    rt.lastGrant = Math.max(rt.lastGrant, input.now);
    out.push({ kind: 'grant', group: input.group, epoch: input.epoch, node: input.node });
  }
  out.push({ kind: 'reply', reply: { type: 'lease', granted, config: copyConfig(cfg) } });
}

type MembershipInput = Extract<Input, { kind: 'reportFailure' | 'requestJoin' }>;

/** Rules 4 and 5 take the word of the current primary at the current epoch only. */
function checkMembershipRequest(s: MembershipState, out: Effect[], input: MembershipInput): GroupConfig | undefined {
  if (!validGroup(s, out, input.group)) return undefined;
  const cfg = configOf(s, input.group);
  if (!s.nodes.some((n) => n.id === input.node && n.group === input.group)) {
    return refuse(out, 'invalid_argument', `"${input.node}" is not a node of group ${input.group}`);
  }
  if (input.epoch !== cfg.epoch) {
    return refuse(out, 'failed_precondition', `epoch ${input.epoch} is not group ${input.group}'s current epoch ${cfg.epoch}`);
  }
  if (cfg.primary === '' || input.primary !== cfg.primary) {
    return refuse(out, 'failed_precondition', `"${input.primary}" is not the primary of group ${input.group} at epoch ${cfg.epoch} (the primary is ${cfg.primary || 'none'})`);
  }
  if (input.node === cfg.primary) {
    return refuse(out, 'invalid_argument', `the primary ${cfg.primary} cannot ask to change its own membership`);
  }
  return cfg;
}

function onReportFailure(s: MembershipState, out: Effect[], input: Extract<Input, { kind: 'reportFailure' }>): void {
  const cfg = checkMembershipRequest(s, out, input);
  if (!cfg) return;
  if (cfg.inSync.includes(input.node)) {
    const inSync = cfg.inSync.filter((id) => id !== input.node);
    change(s, out, cfg.group, { primary: cfg.primary, inSync }, (e) => `${input.node} left in_sync at epoch ${e} (${cfg.primary} could not replicate to it)`);
  }
  replyConfig(s, out, cfg.group);
}

function onRequestJoin(s: MembershipState, out: Effect[], input: Extract<Input, { kind: 'requestJoin' }>): void {
  const cfg = checkMembershipRequest(s, out, input);
  if (!cfg) return;
  // The primary keeps its commits frozen until it has a definite answer, retrying with a newer
  // id after a timeout. An attempt no newer than one already answered is stale: applying it now
  // could add a node after the primary took the later answer as final and went on without it.
  const rt = runtimeOf(s, cfg.group);
  if (rt.joinSeen.epoch === input.epoch && input.requestId <= rt.joinSeen.requestId) {
    refuse(out, 'failed_precondition', `stale join request ${input.requestId} of epoch ${input.epoch}`);
    return;
  }
  rt.joinSeen = { epoch: input.epoch, requestId: input.requestId };
  if (!cfg.inSync.includes(input.node)) {
    // It would be removed again by rule 3 on the next tick.
    if (isDown(s, input.node)) {
      persist(s, out);
      refuse(out, 'failed_precondition', `${input.node} is down according to the coordinator`);
      return;
    }
    const inSync = [...cfg.inSync, input.node];
    change(s, out, cfg.group, { primary: cfg.primary, inSync }, (e) => `${input.node} joined in_sync at epoch ${e} (${cfg.primary} vouched for lsn ${input.lsn})`);
  } else {
    // The answered id must be agreed on even when nothing else changes (RAFT.md, "What is replicated").
    persist(s, out);
  }
  replyConfig(s, out, cfg.group);
}

/**
 * Rule 5's last resort, for a group whose in-sync replicas are all lost: the node becomes the
 * group's only in-sync member and its primary at a new epoch, with the log it has. Writes the
 * lost members acknowledged beyond that log are gone; the reply says how far they had been. When
 * they return, they drop that suffix like any node behind a new primary. Refused while any
 * in-sync member might still serve: one not found down, or a primary whose lease may run.
 */
function onForcePrimary(s: MembershipState, out: Effect[], input: Extract<Input, { kind: 'forcePrimary' }>): void {
  const ref = s.nodes.find((n) => n.id === input.node);
  if (!ref) return void refuse(out, 'invalid_argument', `"${input.node}" is not a node of this cluster`);
  const cfg = configOf(s, ref.group);
  const standing = cfg.inSync.filter((id) => !isDown(s, id));
  if (standing.length > 0) {
    const which = standing.map((id) => `${id} (${isLive(s, id) ? 'live' : 'not known to be down'})`).join(', ');
    return void refuse(out, 'failed_precondition', `group ${ref.group} still has in-sync replicas that are not down: ${which}; a primary is chosen among them`);
  }
  if (!isLive(s, input.node)) return void refuse(out, 'unavailable', `${input.node} is not up: only a live node can be made primary`);
  const leaseEndsMs = runtimeOf(s, ref.group).lastGrant + leaseWaitMs(s.config.coordinator.leaseMs);
  if (cfg.primary !== '' && input.now < leaseEndsMs) {
    return void refuse(out, 'unavailable', `${cfg.primary}'s lease may run for ${Math.ceil(leaseEndsMs - input.now)} ms more; try again then`);
  }
  const lastLsn = healthOf(s, input.node).last?.lastLsn ?? 0;
  const replaced = cfg.inSync.map((id) => ({ node: id, lastLsn: healthOf(s, id).last?.lastLsn ?? null }));
  const lost = replaced.map((r) => `${r.node} at lsn ${r.lastLsn ?? 'unknown'}`).join(', ');
  change(
    s,
    out,
    ref.group,
    { primary: input.node, inSync: [input.node] },
    (e) => `${input.node} FORCED primary at epoch ${e} with its log to lsn ${lastLsn}; writes beyond it acknowledged by the lost in-sync replicas (${lost}) are gone`,
    'warn',
  );
  out.push({ kind: 'reply', reply: { type: 'forced', config: copyConfig(configOf(s, ref.group)), lastLsn, replaced } });
}

function onLookup(s: MembershipState, out: Effect[], row: string): void {
  if (typeof row !== 'string' || row.length === 0) {
    refuse(out, 'invalid_argument', 'row must be a non-empty string');
    return;
  }
  const rowBytes = Buffer.byteLength(row, 'utf8');
  if (rowBytes > s.config.kvs.rowBytesMax) {
    refuse(out, 'invalid_argument', `row is ${rowBytes} bytes; the limit is ${s.config.kvs.rowBytesMax}`);
    return;
  }
  const group = groupOfRow(s.config, row);
  const cfg = configOf(s, group);
  const live = s.nodes.filter((n) => n.group === group && isLive(s, n.id));
  if (live.length === 0) {
    refuse(out, 'unavailable', `group ${group} has no live member`);
    return;
  }
  // In-sync members serve (or forward to the primary at once); others only forward.
  const inSync = live.filter((n) => cfg.inSync.includes(n.id));
  const pool = inSync.length > 0 ? inSync : live;
  const rt = runtimeOf(s, group);
  const assigned = pool[rt.cursor % pool.length] as NodeRef;
  rt.cursor = (rt.cursor + 1) % 1_000_000;
  const primary = s.nodes.find((n) => n.id === cfg.primary);
  out.push({
    kind: 'reply',
    reply: {
      type: 'lookup',
      group,
      assigned: { id: assigned.id, address: assigned.address },
      primary: primary ? { id: primary.id, address: primary.address } : { id: '', address: '' },
      epoch: cfg.epoch,
    },
  });
}

// ---- Queries (no state change) ----

/** The config to send a node with its next heartbeat: only while its last reply showed an older epoch. */
export function heartbeatConfig(s: MembershipState, id: string): GroupConfig | null {
  const cfg = configOf(s, groupOfNode(s, id));
  return healthOf(s, id).knownEpoch < cfg.epoch ? copyConfig(cfg) : null;
}

export function groupConfig(s: MembershipState, group: number): GroupConfig | undefined {
  const cfg = Number.isInteger(group) ? s.groups[group] : undefined;
  return cfg ? copyConfig(cfg) : undefined;
}

// ---- Helpers ----

/** Applies a config change: the epoch rises by one, then persist, announce, log. */
function change(
  s: MembershipState,
  out: Effect[],
  group: number,
  next: { primary: string; inSync: string[] },
  describe: (epoch: number) => string,
  level: LogLevelName = 'info',
): void {
  const cur = configOf(s, group);
  const rt = runtimeOf(s, group);
  assert.ok(next.primary === '' || next.inSync.includes(next.primary), 'a primary is always in its in-sync set');
  const epoch = Math.max(cur.epoch, rt.highestSeenEpoch) + 1;
  const inSync = s.nodes.filter((n) => next.inSync.includes(n.id)).map((n) => n.id);
  const primaryIncarnation =
    next.primary === '' ? '' : next.primary === cur.primary && !restarted(s, cur) ? cur.primaryIncarnation : (healthOf(s, next.primary).last?.incarnation ?? '');
  s.groups[group] = { group, epoch, primary: next.primary, inSync, primaryIncarnation };
  rt.highestSeenEpoch = epoch;
  rt.waitLogged = false;
  persist(s, out);
  out.push({ kind: 'announce', group });
  out.push({ kind: 'log', level, msg: `group ${group}: ${describe(epoch)}`, fields: { group, epoch, primary: next.primary, inSync } });
}

function persist(s: MembershipState, out: Effect[]): void {
  out.push({ kind: 'persist', record: { groups: s.groups.map(copyConfig), joins: s.runtime.map((r) => ({ ...r.joinSeen })) } });
}

function replyConfig(s: MembershipState, out: Effect[], group: number): void {
  out.push({ kind: 'reply', reply: { type: 'config', config: copyConfig(configOf(s, group)) } });
}

function refuse(out: Effect[], code: RefusalCode, message: string): undefined {
  out.push({ kind: 'refuse', code, message });
  return undefined;
}

function validGroup(s: MembershipState, out: Effect[], group: number): boolean {
  if (Number.isInteger(group) && group >= 0 && group < s.groups.length) return true;
  refuse(out, 'invalid_argument', `unknown group ${group}: the cluster has groups 0–${s.groups.length - 1}`);
  return false;
}

function log(out: Effect[], level: LogLevelName, msg: string, node: string, group: number): void {
  out.push({ kind: 'log', level, msg, fields: { node, group } });
}

function healthOf(s: MembershipState, id: string): NodeHealth {
  const h = s.health[id];
  assert.ok(h, `unknown node ${id}`);
  return h;
}

function configOf(s: MembershipState, group: number): GroupConfig {
  const cfg = s.groups[group];
  assert.ok(cfg, `unknown group ${group}`);
  return cfg;
}

function runtimeOf(s: MembershipState, group: number) {
  const rt = s.runtime[group];
  assert.ok(rt, `unknown group ${group}`);
  return rt;
}

function groupOfNode(s: MembershipState, id: string): number {
  const n = s.nodes.find((x) => x.id === id);
  assert.ok(n, `unknown node ${id}`);
  return n.group;
}

function copyConfig(c: GroupConfig): GroupConfig {
  return { group: c.group, epoch: c.epoch, primary: c.primary, inSync: [...c.inSync], primaryIncarnation: c.primaryIncarnation };
}

/** A copy the step may change; the input state stays as it was. */
function draft(s: MembershipState): MembershipState {
  const health: Record<string, NodeHealth> = {};
  for (const [id, h] of Object.entries(s.health)) health[id] = { ...h };
  return {
    config: s.config,
    nodes: s.nodes,
    groups: s.groups.map(copyConfig),
    health,
    runtime: s.runtime.map((r) => ({ ...r, joinSeen: { ...r.joinSeen } })),
  };
}
