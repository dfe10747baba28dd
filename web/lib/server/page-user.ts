// The logged-in user for a page (a server component). Pages cannot set cookies, so a session
// whose node moved is only rewritten by the next API call (the menu's /api/me does it).
import { redirect } from 'next/navigation';
import { getSession, resolveUser, type CurrentUser } from './session';

export interface PageUser extends CurrentUser {
  /** The session's storage node changed: the cookie is stale until an API call rewrites it. */
  nodeChanged: boolean;
}

export async function pageUser(): Promise<PageUser | null> {
  const resolved = await resolveUser(await getSession());
  return resolved ? { ...resolved.user, nodeChanged: resolved.nodeChanged } : null;
}

/** The user, or a redirect to the login page at `/`. */
export async function requirePageUser(): Promise<PageUser> {
  const user = await pageUser();
  if (!user) redirect('/');
  return user;
}
