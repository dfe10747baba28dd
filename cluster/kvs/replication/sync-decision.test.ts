import assert from 'node:assert/strict';
import { test } from 'node:test';
import { decideSync, type PrimaryLogView } from './sync-decision.ts';

/** A primary log given as the epoch of each lsn after its checkpoint. */
function primary(checkpointLsn: number, checkpointEpoch: number, epochs: number[]): PrimaryLogView {
  return {
    lastLsn: checkpointLsn + epochs.length,
    checkpointLsn,
    checkpointEpoch,
    epochAt: (lsn) => epochs[lsn - checkpointLsn - 1],
    lastLsnWithEpochAtMost: (e) => {
      let last = checkpointLsn;
      epochs.forEach((ep, i) => {
        if (ep <= e) last = checkpointLsn + i + 1;
      });
      return last;
    },
  };
}

test('a backup whose last entry the primary holds with the same epoch is matched', () => {
  assert.deepEqual(decideSync({ lastLsn: 3, lastEpoch: 1, checkpointLsn: 0 }, primary(0, 0, [1, 1, 1, 2])), {
    kind: 'matched',
    lastLsn: 3,
  });
});

test('an empty backup matches a primary whose log starts at 1, else it needs a snapshot', () => {
  assert.deepEqual(decideSync({ lastLsn: 0, lastEpoch: 0, checkpointLsn: 0 }, primary(0, 0, [1])), { kind: 'matched', lastLsn: 0 });
  assert.deepEqual(decideSync({ lastLsn: 0, lastEpoch: 0, checkpointLsn: 0 }, primary(5, 1, [1])), { kind: 'snapshot' });
});

test('a backup ahead of the primary drops the suffix the primary lacks', () => {
  assert.deepEqual(decideSync({ lastLsn: 6, lastEpoch: 1, checkpointLsn: 0 }, primary(0, 0, [1, 1, 1, 2])), {
    kind: 'truncate',
    afterLsn: 4,
  });
});

test("the seed's conflict: an old primary's unreplicated entries are cut back to where epochs agree", () => {
  // The returning node wrote lsn 4–5 in epoch 1 alone; the new primary wrote 4–6 in epoch 2.
  assert.deepEqual(decideSync({ lastLsn: 5, lastEpoch: 1, checkpointLsn: 0 }, primary(0, 0, [1, 1, 1, 2, 2, 2])), {
    kind: 'truncate',
    afterLsn: 3,
  });
});

test('a conflicting entry below the backup checkpoint, or below the primary checkpoint, needs a snapshot', () => {
  assert.deepEqual(decideSync({ lastLsn: 5, lastEpoch: 1, checkpointLsn: 5 }, primary(0, 0, [1, 1, 1, 2, 2, 2])), {
    kind: 'snapshot',
  });
  assert.deepEqual(decideSync({ lastLsn: 3, lastEpoch: 1, checkpointLsn: 0 }, primary(4, 2, [2])), { kind: 'snapshot' });
});

test('a backup exactly at the primary checkpoint is matched only when the epochs agree', () => {
  assert.deepEqual(decideSync({ lastLsn: 4, lastEpoch: 2, checkpointLsn: 0 }, primary(4, 2, [2])), { kind: 'matched', lastLsn: 4 });
  assert.deepEqual(decideSync({ lastLsn: 4, lastEpoch: 1, checkpointLsn: 0 }, primary(4, 2, [2])), { kind: 'snapshot' });
});

test('repeated decisions converge: every truncation shortens the backup log', () => {
  const p = primary(0, 0, [1, 1, 2, 2, 3, 3, 3]);
  // The backup's log: epochs per lsn, diverging from lsn 3 on.
  let backup = [1, 1, 1, 1, 1];
  for (let round = 0; round < 10; round++) {
    const d = decideSync({ lastLsn: backup.length, lastEpoch: backup.at(-1) ?? 0, checkpointLsn: 0 }, p);
    if (d.kind === 'matched') {
      assert.deepEqual(backup, [1, 1]);
      return;
    }
    assert.equal(d.kind, 'truncate');
    if (d.kind === 'truncate') backup = backup.slice(0, d.afterLsn);
  }
  assert.fail('did not converge');
});
