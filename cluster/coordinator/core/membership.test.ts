import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { parseConfig } from '../../common/config.ts';
import { createMembership, heartbeatConfig, initialGroups, leaseWaitMs, step } from './membership.ts';
import { clusterStatus } from './status.ts';
import type { Effect, GroupConfig, Input, MembershipState, NodeFigures, Reply } from './types.ts';

// Defaults: 3 groups × 3 replicas, leaseMs 1500, heartbeatMissesMax 3; rows a–i → group 0.
// The rules' own figures, not the defaults (which are tuned for speed): the cases below count them.
const config = parseConfig({ dataDir: '/tmp/penncloud-membership-test', coordinator: { heartbeatIntervalMs: 500, heartbeatMissesMax: 3, leaseMs: 1500 } });
// How long the coordinator waits out a lease: leaseMs stretched by the clock drift it allows.
const LEASE = leaseWaitMs(config.coordinator.leaseMs);

/**
 * Drives the core and checks, on every step, what must hold whatever the input: an epoch only
 * rises, by one per change; every change comes with a persist of exactly the new configs, and
 * nothing else does; a primary is in its in-sync set.
 */
class Harness {
  state: MembershipState;
  effects: Effect[] = [];

  constructor(groups: GroupConfig[] = initialGroups(config), now = 0) {
    this.state = createMembership(config, { groups, joins: groups.map(() => ({ epoch: 0, requestId: 0 })) }, now);
  }

  run(input: Input): Effect[] {
    const before = this.state;
    const { state, effects } = step(before, input);
    checkStep(before, state, effects);
    this.state = state;
    this.effects = effects;
    return effects;
  }

  up(node: string, figures: Partial<NodeFigures> = {}): void {
    const epoch = this.config(Number(node.slice(1, node.indexOf('r')))).epoch;
    const reply: NodeFigures = {
      state: 'up',
      epoch,
      lastLsn: 0,
      lastEpoch: 0,
      checkpointVersion: 0,
      keyCount: 0,
      memoryBytes: 0,
      role: '',
      incarnation: `${node}-1`,
      ...figures,
    };
    this.run({ kind: 'heartbeat', node, scheduled: true, ok: true, reply });
  }

  down(node: string): void {
    for (let i = 0; i < config.coordinator.heartbeatMissesMax; i++) {
      this.run({ kind: 'heartbeat', node, scheduled: true, ok: false, error: 'connection refused' });
    }
  }

  tick(now: number): Effect[] {
    return this.run({ kind: 'tick', now });
  }

  config(group: number): GroupConfig {
    const cfg = this.state.groups[group];
    assert.ok(cfg);
    return cfg;
  }

  reply(input: Input): Reply {
    const effects = this.run(input);
    const r = effects.find((e) => e.kind === 'reply');
    assert.ok(r && r.kind === 'reply', `expected a reply, got ${JSON.stringify(effects)}`);
    return r.reply;
  }

  refusal(input: Input): { code: string; message: string } {
    const effects = this.run(input);
    const r = effects.find((e) => e.kind === 'refuse');
    assert.ok(r && r.kind === 'refuse', `expected a refusal, got ${JSON.stringify(effects)}`);
    return { code: r.code, message: r.message };
  }

  lookup(row: string): string {
    const r = this.reply({ kind: 'lookup', row });
    assert.equal(r.type, 'lookup');
    return r.assigned.id;
  }
}

function checkStep(before: MembershipState, after: MembershipState, effects: Effect[]): void {
  const persists = effects.filter((e) => e.kind === 'persist');
  let changed = 0;
  after.groups.forEach((g, i) => {
    const old = before.groups[i];
    assert.ok(old);
    assert.ok(g.primary === '' || g.inSync.includes(g.primary), `group ${i}: primary outside in_sync`);
    assert.ok(g.epoch >= old.epoch, `group ${i}: epoch fell`);
    const same = g.primary === old.primary && g.primaryIncarnation === old.primaryIncarnation && g.inSync.join() === old.inSync.join();
    if (same) {
      assert.equal(g.epoch, old.epoch, `group ${i}: epoch rose without a change`);
    } else {
      changed++;
      assert.ok(g.epoch > old.epoch, `group ${i}: changed without a new epoch`);
    }
  });
  // A join request answered without a change still persists the id it answered (RAFT.md).
  const joinsChanged = after.runtime.some((r, i) => r.joinSeen.requestId !== before.runtime[i]?.joinSeen.requestId || r.joinSeen.epoch !== before.runtime[i]?.joinSeen.epoch);
  assert.equal(persists.length, changed > 0 ? changed : joinsChanged ? 1 : 0, 'one persist per change');
  const last = persists.at(-1);
  if (last?.kind === 'persist') {
    assert.deepEqual(last.record.groups, after.groups);
    assert.deepEqual(last.record.joins, after.runtime.map((r) => r.joinSeen));
  }
}

