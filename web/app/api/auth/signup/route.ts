// POST /api/auth/signup {"username", "password"} → 201 {"username", "admin"} and the session cookie.
import { signupBody } from '../../../../lib/account-rules';
import { createAccount } from '../../../../../cluster/data/accounts/accounts.ts';
import { mutationRoute } from '../../../../lib/server/route';
import { beginSession, getSession } from '../../../../lib/server/session';

export const POST = mutationRoute('signup', signupBody, async ({ body, ctx }) => {
  await createAccount(ctx, body.username, body.password, new Date());
  const user = await beginSession(await getSession(), body.username, 0);
  ctx.log.info('signed up', { user: user.username });
  return Response.json({ username: user.username, admin: user.admin }, { status: 201 });
}, { htmlForm: { success: '/menu', failure: '/signup' } });
