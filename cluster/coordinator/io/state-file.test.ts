import assert from 'node:assert/strict';
import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { parseConfig, type Config } from '../../common/config.ts';
import { PennError } from '../../common/errors.ts';
import { initialGroups } from '../core/membership.ts';
import type { GroupConfig } from '../core/types.ts';
import { decodeMembership, encodeMembership, loadMembership, membershipFile, saveMembership } from './state-file.ts';

let dir: string;
let config: Readonly<Config>;

before(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'penncloud-coordinator-state-'));
});
after(() => rm(dir, { recursive: true, force: true }));

/** A fresh data dir (that does not exist yet) for each test. */
function freshConfig(name: string): Readonly<Config> {
  return parseConfig({ dataDir: path.join(dir, name, 'data') });
}

const changed: GroupConfig[] = [
  { group: 0, epoch: 12, primary: 'g0r2', inSync: ['g0r1', 'g0r2'], primaryIncarnation: '5e1f' },
  { group: 1, epoch: 3, primary: '', inSync: ['g1r0'], primaryIncarnation: '' },
  { group: 2, epoch: 1, primary: '', inSync: ['g2r0', 'g2r1', 'g2r2'], primaryIncarnation: '' },
];

function assertRefused(fn: () => unknown, message: RegExp): void {
  assert.throws(fn, (err: unknown) => {
    assert.ok(err instanceof PennError);
    assert.equal(err.code, 'failed_precondition');
    assert.match(err.message, message);
    return true;
  });
}

test('a missing file means the initial state: epoch 1, no primary, every replica in sync', async () => {
  config = freshConfig('missing');
  const { groups, found } = await loadMembership(config);
  assert.equal(found, false);
  assert.deepEqual(groups, initialGroups(config));
  assert.deepEqual(groups[1], { group: 1, epoch: 1, primary: '', inSync: ['g1r0', 'g1r1', 'g1r2'], primaryIncarnation: '' });
});

test('what is saved is loaded back, and saving again replaces it with no temp file left', async () => {
  config = freshConfig('round-trip');
  await saveMembership(config.dataDir, initialGroups(config));
  await saveMembership(config.dataDir, changed);
  const { groups, found } = await loadMembership(config);
  assert.equal(found, true);
  assert.deepEqual(groups, changed);
  assert.deepEqual(await readdir(path.dirname(membershipFile(config.dataDir))), ['membership.json']);
  assert.equal(membershipFile(config.dataDir), path.join(config.dataDir, 'coordinator', 'membership.json'));
});

test('a file with any byte changed is refused, never half-believed', async () => {
  config = freshConfig('corrupt');
  await saveMembership(config.dataDir, changed);
  const file = membershipFile(config.dataDir);
  const good = await readFile(file, 'utf8');
  // The epoch 12 of group 0 becomes 13: still valid JSON, still a valid shape.
  await writeFile(file, good.replace('"epoch":12', '"epoch":13'));
  await assert.rejects(loadMembership(config), /membership\.json is corrupt \(checksum mismatch\)/);
  await writeFile(file, good.slice(0, good.length - 10));
  await assert.rejects(loadMembership(config), /is corrupt \(not JSON/);
  await writeFile(file, '');
  await assert.rejects(loadMembership(config), /is corrupt/);
});

test('every single-byte flip of a good file is caught', () => {
  config = freshConfig('flips');
  const good = encodeMembership(changed);
  let caught = 0;
  for (let i = 0; i < good.length - 1; i++) {
    const bytes = Buffer.from(good);
    bytes[i] = (bytes[i] ?? 0) ^ 0x01;
    try {
      decodeMembership(bytes.toString('latin1'), config);
    } catch (err) {
      assert.ok(err instanceof PennError, String(err));
      caught++;
    }
  }
  assert.equal(caught, good.length - 1, 'only the final newline may change harmlessly');
});

test('a file that does not fit the config is refused with what is wrong', () => {
  config = freshConfig('mismatch');
  assertRefused(() => decodeMembership(encodeMembership(changed.slice(0, 2)), config), /has 2 groups, the config 3/);
  const stranger = changed.map((g) => (g.group === 1 ? { ...g, inSync: ['g0r0'] } : g));
  assertRefused(() => decodeMembership(encodeMembership(stranger), config), /group 1 lists g0r0/);
  const orphan = changed.map((g) => (g.group === 1 ? { ...g, primary: 'g1r2' } : g));
  assertRefused(() => decodeMembership(encodeMembership(orphan), config), /primary g1r2 is not in its in_sync/);
});
