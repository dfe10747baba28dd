// POST /api/auth/password {"current", "next"} → 200 {"ok": true}; this session stays, every
// other session of the user ends. 403 when `current` is wrong (counted like a failed login).
import { passwordChangeBody } from '../../../../lib/account-rules';
import { changePassword } from '../../../../../cluster/data/accounts/accounts.ts';
import { HttpError } from '../../../../lib/server/errors';
import { checkLoginAllowed, recordLoginFailure } from '../../../../lib/server/login-limit';
import { clientAddress, mutationRoute, requireUser } from '../../../../lib/server/route';
import { forgetSessionCheck } from '../../../../lib/server/session';

export const POST = mutationRoute('password', passwordChangeBody, async ({ req, body, ctx }) => {
  const { user, session } = await requireUser();
  const address = clientAddress(req);
  await checkLoginAllowed(ctx, user.username, address, Date.now());
  const result = await changePassword(ctx, user.username, body.current, body.next);
  if (!result.changed) {
    await recordLoginFailure(ctx, user.username, address, Date.now());
    throw new HttpError(403, 'wrong_password', 'Your current password is not correct.');
  }
  forgetSessionCheck(user.username);
  session.version = result.version;
  await session.save();
  ctx.log.info('password changed', { user: user.username });
  return Response.json({ ok: true });
}, { htmlForm: { success: '/password?changed=1', failure: '/password' } });
