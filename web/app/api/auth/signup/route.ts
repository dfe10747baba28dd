// POST /api/auth/signup {"username", "password"} → 201 {"username", "admin"}, the session cookie
// and the device cookie. In this order, cheapest first, so nothing but a sign-up that may
// succeed reaches the password hash: 409 when the name is taken; 403 when it is named in
// web.admins (reserved until an operator creates it with `npm run admin -- create-user`); 429
// with Retry-After past the sign-up limits (cluster/model/accounts/signup-limit.ts).
import { signupBody } from '../../../../lib/account-rules';
import { accountExists, createAccount } from '../../../../../cluster/model/accounts/accounts.ts';
import { isConfiguredAdmin } from '../../../../../cluster/model/accounts/admin-users.ts';
import { SignupLimit } from '../../../../../cluster/model/accounts/signup-limit.ts';
import { PennError } from '../../../../../cluster/common/errors.ts';
import type { ServerContext } from '../../../../lib/server/context';
import { giveDeviceCookie } from '../../../../lib/server/device-cookie';
import { HttpError } from '../../../../lib/server/errors';
import { clientAddress, mutationRoute } from '../../../../lib/server/route';
import { beginSession, getSession } from '../../../../lib/server/session';

// One count per process: Next may load this module once per route bundle.
const limitKey = Symbol.for('penncloud.web.signup-limit');

function signupLimit(ctx: ServerContext): SignupLimit {
  const holder = globalThis as { [limitKey]?: SignupLimit };
  const web = ctx.config.web;
  holder[limitKey] ??= new SignupLimit({ windowMs: web.signupWindowMs, perAddressMax: web.signupsPerAddressMax, perFrontendMax: web.signupsPerFrontendMax });
  return holder[limitKey];
}

export const POST = mutationRoute('signup', signupBody, async ({ req, body, ctx }) => {
  const { username } = body;
  if (await accountExists(ctx.cluster, username)) throw new PennError('already_exists', 'That username is taken.');
  if (isConfiguredAdmin(ctx.config, username)) {
    throw new HttpError(403, 'reserved_name', 'That username is reserved for an administrator; the operator creates it with `npm run admin -- create-user`.');
  }
  const address = clientAddress(req);
  const waitMs = await signupLimit(ctx).reserve(ctx.cluster, address);
  if (waitMs > 0) {
    const seconds = Math.ceil(waitMs / 1000);
    ctx.log.info('sign-up refused: too many', { address });
    throw new HttpError(429, 'signup_limited', `Too many sign-ups; try again in ${seconds} s.`, { 'Retry-After': String(seconds) });
  }
  await createAccount(ctx, username, body.password, new Date());
  const user = await beginSession(await getSession(), username, 0);
  await giveDeviceCookie(username);
  ctx.log.info('signed up', { user: user.username });
  return Response.json({ username: user.username, admin: user.admin }, { status: 201 });
}, { anonymous: true, htmlForm: { success: '/menu', failure: '/signup' } });