/** Group 0 with every replica up at the given lsns, after its first election. */
function groupZeroElected(lsns: [number, number, number] = [0, 0, 0]): Harness {
  const h = new Harness();
  lsns.forEach((lsn, r) => h.up(`g0r${r}`, { lastLsn: lsn, lastEpoch: lsn > 0 ? 1 : 0 }));
  h.tick(0);
  return h;
}

describe('election', () => {
  test('the initial state has no primary, and the first alive node becomes primary', () => {
    const h = new Harness();
    assert.deepEqual(h.config(0), { group: 0, epoch: 1, primary: '', inSync: ['g0r0', 'g0r1', 'g0r2'], primaryIncarnation: '' });
    assert.equal(h.tick(0).length, 0, 'no one alive, nothing happens');
    h.up('g0r1');
    const effects = h.tick(10);
    assert.deepEqual(h.config(0), { group: 0, epoch: 2, primary: 'g0r1', inSync: ['g0r0', 'g0r1', 'g0r2'], primaryIncarnation: 'g0r1-1' });
    assert.deepEqual(
      effects.map((e) => e.kind),
      ['persist', 'announce', 'log'],
    );
    assert.ok(effects.some((e) => e.kind === 'log' && e.msg === 'group 0: g0r1 became primary at epoch 2 (the group had none)'));
    h.up('g0r0');
    assert.equal(h.tick(20).length, 0, 'a second node changes nothing');
    assert.equal(h.config(1).epoch, 1, 'other groups untouched');
  });

  test('a primary that is down is replaced only after the last lease has ended, by the in-sync member with the longest log', () => {
    const h = groupZeroElected([5, 5, 5]);
    assert.equal(h.config(0).primary, 'g0r0');
    // g0r0 drops g0r2, which then gets ahead of everyone but is no longer in sync.
    h.reply({ kind: 'reportFailure', group: 0, epoch: 2, primary: 'g0r0', node: 'g0r2' });
    assert.deepEqual(h.config(0), { group: 0, epoch: 3, primary: 'g0r0', inSync: ['g0r0', 'g0r1'], primaryIncarnation: 'g0r0-1' });
    h.up('g0r1', { lastLsn: 9, lastEpoch: 3 });
    h.up('g0r2', { lastLsn: 50, lastEpoch: 3 });
    const lease = h.reply({ kind: 'renewLease', now: 1000, group: 0, epoch: 3, node: 'g0r0' });
    assert.equal(lease.type === 'lease' && lease.granted, true);

    h.down('g0r0');
    const waiting = h.tick(1100);
    assert.equal(h.config(0).primary, 'g0r0', 'no election while the lease may run');
    assert.ok(waiting.some((e) => e.kind === 'log' && e.msg.includes(`primary g0r0 down; electing another once its lease ends in ${1000 + LEASE - 1100} ms`)));
    const refused = h.reply({ kind: 'renewLease', now: 1200, group: 0, epoch: 3, node: 'g0r0' });
    assert.equal(refused.type === 'lease' && refused.granted, false, 'a primary the coordinator thinks down gets no lease');
    h.tick(1000 + LEASE);
    assert.equal(h.config(0).primary, 'g0r0', 'still within lastGrant + leaseMs');

    const effects = h.tick(1000 + LEASE + 1);
    assert.deepEqual(h.config(0), { group: 0, epoch: 4, primary: 'g0r1', inSync: ['g0r1'], primaryIncarnation: 'g0r1-1' });
    assert.ok(effects.some((e) => e.kind === 'log' && e.msg === 'group 0: g0r1 became primary at epoch 4 (g0r0 down)'));
  });

  test('among in-sync members, the highest (last epoch, last lsn) wins', () => {
    const h = groupZeroElected();
    h.up('g0r1', { lastLsn: 40, lastEpoch: 2 });
    h.up('g0r2', { lastLsn: 12, lastEpoch: 3 });
    h.down('g0r0');
    h.tick(LEASE + 1);
    assert.equal(h.config(0).primary, 'g0r2', 'a later epoch beats a longer log');

    const h2 = groupZeroElected();
    h2.up('g0r1', { lastLsn: 40, lastEpoch: 2 });
    h2.up('g0r2', { lastLsn: 39, lastEpoch: 2 });
    h2.down('g0r0');
    h2.tick(LEASE + 1);
    assert.equal(h2.config(0).primary, 'g0r1');
    assert.deepEqual(h2.config(0).inSync, ['g0r1', 'g0r2']);
  });

  test('a restarted coordinator waits a full lease from its start before replacing a primary', () => {
    const persisted = initialGroups(config);
    persisted[0] = { group: 0, epoch: 7, primary: 'g0r0', inSync: ['g0r0', 'g0r1'], primaryIncarnation: 'g0r0-1' };
    const h = new Harness(persisted, 50_000);
    h.up('g0r1');
    h.down('g0r0');
    h.tick(50_000 + LEASE);
    assert.equal(h.config(0).primary, 'g0r0');
    h.tick(50_000 + LEASE + 1);
    assert.deepEqual(h.config(0), { group: 0, epoch: 8, primary: 'g0r1', inSync: ['g0r1'], primaryIncarnation: 'g0r1-1' });
  });

  test('a node knowing a newer epoch than the coordinator (a lost file) pushes the next epoch past it', () => {
    const h = new Harness();
    h.up('g0r0', { epoch: 9 });
    assert.ok(h.effects.some((e) => e.kind === 'log' && e.level === 'warn' && /knows epoch 9/.test(e.msg)));
    h.tick(0);
    assert.equal(h.config(0).epoch, 10);
  });
});

