// POST /api/auth/logout → 200 {"ok": true}. Ends this session and every other session of the
// user (the session version rises); without a valid session it only clears the cookie.
import { bumpSessionVersion } from '../../../../../cluster/model/accounts/accounts.ts';
import { mutationRoute } from '../../../../lib/server/route';
import { forgetSessionCheck, getSession, resolveUser } from '../../../../lib/server/session';

export const POST = mutationRoute('logout', null, async ({ ctx }) => {
  const session = await getSession();
  const resolved = await resolveUser(session);
  if (resolved) {
    await bumpSessionVersion(ctx.cluster, resolved.user.username);
    forgetSessionCheck(resolved.user.username);
    ctx.log.info('logged out everywhere', { user: resolved.user.username });
  }
  session.destroy();
  return Response.json({ ok: true });
}, { anonymous: true, htmlForm: { success: '/', failure: '/' } });
