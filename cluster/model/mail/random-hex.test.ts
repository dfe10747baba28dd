import assert from 'node:assert/strict';
import { test } from 'node:test';
import { randomHex } from './random-hex.ts';

test('randomHex: the asked length in hex, across pool refills, with no repeats', () => {
  const seen = new Set<string>();
  // 20,000 × 8 bytes: the 4 KiB pool is refilled ~40 times.
  for (let i = 0; i < 20_000; i++) {
    const hex = randomHex(8);
    assert.match(hex, /^[0-9a-f]{16}$/);
    seen.add(hex);
  }
  assert.equal(seen.size, 20_000);
  assert.match(randomHex(6), /^[0-9a-f]{12}$/);
  assert.throws(() => randomHex(0));
  assert.throws(() => randomHex(65));
});