describe('a primary that restarts', () => {
  test('is not primary as its new incarnation until elected again at a new epoch', () => {
    const h = groupZeroElected([5, 5, 5]);
    assert.equal(h.config(0).primaryIncarnation, 'g0r0-1');
    h.up('g0r0', { incarnation: 'g0r0-2', lastLsn: 4, lastEpoch: 2 });
    h.tick(100);
    assert.equal(h.config(0).primary, 'g0r0', 'no election within the last lease');
    h.tick(100 + LEASE + 1);
    const c = h.config(0);
    assert.equal(c.epoch, 3);
    assert.ok(c.primary !== 'g0r0', 'another in-sync member takes over');
  });

  test('leads again, at a new epoch, when no other in-sync member is alive', () => {
    const h = groupZeroElected([5, 5, 5]);
    h.down('g0r1');
    h.down('g0r2');
    h.tick(100);
    assert.deepEqual(h.config(0).inSync, ['g0r0']);
    h.up('g0r0', { incarnation: 'g0r0-2' });
    h.tick(100 + LEASE + 1);
    assert.deepEqual(h.config(0), { group: 0, epoch: 4, primary: 'g0r0', inSync: ['g0r0'], primaryIncarnation: 'g0r0-2' });
  });
});

describe('when every in-sync member is down', () => {
  test('the group has no primary, a returning out-of-sync node is not made primary, a returning in-sync one is', () => {
    const h = groupZeroElected();
    h.reply({ kind: 'reportFailure', group: 0, epoch: 2, primary: 'g0r0', node: 'g0r2' });
    h.up('g0r2', { lastLsn: 100, lastEpoch: 3 });
    h.down('g0r0');
    h.down('g0r1');
    const effects = h.tick(LEASE + 1);
    assert.deepEqual(h.config(0), { group: 0, epoch: 4, primary: '', inSync: ['g0r0', 'g0r1'], primaryIncarnation: '' });
    assert.ok(effects.some((e) => e.kind === 'log' && e.level === 'warn' && /no primary at epoch 4/.test(e.msg)));

    for (let t = 2; t < 10; t++) h.tick(t * LEASE);
    assert.equal(h.config(0).primary, '', 'g0r2 is alive but never becomes primary');
    assert.equal(h.config(0).epoch, 4, 'and nothing else changes meanwhile');

    h.up('g0r1', { lastLsn: 3, lastEpoch: 2 });
    h.tick(20 * LEASE);
    assert.deepEqual(h.config(0), { group: 0, epoch: 5, primary: 'g0r1', inSync: ['g0r1'], primaryIncarnation: 'g0r1-1' });
  });

  test('members that are down stay in in_sync while there is no primary', () => {
    const h = groupZeroElected();
    h.down('g0r0');
    h.down('g0r1');
    h.down('g0r2');
    h.tick(LEASE + 1);
    assert.deepEqual(h.config(0).inSync, ['g0r0', 'g0r1', 'g0r2']);
    h.tick(10 * LEASE);
    assert.deepEqual(h.config(0), { group: 0, epoch: 3, primary: '', inSync: ['g0r0', 'g0r1', 'g0r2'], primaryIncarnation: '' });
    h.up('g0r0');
    h.tick(11 * LEASE);
    assert.deepEqual(h.config(0), { group: 0, epoch: 4, primary: 'g0r0', inSync: ['g0r0'], primaryIncarnation: 'g0r0-1' });
  });
});

