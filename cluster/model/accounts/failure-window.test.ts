import assert from 'node:assert/strict';
import { test } from 'node:test';
import { FailureWindow, recentFailures, retryAfterMs, withFailure } from './failure-window.ts';

test('blocks after `limit` failures until the oldest leaves the window', () => {
  const w = new FailureWindow(3, 1000);
  assert.equal(w.retryAfterMs('alice', 0), 0);
  w.recordFailure('alice', 0);
  w.recordFailure('alice', 100);
  assert.equal(w.retryAfterMs('alice', 200), 0);
  w.recordFailure('alice', 200);
  assert.equal(w.retryAfterMs('alice', 300), 700);
  assert.equal(w.retryAfterMs('alice', 999), 1);
  assert.equal(w.retryAfterMs('alice', 1000), 0);
  assert.equal(w.retryAfterMs('bob', 300), 0);
});

test('failures while blocked keep it blocked, but memory per key stays at `limit`', () => {
  const w = new FailureWindow(2, 1000);
  for (let t = 0; t < 5000; t += 100) w.recordFailure('x', t);
  assert.equal(w.retryAfterMs('x', 5000), 800);
  assert.equal(w.retryAfterMs('x', 5800), 0);
});

test('keys are bounded, the least recently touched dropped first', () => {
  const w = new FailureWindow(1, 10_000, 3);
  for (const k of ['a', 'b', 'c']) w.recordFailure(k, 0);
  w.recordFailure('a', 1);
  w.recordFailure('d', 2);
  assert.equal(w.size, 3);
  assert.equal(w.retryAfterMs('b', 3), 0);
  assert.ok(w.retryAfterMs('a', 3) > 0);
  assert.ok(w.retryAfterMs('d', 3) > 0);
});

test('expired keys are forgotten', () => {
  const w = new FailureWindow(2, 100);
  w.recordFailure('k', 0);
  assert.equal(w.size, 1);
  assert.equal(w.retryAfterMs('k', 500), 0);
  assert.equal(w.size, 0);
});

test('the pure functions on one key agree with the window', () => {
  let times: number[] = [];
  for (const t of [0, 100, 200]) times = withFailure(times, 3, 1000, t);
  assert.deepEqual(times, [0, 100, 200]);
  assert.equal(retryAfterMs(times, 3, 1000, 300), 700);
  times = withFailure(times, 3, 1000, 1050); // 0 has aged out
  assert.deepEqual(times, [100, 200, 1050]);
  assert.equal(retryAfterMs(times, 3, 1000, 1099), 1);
  assert.equal(retryAfterMs(times, 3, 1000, 1100), 0);
  assert.deepEqual(recentFailures(times, 1000, 1150), [200, 1050]);
  assert.equal(retryAfterMs([], 1, 1000, 0), 0);
});
