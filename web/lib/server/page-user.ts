// The logged-in user for a page (a server component). Pages cannot set cookies, so a session
// whose node moved is only rewritten by the next API call (the menu's /api/me does it).
//
// When the store cannot serve the session check in time (every replica of the user's group
// down, a failover in progress), the page fails at once with a marked error: app/error.tsx then
// says storage is recovering, rather than the page hanging or showing a generic failure.
import { headers } from 'next/headers';
import { redirect } from 'next/navigation';
import { isStorageUnavailable } from '../../../cluster/kvs/cluster-client.ts';
import { loginPathFor, pagePathHeader } from '../next-path';
import { storageUnavailableDigest } from '../storage-unavailable';
import { getSession, resolveUser, type CurrentUser } from './session';

export interface PageUser extends CurrentUser {
  /** The session's storage node changed: the cookie is stale until an API call rewrites it. */
  nodeChanged: boolean;
}

export async function pageUser(): Promise<PageUser | null> {
  const resolved = await resolveUser(await getSession()).catch((err: unknown) => {
    if (!isStorageUnavailable(err)) throw err;
    throw Object.assign(new Error(`storage unavailable while rendering a page: ${(err as Error).message}`), { digest: storageUnavailableDigest });
  });
  return resolved ? { ...resolved.user, nodeChanged: resolved.nodeChanged } : null;
}

/**
 * The user, or a redirect to the login page. A cookie that named no live session (expired, or
 * logged out elsewhere) got past proxy.ts, which told the page its own address: the login link
 * comes back to it, as it would have without the cookie.
 */
export async function requirePageUser(): Promise<PageUser> {
  const user = await pageUser();
  if (!user) redirect(loginPathFor((await headers()).get(pagePathHeader) ?? '/'));
  return user;
}