describe('forcing a primary (the admin\'s last resort)', () => {
  /** g0r2 fell out of sync at lsn 100; g0r0 and g0r1 went on to lsn 250 and were then lost. */
  function allInSyncLost(): Harness {
    const h = groupZeroElected();
    h.reply({ kind: 'reportFailure', group: 0, epoch: 2, primary: 'g0r0', node: 'g0r2' });
    h.up('g0r0', { lastLsn: 250, lastEpoch: 3 });
    h.up('g0r1', { lastLsn: 250, lastEpoch: 3 });
    h.up('g0r2', { lastLsn: 100, lastEpoch: 2 });
    h.down('g0r0');
    h.down('g0r1');
    h.tick(LEASE + 1);
    assert.equal(h.config(0).primary, '');
    return h;
  }

  test('makes a live out-of-sync node the only in-sync member and primary, and says what is lost', () => {
    const h = allInSyncLost();
    const r = h.reply({ kind: 'forcePrimary', node: 'g0r2', now: 2 * LEASE });
    assert.equal(r.type, 'forced');
    assert.deepEqual(h.config(0), { group: 0, epoch: 5, primary: 'g0r2', inSync: ['g0r2'], primaryIncarnation: 'g0r2-1' });
    assert.deepEqual(r.type === 'forced' && { lastLsn: r.lastLsn, replaced: r.replaced }, {
      lastLsn: 100,
      replaced: [
        { node: 'g0r0', lastLsn: 250 },
        { node: 'g0r1', lastLsn: 250 },
      ],
    });
    assert.ok(h.effects.some((e) => e.kind === 'log' && e.level === 'warn' && /g0r2 FORCED primary at epoch 5 with its log to lsn 100/.test(e.msg)));
    // A lost member that returns is a backup behind the new primary, not a rival.
    h.up('g0r0', { lastLsn: 250, lastEpoch: 3 });
    h.tick(3 * LEASE);
    assert.equal(h.config(0).primary, 'g0r2');
  });

  test('is refused while an in-sync member may still serve, for a node that is not up, and for an unknown node', () => {
    const live = groupZeroElected();
    live.reply({ kind: 'reportFailure', group: 0, epoch: 2, primary: 'g0r0', node: 'g0r2' });
    const refused = live.refusal({ kind: 'forcePrimary', node: 'g0r2', now: LEASE });
    assert.equal(refused.code, 'failed_precondition');
    assert.match(refused.message, /still has in-sync replicas that are not down: g0r0 \(live\), g0r1 \(live\)/);

    const h = allInSyncLost();
    h.down('g0r2');
    assert.equal(h.refusal({ kind: 'forcePrimary', node: 'g0r2', now: 2 * LEASE }).code, 'unavailable');
    assert.equal(h.refusal({ kind: 'forcePrimary', node: 'g9r9', now: 2 * LEASE }).code, 'invalid_argument');
    assert.equal(h.config(0).epoch, 4, 'nothing changed');
  });

  test('waits out the lease of a primary that is down but may still hold one', () => {
    const h = groupZeroElected();
    h.reply({ kind: 'reportFailure', group: 0, epoch: 2, primary: 'g0r0', node: 'g0r1' });
    h.reply({ kind: 'reportFailure', group: 0, epoch: 3, primary: 'g0r0', node: 'g0r2' });
    h.up('g0r2');
    h.reply({ kind: 'renewLease', now: 1000, group: 0, epoch: 4, node: 'g0r0' });
    h.down('g0r0');
    const early = h.refusal({ kind: 'forcePrimary', node: 'g0r2', now: 1000 + LEASE / 2 });
    assert.equal(early.code, 'unavailable');
    assert.match(early.message, /g0r0's lease may run for \d+ ms more/);
    assert.equal(h.reply({ kind: 'forcePrimary', node: 'g0r2', now: 1000 + LEASE }).type, 'forced');
    assert.equal(h.config(0).primary, 'g0r2');
  });
});

describe('backups', () => {
  test('an in-sync backup that misses heartbeatMissesMax heartbeats leaves in_sync', () => {
    const h = groupZeroElected();
    h.run({ kind: 'heartbeat', node: 'g0r2', scheduled: true, ok: false, error: 'deadline' });
    h.run({ kind: 'heartbeat', node: 'g0r2', scheduled: true, ok: false, error: 'deadline' });
    h.tick(100);
    assert.equal(h.config(0).inSync.length, 3, 'two misses are not enough');
    h.run({ kind: 'heartbeat', node: 'g0r2', scheduled: true, ok: false, error: 'deadline' });
    const effects = h.tick(200);
    assert.deepEqual(h.config(0), { group: 0, epoch: 3, primary: 'g0r0', inSync: ['g0r0', 'g0r1'], primaryIncarnation: 'g0r0-1' });
    assert.ok(effects.some((e) => e.kind === 'log' && e.msg === 'group 0: g0r2 left in_sync at epoch 3 (down)'));
  });

  test('failed extra (announce) heartbeats are not misses', () => {
    const h = groupZeroElected();
    for (let i = 0; i < 10; i++) h.run({ kind: 'heartbeat', node: 'g0r2', scheduled: false, ok: false, error: 'x' });
    h.tick(100);
    assert.equal(h.config(0).inSync.length, 3);
  });

  test('a halted backup leaves in_sync at once, and its status says halted', () => {
    const h = groupZeroElected();
    h.up('g0r1', { state: 'halted' });
    h.tick(100);
    assert.deepEqual(h.config(0).inSync, ['g0r0', 'g0r2']);
    const g0r1 = clusterStatus(h.state).nodes.find((n) => n.id === 'g0r1');
    assert.equal(g0r1?.state, 'halted');
    assert.equal(g0r1?.role, 'out-of-sync');
  });
});

describe('reportFailure and requestJoin', () => {
  test('are taken only from the current primary at the current epoch', () => {
    const h = groupZeroElected();
    const base = { group: 0, epoch: 2, primary: 'g0r0', node: 'g0r2' };
    assert.equal(h.refusal({ kind: 'reportFailure', ...base, epoch: 1 }).code, 'failed_precondition');
    assert.match(h.refusal({ kind: 'reportFailure', ...base, epoch: 3 }).message, /epoch 3 is not group 0's current epoch 2/);
    assert.match(h.refusal({ kind: 'reportFailure', ...base, primary: 'g0r1' }).message, /"g0r1" is not the primary of group 0 at epoch 2/);
    assert.equal(h.refusal({ kind: 'requestJoin', ...base, primary: 'g0r1', lsn: 0, requestId: 1 }).code, 'failed_precondition');
    assert.equal(h.refusal({ kind: 'reportFailure', ...base, group: 7 }).code, 'invalid_argument');
    assert.equal(h.refusal({ kind: 'reportFailure', ...base, node: 'g1r0' }).code, 'invalid_argument');
    assert.equal(h.refusal({ kind: 'reportFailure', ...base, node: 'g0r0' }).code, 'invalid_argument');
    assert.equal(h.config(0).epoch, 2, 'no refused request changed anything');

    const removed = h.reply({ kind: 'reportFailure', ...base });
    assert.deepEqual(removed, { type: 'config', config: { group: 0, epoch: 3, primary: 'g0r0', inSync: ['g0r0', 'g0r1'], primaryIncarnation: 'g0r0-1' } });
    const again = h.reply({ kind: 'reportFailure', ...base, epoch: 3 });
    assert.equal(again.type === 'config' && again.config.epoch, 3, 'reporting a node already out changes nothing');
    assert.equal(h.refusal({ kind: 'requestJoin', ...base, lsn: 10, requestId: 2 }).code, 'failed_precondition', 'epoch 2 is old now');

    const joined = h.reply({ kind: 'requestJoin', ...base, epoch: 3, lsn: 10, requestId: 3 });
    assert.deepEqual(joined, { type: 'config', config: { group: 0, epoch: 4, primary: 'g0r0', inSync: ['g0r0', 'g0r1', 'g0r2'], primaryIncarnation: 'g0r0-1' } });
    const twice = h.reply({ kind: 'requestJoin', ...base, epoch: 4, lsn: 10, requestId: 1 });
    assert.equal(twice.type === 'config' && twice.config.epoch, 4, 'joining a member changes nothing');
  });

  test('a join attempt no newer than one already answered in its epoch is refused as stale', () => {
    const h = groupZeroElected();
    h.reply({ kind: 'reportFailure', group: 0, epoch: 2, primary: 'g0r0', node: 'g0r2' });
    const join = { kind: 'requestJoin', group: 0, epoch: 3, primary: 'g0r0', node: 'g0r2', lsn: 5 } as const;
    h.up('g0r2');
    // Attempt 2 was answered (here: refused because g0r2 looked down a moment before)…
    h.down('g0r2');
    assert.match(h.refusal({ ...join, requestId: 2 }).message, /g0r2 is down/);
    h.up('g0r2');
    // …so attempt 1, arriving late, must not apply now.
    assert.match(h.refusal({ ...join, requestId: 1 }).message, /stale join request 1 of epoch 3/);
    assert.equal(h.config(0).epoch, 3);
    const joined = h.reply({ ...join, requestId: 3 });
    assert.equal(joined.type === 'config' && joined.config.inSync.includes('g0r2'), true);
  });

  test('a group without a primary takes neither', () => {
    const h = new Harness();
    assert.equal(h.refusal({ kind: 'reportFailure', group: 0, epoch: 1, primary: '', node: 'g0r1' }).code, 'failed_precondition');
  });

  test('a node the coordinator finds down cannot join', () => {
    const h = groupZeroElected();
    h.reply({ kind: 'reportFailure', group: 0, epoch: 2, primary: 'g0r0', node: 'g0r2' });
    h.down('g0r2');
    assert.match(h.refusal({ kind: 'requestJoin', group: 0, epoch: 3, primary: 'g0r0', node: 'g0r2', lsn: 0, requestId: 1 }).message, /g0r2 is down/);
  });
});

describe('leases', () => {
  test('are granted only to the current primary, at the current epoch, while it is live', () => {
    const h = groupZeroElected();
    const ask = (node: string, epoch: number, group = 0) => {
      const r = h.reply({ kind: 'renewLease', now: 10, group, epoch, node });
      assert.equal(r.type, 'lease');
      return r.type === 'lease' && r.granted;
    };
    assert.equal(ask('g0r0', 2), true);
    assert.equal(ask('g0r1', 2), false, 'a backup');
    assert.equal(ask('g0r0', 1), false, 'an old epoch');
    assert.equal(ask('', 1, 1), false, 'a group without primary');
    const r = h.reply({ kind: 'renewLease', now: 10, group: 0, epoch: 1, node: 'g0r0' });
    assert.deepEqual(r.type === 'lease' && r.config, h.config(0), 'a refusal carries the current config');
    h.up('g0r0', { state: 'halted' });
    assert.equal(ask('g0r0', 2), false, 'a halted primary');
    assert.equal(h.refusal({ kind: 'renewLease', now: 10, group: -1, epoch: 2, node: 'g0r0' }).code, 'invalid_argument');
  });

  test('a grant moves the moment after which the primary may be replaced', () => {
    const h = groupZeroElected();
    h.reply({ kind: 'renewLease', now: 5000, group: 0, epoch: 2, node: 'g0r0' });
    h.down('g0r0');
    h.tick(5000 + LEASE);
    assert.equal(h.config(0).primary, 'g0r0');
    h.tick(5000 + LEASE + 1);
    assert.equal(h.config(0).primary, 'g0r1');
  });
});

describe('lookup', () => {
  test('round-robins over live in-sync members, then over live members; UNAVAILABLE when none', () => {
    const h = new Harness();
    const none = h.refusal({ kind: 'lookup', row: 'alice#account' });
    assert.deepEqual(none, { code: 'unavailable', message: 'group 0 has no live member' });
    h.up('g0r0');
    h.up('g0r1');
    h.up('g0r2');
    h.tick(0);
    assert.deepEqual([1, 2, 3, 4, 5, 6].map(() => h.lookup('alice#files')), ['g0r0', 'g0r1', 'g0r2', 'g0r0', 'g0r1', 'g0r2']);
    const r = h.reply({ kind: 'lookup', row: 'Bob#mail' });
    assert.deepEqual(r, {
      type: 'lookup',
      group: 0,
      assigned: { id: 'g0r0', address: '127.0.0.1:7001' },
      primary: { id: 'g0r0', address: '127.0.0.1:7001' },
      epoch: 2,
    });

    h.down('g0r2');
    h.tick(10);
    h.up('g0r2');
    const picks = new Set([1, 2, 3, 4].map(() => h.lookup('alice')));
    assert.deepEqual([...picks].sort(), ['g0r0', 'g0r1'], 'an out-of-sync node is not assigned while in-sync ones live');

    h.down('g0r0');
    h.down('g0r1');
    assert.equal(h.lookup('alice'), 'g0r2', 'with no in-sync member live, any live member');
  });

  test('routes rows by their first character and refuses bad rows', () => {
    const h = new Harness();
    for (const id of ['g0r0', 'g1r0', 'g2r0']) h.up(id);
    const group = (row: string) => {
      const r = h.reply({ kind: 'lookup', row });
      return r.type === 'lookup' ? r.group : -1;
    };
    assert.deepEqual(['alice', 'Ivy', 'jay', 'Rose', 'sam', 'zoe', '9lives', '~x'].map(group), [0, 0, 1, 1, 2, 2, 0, 2]);
    assert.equal(h.refusal({ kind: 'lookup', row: '' }).code, 'invalid_argument');
    assert.match(h.refusal({ kind: 'lookup', row: 'a'.repeat(1025) }).message, /row is 1025 bytes; the limit is 1024/);
    const kate = h.reply({ kind: 'lookup', row: 'kate' });
    assert.deepEqual(kate.type === 'lookup' && kate.primary, { id: '', address: '' }, 'no primary yet');
  });
});

describe('heartbeats and status', () => {
  test('a node gets the config until its reply shows the current epoch', () => {
    const h = groupZeroElected();
    assert.deepEqual(heartbeatConfig(h.state, 'g0r1'), h.config(0), 'it replied with epoch 1');
    h.up('g0r1');
    assert.equal(heartbeatConfig(h.state, 'g0r1'), null);
    assert.deepEqual(heartbeatConfig(h.state, 'g1r0'), h.config(1), 'a node never heard from gets it');
  });

  test('ClusterStatus shows every node with its state and role, and every group', () => {
    const h = groupZeroElected([7, 0, 0]);
    h.reply({ kind: 'reportFailure', group: 0, epoch: 2, primary: 'g0r0', node: 'g0r2' });
    h.up('g0r1', { lastLsn: 7, keyCount: 3, memoryBytes: 1024, checkpointVersion: 2 });
    const status = clusterStatus(h.state);
    assert.equal(status.nodes.length, 9);
    assert.equal(status.groups.length, 3);
    const byId = new Map(status.nodes.map((n) => [n.id, n]));
    assert.deepEqual(byId.get('g0r1'), {
      id: 'g0r1',
      group: 0,
      address: '127.0.0.1:7002',
      state: 'up',
      role: 'backup',
      epoch: 3,
      logPosition: 7,
      checkpointVersion: 2,
      keyCount: 3,
      memoryBytes: 1024,
      inSync: true,
    });
    assert.equal(byId.get('g0r0')?.role, 'primary');
    assert.equal(byId.get('g0r2')?.role, 'out-of-sync');
    assert.deepEqual([byId.get('g1r0')?.state, byId.get('g1r0')?.role], ['down', 'backup']);
  });
});

describe('under any sequence of events', () => {
  const nodes = ['g0r0', 'g0r1', 'g0r2'];
  const event = fc.oneof(
    fc.record({ t: fc.constant('up'), node: fc.constantFrom(...nodes), lsn: fc.nat(20), state: fc.constantFrom('up', 'up', 'up', 'halted') }),
    fc.record({ t: fc.constant('miss'), node: fc.constantFrom(...nodes), scheduled: fc.boolean(), times: fc.integer({ min: 1, max: 3 }) }),
    fc.record({ t: fc.constant('tick'), dt: fc.nat(2000) }),
    fc.record({ t: fc.constant('renew'), node: fc.constantFrom(...nodes), stale: fc.boolean() }),
    fc.record({ t: fc.constant('report'), node: fc.constantFrom(...nodes) }),
    fc.record({ t: fc.constant('join'), node: fc.constantFrom(...nodes) }),
    fc.record({ t: fc.constant('force'), node: fc.constantFrom(...nodes) }),
  );
  const down = (h: Harness, id: string) => {
    const health = h.state.health[id]!;
    return health.reach === 'down' || (health.reach === 'alive' && health.last?.state !== 'up');
  };

  test('epochs rise on every change, one primary per epoch, only in-sync members (or forced over lost ones) and only after the lease', () => {
    fc.assert(
      fc.property(fc.array(event, { minLength: 20, maxLength: 150, size: 'max' }), (events) => {
        const h = new Harness();
        let now = 0;
        const primaryOf = new Map<number, string>();
        const epochsSeen = new Set<number>([1]);
        let joinIds = 0;
        for (const e of events) {
          const before = h.config(0);
          const lastGrant = h.state.runtime[0]?.lastGrant ?? 0;
          const lostBefore = before.inSync.every((id) => down(h, id));
          if (e.t === 'up') h.up(e.node, { lastLsn: e.lsn, lastEpoch: 1, state: e.state });
          else if (e.t === 'miss') {
            for (let i = 0; i < e.times; i++) h.run({ kind: 'heartbeat', node: e.node, scheduled: e.scheduled, ok: false, error: 'x' });
          }
          else if (e.t === 'tick') h.tick((now += e.dt));
          else if (e.t === 'renew') h.run({ kind: 'renewLease', now, group: 0, epoch: before.epoch - (e.stale ? 1 : 0), node: e.node });
          else if (e.t === 'report') h.run({ kind: 'reportFailure', group: 0, epoch: before.epoch, primary: before.primary, node: e.node });
          else if (e.t === 'join') h.run({ kind: 'requestJoin', group: 0, epoch: before.epoch, primary: before.primary, node: e.node, lsn: 0, requestId: ++joinIds });
          else h.run({ kind: 'forcePrimary', node: e.node, now });
          const after = h.config(0);
          if (after.epoch !== before.epoch) {
            assert.ok(!epochsSeen.has(after.epoch), 'an epoch is never reused');
            epochsSeen.add(after.epoch);
          }
          const known = primaryOf.get(after.epoch);
          assert.ok(known === undefined || known === after.primary, 'one primary per epoch');
          primaryOf.set(after.epoch, after.primary);
          if (after.primary !== '' && after.primary !== before.primary) {
            if (e.t === 'force') assert.ok(lostBefore, 'a forced primary replaces only in-sync members that are all down');
            else assert.ok(before.inSync.includes(after.primary), 'a new primary comes from the in-sync set');
            if (before.primary !== '') assert.ok(now > lastGrant + LEASE, 'and only after the old lease ended');
          }
          if (after.inSync.length === 0) assert.fail('in_sync never empties');
        }
      }),
      { numRuns: 300 },
    );
  });
});
