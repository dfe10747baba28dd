// POST /api/auth/login {"username", "password"} → 200 {"username", "admin"}, the session cookie
// and the device cookie; 401 with one message for an unknown user or a wrong password; 429 with
// Retry-After when the attempt's allowance is used up (docs/API.md: this browser's own with a
// device cookie for the user, else the user's untrusted one and the client address's).
import { loginBody, usernamePattern } from '../../../../lib/account-rules';
import { checkPassword } from '../../../../../cluster/model/accounts/accounts.ts';
import { giveDeviceCookie } from '../../../../lib/server/device-cookie';
import { HttpError } from '../../../../lib/server/errors';
import { reserveLoginAttempt, underReservation, wrongCredentials } from '../../../../lib/server/login-attempt';
import { clientAddress, mutationRoute } from '../../../../lib/server/route';
import { beginSession, getSession } from '../../../../lib/server/session';

export const POST = mutationRoute('login', loginBody, async ({ req, body, ctx }) => {
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
