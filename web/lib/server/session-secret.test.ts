import assert from 'node:assert/strict';
import { mkdtemp, rm, stat, writeFile, mkdir } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { parseConfig } from '../../../cluster/common/config.ts';
import { loadSessionSecret, sessionSecretPath } from './session-secret.ts';

async function withDataDir(fn: (dataDir: string) => Promise<void>): Promise<void> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'penncloud-secret-'));
  try {
    await fn(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

test('generated once into the data dir with mode 0600, then reused', () =>
  withDataDir(async (dataDir) => {
    const config = parseConfig({ dataDir });
    const first = loadSessionSecret(config);
    assert.ok(first.length >= 32);
    const info = await stat(sessionSecretPath(config));
    assert.equal(info.mode & 0o777, 0o600);
    assert.equal(loadSessionSecret(config), first);
  }));

test('the config wins over the file', () =>
  withDataDir(async (dataDir) => {
    const secret = 'x'.repeat(40);
    assert.equal(loadSessionSecret(parseConfig({ dataDir, web: { sessionSecret: secret } })), secret);
  }));

test('a too-short secret file is refused, not used', () =>
  withDataDir(async (dataDir) => {
    const config = parseConfig({ dataDir });
    await mkdir(path.dirname(sessionSecretPath(config)), { recursive: true });
    await writeFile(sessionSecretPath(config), 'short\n');
    assert.throws(() => loadSessionSecret(config), /shorter than 32/);
  }));
