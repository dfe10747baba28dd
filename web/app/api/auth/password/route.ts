// POST /api/auth/password {"current", "next"} → 200 {"ok": true}; this session stays, every
// other session of the user ends. 403 when `current` is wrong, counted like a failed login
// under the same allowance (login-attempt.ts): this browser's device cookie keeps it apart
// from whatever a guesser elsewhere has used up.
import { passwordChangeBody } from '../../../../lib/account-rules';
import { changePassword } from '../../../../../cluster/model/accounts/accounts.ts';
import { HttpError } from '../../../../lib/server/errors';
import { reserveLoginAttempt, underReservation } from '../../../../lib/server/login-attempt';
import { clientAddress, mutationRoute, requireUser } from '../../../../lib/server/route';
import { forgetSessionCheck } from '../../../../lib/server/session';

export const POST = mutationRoute('password', passwordChangeBody, async ({ req, body, ctx }) => {
  const { user, session } = await requireUser();
  const address = clientAddress(req);
  const reserved = await reserveLoginAttempt(ctx, user.username, address);
  let version = 0;
  const changed = await underReservation(reserved, async () => {
    const result = await changePassword(ctx, user.username, body.current, body.next);
    if (result.changed) version = result.version;
    return result.changed;
  });
  if (!changed) {
    ctx.log.info('password change refused: wrong current password', { user: user.username, address });
    throw new HttpError(403, 'wrong_password', 'Your current password is not correct.');
  }
  forgetSessionCheck(user.username);
  session.version = version;
  await session.save();
  ctx.log.info('password changed', { user: user.username });
  return Response.json({ ok: true });
}, { htmlForm: { success: '/password?changed=1', failure: '/password' } });
