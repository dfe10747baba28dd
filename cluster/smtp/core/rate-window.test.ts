import assert from 'node:assert/strict';
import { test } from 'node:test';
import { RateWindow } from './rate-window.ts';

test('a key is allowed up to its limit within the window, and again once the window has passed', () => {
  const w = new RateWindow(3, 60_000);
  for (let i = 0; i < 3; i++) {
    assert.ok(w.allows('a', 1000));
    w.record('a', 1000);
  }
  assert.equal(w.allows('a', 2000), false);
  assert.ok(w.allows('b', 2000), 'other keys are counted apart');
  assert.equal(w.count('a', 30_000), 3);
  assert.ok(w.allows('a', 62_000), 'the window slid past the events');
  assert.equal(w.size, 0, 'keys with nothing left are forgotten');
});

test('memory stays bounded: at most keysMax keys, the least recently touched dropped first', () => {
  const w = new RateWindow(10, 60_000, 12, 100);
  for (let i = 0; i < 1000; i++) w.record(`k${i}`, 5);
  assert.equal(w.size, 100);
  assert.equal(w.count('k999', 5), 1);
  assert.equal(w.count('k0', 5), 0);
});
