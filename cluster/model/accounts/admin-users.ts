// Who is an administrator. This is the one place that answers it; the web's session check
// (web/lib/server/session.ts) asks it for the user of every request, and `npm run admin`
// (scripts/admin.ts) changes the answer.
//
// Admins = the users named in config `web.admins` ∪ the users granted with
// `npm run admin -- grant <user>`. A grant is the column `admin` in the user's account row
// (`<user>#account`, see accounts.ts), holding JSON {grantedAt, by}; revoking deletes it. Both
// are read with the session check, which a frontend remembers for at most
// sessionCheckMaxAgeMs (web/lib/server/session-check.ts): a grant or a revoke counts within a
// second.
import type { Config } from '../../common/config.ts';
import { PennError } from '../../common/errors.ts';
import { accountRow } from './accounts.ts';
import { usernamePattern } from './username.ts';

export const adminGrantColumn = 'admin';

/** The rows of the store this module touches: get, cput, delete of one cell. */
export interface CellStore {
  get(row: string, column: string): Promise<Buffer | undefined>;
  cput(row: string, column: string, expected: Buffer | string | null, value: Buffer | string): Promise<boolean>;
  delete(row: string, column: string): Promise<boolean>;
}

export interface AdminGrant {
  grantedAt: string;
  by: string;
}

export function isConfiguredAdmin(config: Readonly<Config>, username: string): boolean {
  return config.web.admins.includes(username);
}

/** True for an admin from the config or by grant. A configured admin costs no storage read. */
export async function isAdmin(config: Readonly<Config>, store: CellStore, username: string): Promise<boolean> {
  if (isConfiguredAdmin(config, username)) return true;
  return (await store.get(accountRow(username), adminGrantColumn)) !== undefined;
}

export function parseGrant(value: Buffer): AdminGrant {
  try {
    const parsed = JSON.parse(value.toString('utf8')) as Partial<AdminGrant>;
    return { grantedAt: String(parsed.grantedAt ?? ''), by: String(parsed.by ?? '') };
  } catch {
    return { grantedAt: '', by: '' };
  }
}

/**
 * Grants admin to an existing user; 'already' when they had a grant. Only existing accounts:
 * a grant waiting for a name nobody has taken yet would go to whoever signs up with it.
 */
export async function grantAdmin(store: CellStore, username: string, by: string, now: Date): Promise<'granted' | 'already'> {
  if (!usernamePattern.test(username)) throw new PennError('invalid_argument', `"${username}" is not a valid username`);
  const row = accountRow(username);
  if ((await store.get(row, 'password')) === undefined) throw new PennError('not_found', `no user "${username}"`);
  const grant: AdminGrant = { grantedAt: now.toISOString(), by };
  return (await store.cput(row, adminGrantColumn, null, JSON.stringify(grant))) ? 'granted' : 'already';
}

/** Removes a user's grant; false when there was none. Config admins stay admins (say so). */
export async function revokeAdmin(store: CellStore, username: string): Promise<boolean> {
  if (!usernamePattern.test(username)) throw new PennError('invalid_argument', `"${username}" is not a valid username`);
  return store.delete(accountRow(username), adminGrantColumn);
}

export interface AdminListing {
  username: string;
  /** config: named in web.admins; grant: granted; both. */
  source: 'config' | 'grant' | 'both';
  grant?: AdminGrant;
}

/** Config admins and granted ones (found by the caller, e.g. by scanning account rows), merged and sorted. */
export function mergeAdmins(config: Readonly<Config>, granted: Map<string, AdminGrant>): AdminListing[] {
  const names = new Set([...config.web.admins, ...granted.keys()]);
  return [...names].sort().map((username) => {
    const grant = granted.get(username);
    const configured = isConfiguredAdmin(config, username);
    return { username, source: configured && grant ? 'both' : configured ? 'config' : 'grant', ...(grant ? { grant } : {}) };
  });
}
