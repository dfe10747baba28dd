import assert from 'node:assert/strict';
import { test } from 'node:test';
import { FrontendTable, type Heartbeat } from './frontend-table.ts';

const beat = (frontend: number, extra: Partial<Heartbeat> = {}): Heartbeat => ({
  frontend,
  address: `127.0.0.1:${8080 + frontend}`,
  publicHost: '',
  startedAtMs: 1,
  rssBytes: 1,
  leaving: false,
  ...extra,
});

function table(n = 3, timeoutMs = 3000): FrontendTable {
  return new FrontendTable(
    Array.from({ length: n }, (_, i) => `127.0.0.1:${8081 + i}`),
    timeoutMs,
  );
}

test('no frontend is alive before its first heartbeat', () => {
  const t = table();
  assert.equal(t.pick(1000), undefined);
  assert.deepEqual(
    t.view(1000).map((f) => f.alive),
    [false, false, false],
  );
});

test('round-robin over the alive frontends in order', () => {
  const t = table();
  for (const n of [1, 2, 3]) t.heartbeat(beat(n), 1000);
  const picks = Array.from({ length: 6 }, () => t.pick(1500)?.frontend);
  assert.deepEqual(picks, [1, 2, 3, 1, 2, 3]);
  assert.deepEqual(
    t.view(1500).map((f) => f.redirects),
    [2, 2, 2],
  );
});

test('a frontend whose heartbeat is older than the timeout is skipped, and returns with its next one', () => {
  const t = table(3, 3000);
  for (const n of [1, 2, 3]) t.heartbeat(beat(n), 1000);
  t.heartbeat(beat(1), 3500);
  t.heartbeat(beat(3), 3500);
  // Frontend 2 last beat at 1000: alive up to 4000 inclusive, skipped after.
  assert.equal(t.view(4000)[1]!.alive, true);
  const picks = Array.from({ length: 4 }, () => t.pick(4001)?.frontend);
  assert.deepEqual(picks, [1, 3, 1, 3]);
  t.heartbeat(beat(2), 4100);
  assert.deepEqual(
    Array.from({ length: 3 }, () => t.pick(4200)?.frontend),
    [1, 2, 3],
  );
});

test('a frontend that says it is leaving is skipped at once', () => {
  const t = table(2);
  t.heartbeat(beat(1), 1000);
  t.heartbeat(beat(2), 1000);
  t.heartbeat(beat(2, { leaving: true }), 1100);
  assert.deepEqual(
    Array.from({ length: 3 }, () => t.pick(1200)?.frontend),
    [1, 1, 1],
  );
});

test('with none alive, pick answers undefined', () => {
  const t = table(2, 100);
  t.heartbeat(beat(1), 0 + 1);
  assert.equal(t.pick(1000), undefined);
});

test('frontend numbers outside 1…n are refused', () => {
  const t = table(2);
  assert.equal(t.heartbeat(beat(0), 1), false);
  assert.equal(t.heartbeat(beat(3), 1), false);
  assert.equal(t.heartbeat(beat(2, { address: '10.0.0.2:9000' }), 1), true);
  assert.equal(t.view(1)[1]!.address, '10.0.0.2:9000');
});
