import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isPennError } from '../../common/errors.ts';
import { checkBatch, operationBytes } from './batch.ts';

test('an operation counts the UTF-8 bytes of its names and every value it carries', () => {
  assert.equal(operationBytes('row', 'col'), 6);
  assert.equal(operationBytes('é', 'c', Buffer.alloc(10), Buffer.alloc(5)), 2 + 1 + 15);
});

test('a batch over either limit is refused naming the limit; one at the limits passes', () => {
  const limits = { opsMax: 4, bytesMax: 100 };
  checkBatch(4, 100, limits);
  assert.throws(() => checkBatch(5, 10, limits), (err) => isPennError(err, 'invalid_argument') && /at most 4 operations.*holds 5/.test(err.message));
  assert.throws(() => checkBatch(1, 101, limits), (err) => isPennError(err, 'invalid_argument') && /at most 100 bytes.*holds 101/.test(err.message));
});
