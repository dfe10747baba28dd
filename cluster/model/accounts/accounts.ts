// Accounts in the store, one row per user (docs/ARCHITECTURE.md): `<user>#account` with columns
//   password         scrypt hash with its parameters and salt (password-hash.ts)
//   created          ISO time of sign-up
//   session-version  decimal; a session sealed with an older version is over (absent = 0)
// Sign-up claims the name with CPut expect-absent on `password`, so of two sign-ups of one name
// exactly one wins; a name already taken is refused before the password is hashed, so sign-ups
// of taken names cost one read and no scrypt. Bumping session-version (logout, password change)
// ends every session.
import { PennError } from '../../common/errors.ts';
import type { ClusterClient } from '../../kvs/cluster-client.ts';
import type { PasswordHasher } from './password-hash.ts';

export function accountRow(username: string): string {
  return `${username}#account`;
}

export interface AccountStore {
  cluster: ClusterClient;
  hasher: PasswordHasher;
}

const takenMessage = 'That username is taken.';

export async function accountExists(cluster: ClusterClient, username: string): Promise<boolean> {
  return (await cluster.get(accountRow(username), 'password')) !== undefined;
}

export async function createAccount({ cluster, hasher }: AccountStore, username: string, password: string, now: Date): Promise<void> {
  if (await accountExists(cluster, username)) throw new PennError('already_exists', takenMessage);
  const hash = await hasher.hash(password);
  const row = accountRow(username);
  const claimed = await cluster.cput(row, 'password', null, hash);
  if (!claimed) {
    // A retried CPut whose first attempt applied also lands here: it is ours if the hash is.
    const stored = await cluster.get(row, 'password');
    if (stored?.toString('utf8') !== hash) throw new PennError('already_exists', takenMessage);
  }
  await cluster.put(row, 'created', now.toISOString());
}

/** True when the user exists and the password is theirs; an unknown user costs the same time. */
export async function checkPassword({ cluster, hasher }: AccountStore, username: string, password: string): Promise<boolean> {
  const stored = await cluster.get(accountRow(username), 'password');
  if (!stored) return hasher.verifyNobody(password);
  return hasher.verify(password, stored.toString('utf8'));
}

export async function sessionVersion(cluster: ClusterClient, username: string): Promise<number> {
  const value = await cluster.get(accountRow(username), 'session-version');
  return value ? Number(value.toString('utf8')) || 0 : 0;
}

/** Raises the user's session version, ending every session sealed with an older one; returns the new version. */
export async function bumpSessionVersion(cluster: ClusterClient, username: string): Promise<number> {
  const row = accountRow(username);
  for (let attempt = 0; attempt < 20; attempt++) {
    const current = await cluster.get(row, 'session-version');
    const next = (current ? Number(current.toString('utf8')) || 0 : 0) + 1;
    if (await cluster.cput(row, 'session-version', current ?? null, String(next))) return next;
  }
  throw new PennError('aborted', 'Too many sign-ins and sign-outs at once; try again.');
}

/**
 * Replaces the password after checking the current one, and ends every other session. CPut on
 * the old hash, so of two concurrent changes one fails instead of both seeming to succeed.
 * Returns the new session version.
 */
export async function changePassword(
  store: AccountStore,
  username: string,
  current: string,
  next: string,
): Promise<{ changed: true; version: number } | { changed: false }> {
  const row = accountRow(username);
  const stored = await store.cluster.get(row, 'password');
  if (!stored) throw new PennError('unauthenticated', 'Your account no longer exists.');
  if (!(await store.hasher.verify(current, stored.toString('utf8')))) return { changed: false };
  const hash = await store.hasher.hash(next);
  if (!(await store.cluster.cput(row, 'password', stored, hash))) {
    const now = await store.cluster.get(row, 'password');
    if (now?.toString('utf8') !== hash) throw new PennError('aborted', 'Your password was changed elsewhere at the same moment; try again.');
  }
  return { changed: true, version: await bumpSessionVersion(store.cluster, username) };
}
