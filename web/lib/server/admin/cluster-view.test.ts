import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseConfig } from '../../../../cluster/common/config.ts';
import type { ClusterStatus, NodeStatus } from '../../../../cluster/coordinator/client.ts';
import type { NodeStatusReply } from '../../../../cluster/kvs/client.ts';
import { displayState, frontendsView, groupsFromCoordinator, groupsFromNodes, rowRange } from './cluster-view.ts';

const config = parseConfig({ web: { frontends: 3, basePort: 9001, frontend: 2 } });

function node(id: string, fields: Partial<NodeStatus> = {}): NodeStatus {
  return {
    id,
    group: Number(id[1]),
    address: `127.0.0.1:${7000 + Number(id[1]) * 3 + Number(id[3]) + 1}`,
    state: 'up',
    role: 'backup',
    epoch: 4,
    logPosition: 10,
    checkpointVersion: 1,
    keyCount: 5,
    memoryBytes: 100,
    inSync: true,
    ...fields,
  };
}

test('a node up but outside the in-sync set is recovering; the rest says what the coordinator says', () => {
  assert.equal(displayState('up', true), 'up');
  assert.equal(displayState('up', false), 'recovering');
  assert.equal(displayState('recovering', false), 'recovering');
  assert.equal(displayState('halted', false), 'halted');
  assert.equal(displayState('down', true), 'down');
  assert.equal(displayState('exploded', true), 'unknown');
});

test('groups from the coordinator: sorted, with their rows, epoch, primary and nodes', () => {
  const status: ClusterStatus = {
    coordinators: [],
    groups: [
      { group: 1, epoch: 9, primary: '', inSync: ['g1r2', 'g1r0'], primaryIncarnation: '' },
      { group: 0, epoch: 4, primary: 'g0r1', inSync: ['g0r1', 'g0r0'], primaryIncarnation: 'x' },
    ],
    nodes: [
      node('g0r2', { state: 'up', role: 'out-of-sync', inSync: false }),
      node('g0r1', { role: 'primary' }),
      node('g0r0'),
      node('g1r0', { state: 'halted', role: 'none', inSync: true }),
    ],
  };
  const groups = groupsFromCoordinator(config, status);
  assert.deepEqual(
    groups.map((g) => [g.group, g.epoch, g.primary, g.inSync]),
    [
      [0, 4, 'g0r1', ['g0r0', 'g0r1']],
      [1, 9, null, ['g1r0', 'g1r2']],
    ],
  );
  assert.deepEqual(groups[0]!.rows, { from: null, before: 'j' });
  assert.deepEqual(
    groups[0]!.nodes.map((n) => [n.id, n.state, n.role]),
    [
      ['g0r0', 'up', 'backup'],
      ['g0r1', 'up', 'primary'],
      ['g0r2', 'recovering', 'out-of-sync'],
    ],
  );
  assert.equal(groups[1]!.nodes[0]!.state, 'halted');
  assert.deepEqual(rowRange(config, 2), { from: 's', before: null });
});

test('without the coordinator, each node speaks for itself and a silent one is down', () => {
  const refs = [
    { id: 'g0r0', group: 0, address: 'a:1' },
    { id: 'g0r1', group: 0, address: 'a:2' },
    { id: 'g0r2', group: 0, address: 'a:3' },
  ];
  const reply = (fields: Partial<NodeStatusReply>): NodeStatusReply => ({
    node_id: '',
    group: 0,
    state: 'up',
    role: 'backup',
    epoch: 3,
    log_position: 7,
    checkpoint_version: 0,
    key_count: 2,
    memory_bytes: 50,
    rss_bytes: 0,
    log_fsyncs: 0,
    log_entries_synced: 0,
    ...fields,
  });
  const [group] = groupsFromNodes(config, refs, [reply({ role: 'primary', epoch: 4 }), reply({ state: 'halted', role: 'none' }), new Error('unreachable')]);
  assert.equal(group!.primary, 'g0r0');
  assert.equal(group!.epoch, 4);
  assert.deepEqual(group!.inSync, ['g0r0']);
  assert.deepEqual(
    group!.nodes.map((n) => n.state),
    ['up', 'halted', 'down'],
  );
});

test('every configured frontend is listed; unknown without the balancer', () => {
  const lb = {
    nowMs: 10_000,
    heartbeatTimeoutMs: 3000,
    frontends: [
      { frontend: 1, address: '127.0.0.1:9001', alive: true, lastHeartbeatAtMs: 9_500, startedAtMs: 1, rssBytes: 90, redirects: 4 },
      { frontend: 3, address: '127.0.0.1:9003', alive: false, lastHeartbeatAtMs: 2_000, startedAtMs: 1, rssBytes: 80, redirects: 0 },
    ],
  };
  assert.deepEqual(
    frontendsView(config, lb).map((f) => [f.frontend, f.state, f.lastHeartbeatAgoMs, f.self]),
    [
      [1, 'up', 500, false],
      [2, 'down', null, true],
      [3, 'down', 8000, false],
    ],
  );
  assert.deepEqual(
    frontendsView(config, undefined).map((f) => [f.address, f.state]),
    [
      ['127.0.0.1:9001', 'unknown'],
      ['127.0.0.1:9002', 'unknown'],
      ['127.0.0.1:9003', 'unknown'],
    ],
  );
});
