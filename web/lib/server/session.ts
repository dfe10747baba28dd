// Sessions: an iron-session cookie (sealed and signed with the session secret; HttpOnly,
// SameSite=Lax, and over HTTPS Secure with the __Host- prefix: session-cookie.ts) holding the
// user, the session version it was issued at, and the KVS node the coordinator assigned for the
// user's rows. A session is valid only while its version equals the user's session-version in
// the store, so logout and a password change end every session.
//
// The node in the session is preferred for the user's rows; when it fails, the ClusterClient
// asks the coordinator again, and the new node is written back into the cookie (by routes;
// pages cannot set cookies, so the next API call does it).
import { sealData, unsealData } from 'iron-session';
import { cookies, headers } from 'next/headers';
import type { Assignment } from '../../../cluster/kvs/cluster-client.ts';
import { accountRow, sessionVersion } from '../../../cluster/model/accounts/accounts.ts';
import { isAdmin } from '../../../cluster/model/accounts/admin-users.ts';
import { serverContext, type ServerContext } from './context';
import type { AccountCheck } from './session-check';
import { requestScheme } from './request';
import { sessionCookie } from './session-cookie';

export interface SessionData {
  user?: string;
  version?: number;
  node?: Assignment;
}

export interface Session extends SessionData {
  /** Seals the fields into the cookie of the response. */
  save(): Promise<void>;
  /** Clears the cookie. */
  destroy(): void;
}

export interface CurrentUser {
  username: string;
  /** web.admins ∪ granted users: decided in cluster/model/accounts/admin-users.ts only. */
  admin: boolean;
  node: Assignment;
}

/**
 * Unsealing (iron: PBKDF2 key derivation, HMAC, AES through WebCrypto) was the largest single
 * cost of an authenticated request, so valid seals are remembered for a short while: the key
 * is the whole sealed cookie, which only the secret can produce. Bounded in entries and age,
 * so a seal past its ttl is honoured at most unsealCacheMs longer.
 */
const unsealCacheMs = 60_000;
const unsealCacheEntriesMax = 10_000;

async function unsealCached(ctx: ServerContext, seal: string): Promise<SessionData> {
  const unsealed = ctx.unsealedSessions as Map<string, { data: SessionData; atMs: number }>;
  const now = Date.now();
  const hit = unsealed.get(seal);
  if (hit && now - hit.atMs < unsealCacheMs) return hit.data;
  const data = await unsealData<SessionData>(seal, { password: ctx.sessionSecret, ttl: ctx.config.web.sessionTtlSeconds });
  if (data.user) {
    unsealed.delete(seal);
    unsealed.set(seal, { data, atMs: now });
    if (unsealed.size > unsealCacheEntriesMax) unsealed.delete(unsealed.keys().next().value as string);
  }
  return data;
}

export async function getSession(): Promise<Session> {
  const ctx = serverContext();
  const jar = await cookies();
  // Only the cookie of this request's scheme counts: a browser sends the __Host- one over HTTPS only.
  const { name, options: cookie } = sessionCookie(requestScheme(await headers()));
  const seal = jar.get(name)?.value;
  const data = seal ? await unsealCached(ctx, seal) : {};
  const ttl = ctx.config.web.sessionTtlSeconds;
  const session: Session = {
    user: data.user,
    version: data.version,
    node: data.node,
    async save() {
      const fields: SessionData = { user: session.user, version: session.version, node: session.node };
      // The cookie expires a minute before the seal does, so a browser never sends a dead seal.
      jar.set(name, await sealData(fields, { password: ctx.sessionSecret, ttl }), { ...cookie, maxAge: ttl - 60 });
    },
    destroy() {
      session.user = session.version = session.node = undefined;
      jar.set(name, '', { ...cookie, maxAge: 0 });
    },
  };
  return session;
}

/** Nodes that failed a session recently: not preferred again for this long (a frontend's memory). */
const failedNodeMemoryMs = 10_000;

/**
 * Reads the user's account check from the store — session version (unless the caller knows
 * it) and admin flag, both cells of the account row, so from one node — preferring the node
 * `remembered` in the session unless it failed recently.
 */
async function readAccountCheck(remembered: Assignment | undefined, username: string, knownVersion?: number): Promise<AccountCheck<Assignment>> {
  const { cluster, config, failedNodes } = serverContext();
  const failedAt = remembered ? failedNodes.get(remembered.nodeId) : undefined;
  const preferred = remembered !== undefined && (failedAt === undefined || Date.now() - failedAt > failedNodeMemoryMs);
  if (preferred) cluster.prefer(remembered);
  const [version, admin] = await Promise.all([knownVersion ?? sessionVersion(cluster, username), isAdmin(config, cluster, username)]);
  const node = await cluster.assignment(accountRow(username));
  // The client moved off the node we asked for: it failed (or, rarely, a concurrent request
  // preferred another; then forgetting it for a few seconds costs nothing).
  if (preferred && remembered.nodeId !== node.nodeId) failedNodes.set(remembered.nodeId, Date.now());
  return { version, admin, node };
}

/**
 * The user of a valid session, or null (no session, or one ended by a version change). The
 * check is the store's, at most sessionCheckMaxAgeMs old (session-check.ts). The session's node
 * is updated in place when the store moved the user elsewhere; `nodeChanged` says the caller
 * should save the session.
 */
export async function resolveUser(session: Session): Promise<{ user: CurrentUser; nodeChanged: boolean } | null> {
  const username = session.user;
  if (!username || session.version === undefined) return null;
  const remembered = session.node;
  const check = await serverContext().sessionChecks.check(username, session.version, () => readAccountCheck(remembered, username));
  if (check.version !== session.version) return null;
  const nodeChanged = remembered?.nodeId !== check.node.nodeId;
  if (nodeChanged) session.node = check.node;
  return { user: { username, admin: check.admin, node: check.node }, nodeChanged };
}

/** Starts a session for a user just authenticated, at the store's current session version. */
export async function beginSession(session: Session, username: string, version?: number): Promise<CurrentUser> {
  const startedMs = Date.now();
  const check = await readAccountCheck(undefined, username, version);
  serverContext().sessionChecks.remember(username, check, startedMs);
  session.user = username;
  session.version = check.version;
  session.node = check.node;
  await session.save();
  return { username, admin: check.admin, node: check.node };
}

/** Forgets this frontend's session check of a user whose session version it just raised. */
export function forgetSessionCheck(username: string): void {
  serverContext().sessionChecks.forget(username);
}
