// POST /api/auth/login {"username", "password"} → 200 {"username", "admin"}, the session cookie
// and the device cookie; 401 with one message for an unknown user or a wrong password; 429 with
// Retry-After when the attempt's allowance is used up (docs/API.md: this browser's own with a
// device cookie for the user, else the user's untrusted one and the client address's). A plain
// form post is answered with a redirect instead, to `next` when it names a page of this site.
import { loginBody, usernamePattern } from '../../../../lib/account-rules';
import { checkPassword } from '../../../../../cluster/model/accounts/accounts.ts';
import { giveDeviceCookie } from '../../../../lib/server/device-cookie';
import { HttpError } from '../../../../lib/server/errors';
import { safeNextPath } from '../../../../lib/next-path';
import { reserveLoginAttempt, underReservation, wrongCredentials } from '../../../../lib/server/login-attempt';
import { clientAddress, mutationRoute } from '../../../../lib/server/route';
import { beginSession, getSession } from '../../../../lib/server/session';

const login = mutationRoute('login', loginBody, async ({ req, body, ctx }) => {
  // Names are stored lowercase; "Alice " logs in as alice.
  const username = body.username.trim().toLowerCase();
  const address = clientAddress(req);
  // Reserved before the password is checked: parallel guesses cannot all pass a check of the count.
  const reserved = await reserveLoginAttempt(ctx, username, address);
  const ok = await underReservation(reserved, () =>
    usernamePattern.test(username) ? checkPassword(ctx, username, body.password) : ctx.hasher.verifyNobody(body.password),
  );
  if (!ok) {
    ctx.log.info('login failed', { user: username, address });
    throw new HttpError(401, 'wrong_credentials', wrongCredentials);
  }
  const user = await beginSession(await getSession(), username);
  await giveDeviceCookie(username);
  return Response.json({ username: user.username, admin: user.admin });
}, { anonymous: true, htmlForm: { success: '/menu', failure: '/' } });

/**
 * A form posted before the page's JavaScript ran is answered with a redirect (route.ts): to the
 * page the visitor was sent to log in for, when there is one — `?next=` of the form's address,
 * else of the login page it was posted from (the Referer: our pages send it to their own
 * origin) — and lib/next-path.ts accepts it as a page of this site; a refusal goes back to the
 * login page with the same `next`.
 */
export async function POST(req: Request): Promise<Response> {
  const response = await login(req);
  const location = response.status === 303 ? response.headers.get('location') : null;
  const next = location === null ? undefined : nextOfForm(req);
  if (location === null || next === undefined) return response;
  const headers = new Headers(response.headers);
  headers.set('Location', location === '/menu' ? next : `${location}${location.includes('?') ? '&' : '?'}next=${encodeURIComponent(next)}`);
  return new Response(null, { status: 303, headers });
}

function nextOfForm(req: Request): string | undefined {
  const own = new URL(req.url).searchParams.get('next');
  if (own !== null) return safeNextPath(own);
  const referer = req.headers.get('referer');
  if (!referer) return undefined;
  try {
    return safeNextPath(new URL(referer).searchParams.get('next'));
  } catch {
    return undefined;
  }
}
