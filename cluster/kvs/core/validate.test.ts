// A ListColumns page's fields as a caller sends them: defaults, the server's maximum, and
// INVALID_ARGUMENT naming the field for anything a column could not be.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isPennError } from '../../common/errors.ts';
import { checkColumnPage, checkColumnPageBytes, checkColumnPageLimit, columnPageLimitMax } from './validate.ts';

const limits = { rowBytesMax: 64, columnBytesMax: 16, valueBytesMax: 1024, listColumnsMax: 100, listColumnsBytesMax: 5000, listValuesBytesMax: 7000 };
const names = { withValues: false, bytesMax: 5000 };
const refused = (message: RegExp) => (err: unknown) => isPennError(err, 'invalid_argument') && message.test((err as Error).message);

test('a page with nothing asked gets everything from the start, up to the server maximum', () => {
  assert.deepEqual(checkColumnPage({}, limits), { after: '', prefix: '', limit: 100, ...names });
  assert.deepEqual(checkColumnPage({ after: '', prefix: '', limit: 0 }, limits), { after: '', prefix: '', limit: 100, ...names });
  assert.deepEqual(checkColumnPage({ after: 'b', prefix: 'a', limit: 5 }, limits), { after: 'b', prefix: 'a', limit: 5, ...names });
  assert.equal(checkColumnPage({ limit: 101 }, limits).limit, 100, 'more than a reply may hold: the maximum, and the caller pages');
  assert.equal(checkColumnPage({ limit: columnPageLimitMax }, limits).limit, 100);
});

test('after and prefix follow the column rules, and the limit must be a uint32', () => {
  assert.throws(() => checkColumnPage({ after: 'x'.repeat(17) }, limits), refused(/^after is 17 bytes; the limit is 16$/));
  assert.throws(() => checkColumnPage({ prefix: '\u00e9'.repeat(9) }, limits), refused(/^prefix is 18 bytes; the limit is 16$/));
  assert.throws(() => checkColumnPage({ prefix: 'a\0' }, limits), refused(/^prefix must not contain NUL$/));
  assert.throws(() => checkColumnPage({ after: 3 }, limits), refused(/^after must be a string$/));
  for (const limit of [-1, 1.5, columnPageLimitMax + 1, '5', Number.NaN]) {
    assert.throws(() => checkColumnPage({ limit }, limits), refused(/^limit must be a whole number from 0 to 4294967295$/), String(limit));
    assert.throws(() => checkColumnPageLimit(limit), refused(/^limit must be/));
  }
});

test('a page with values has its own byte budget, capped by the server', () => {
  assert.deepEqual(checkColumnPage({ withValues: true }, limits), { after: '', prefix: '', limit: 100, withValues: true, bytesMax: 7000 });
  assert.equal(checkColumnPage({ withValues: true, bytesMax: 100 }, limits).bytesMax, 100);
  assert.equal(checkColumnPage({ withValues: true, bytesMax: 7001 }, limits).bytesMax, 7000, 'more than the server allows: its maximum');
  assert.equal(checkColumnPage({ bytesMax: 6000 }, limits).bytesMax, 5000, 'names alone keep to listColumnsBytesMax');
  assert.equal(checkColumnPage({ withValues: false, bytesMax: 0 }, limits).bytesMax, 5000);
  assert.throws(() => checkColumnPage({ withValues: 'yes' }, limits), refused(/^withValues must be true or false$/));
  for (const bytesMax of [-1, 0.5, columnPageLimitMax + 1, '1']) {
    assert.throws(() => checkColumnPage({ withValues: true, bytesMax }, limits), refused(/^bytesMax must be a whole number from 0 to 4294967295$/), String(bytesMax));
    assert.throws(() => checkColumnPageBytes(bytesMax), refused(/^bytesMax must be/));
  }
});
