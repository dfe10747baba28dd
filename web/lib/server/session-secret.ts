// The key that seals session cookies: web.sessionSecret from the config, or else one generated
// once into <dataDir>/web/session-secret (mode 0600) and shared by every frontend using that
// data dir. Frontends start together, so creation is atomic: each writes a temp file and
// link()s it into place; the first link wins and everyone reads the winner's file.
import { randomBytes } from 'node:crypto';
import { linkSync, mkdirSync, readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Config } from '../../../cluster/common/config.ts';
import { PennError } from '../../../cluster/common/errors.ts';

export const secretLengthMin = 32;

export function sessionSecretPath(config: Readonly<Config>): string {
  return path.join(config.dataDir, 'web', 'session-secret');
}

export function loadSessionSecret(config: Readonly<Config>): string {
  if (config.web.sessionSecret) return config.web.sessionSecret;
  const file = sessionSecretPath(config);
  const existing = readSecret(file);
  if (existing !== undefined) return existing;
  mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  const temp = `${file}.${process.pid}.${randomBytes(6).toString('hex')}`;
  writeFileSync(temp, randomBytes(48).toString('base64url') + '\n', { mode: 0o600, flag: 'wx' });
  try {
    linkSync(temp, file);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
  } finally {
    unlinkSync(temp);
  }
  const secret = readSecret(file);
  if (secret === undefined) throw new PennError('internal', `cannot create the session secret ${file}`);
  return secret;
}

function readSecret(file: string): string | undefined {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
  const secret = text.trim();
  if (secret.length < secretLengthMin) {
    throw new PennError('invalid_argument', `session secret in ${file} is shorter than ${secretLengthMin} characters`);
  }
  return secret;
}
