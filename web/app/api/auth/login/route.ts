// POST /api/auth/login {"username", "password"} → 200 {"username", "admin"} and the session
// cookie; 401 with one message for an unknown user or a wrong password; 429 when rate-limited.
import { loginBody, usernamePattern } from '../../../../lib/account-rules';
import { checkPassword } from '../../../../../cluster/data/accounts/accounts.ts';
import { HttpError } from '../../../../lib/server/errors';
import { checkLoginAllowed, recordLoginFailure, wrongCredentials } from '../../../../lib/server/login-limit';
import { clientAddress, mutationRoute } from '../../../../lib/server/route';
import { beginSession, getSession } from '../../../../lib/server/session';

export const POST = mutationRoute('login', loginBody, async ({ req, body, ctx }) => {
  // Names are stored lowercase; "Alice " logs in as alice.
  const username = body.username.trim().toLowerCase();
  const address = clientAddress(req);
  await checkLoginAllowed(ctx, username, address, Date.now());
  const ok = usernamePattern.test(username)
    ? await checkPassword(ctx, username, body.password)
    : await ctx.hasher.verifyNobody(body.password);
  if (!ok) {
    await recordLoginFailure(ctx, username, address, Date.now());
    throw new HttpError(401, 'wrong_credentials', wrongCredentials);
  }
  const user = await beginSession(await getSession(), username);
  return Response.json({ username: user.username, admin: user.admin });
}, { htmlForm: { success: '/menu', failure: '/' } });
