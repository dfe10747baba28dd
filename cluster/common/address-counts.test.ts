import assert from 'node:assert/strict';
import { test } from 'node:test';
import { AddressCounts } from './address-counts.ts';

test('counts per address and in all, each up to its cap', () => {
  const counts = new AddressCounts(3, 2);
  assert.equal(counts.open('a'), undefined);
  assert.equal(counts.open('a'), undefined);
  assert.equal(counts.open('a'), 'address');
  assert.equal(counts.open(undefined), undefined);
  assert.equal(counts.open('b'), 'total');
  counts.close('a');
  assert.equal(counts.open('b'), undefined);
  assert.deepEqual([counts.total, counts.of('a'), counts.of('b')], [3, 1, 1]);
  counts.close('a');
  assert.equal(counts.of('a'), 0);
  counts.close('nobody');
  assert.equal(counts.total, 2, 'an address with nothing open gives nothing back');
});
