// GET /api/shared/<token> → {"owner", "item", "expires"}: what a link leads to, for a visitor
// without an account. 404 no such link (never made, revoked or expired, one answer for all), 401
// `password_required` until the password is given, 429 after too many misses from the address.
import { clientAddress, queryRoute } from '../../../../lib/server/route';
import { linkPath, unlockedLink } from '../../../../lib/server/drive/drive-share-link';
import { linkInfo } from '../../../../lib/server/drive/drive-share-store';

export const GET = queryRoute('shared.info', async ({ req, ctx }) => {
  const { token } = linkPath(req);
  const { record } = await unlockedLink(ctx, token, clientAddress(req));
  return Response.json(await linkInfo(ctx, record), { headers: { 'Cache-Control': 'no-store' } });
});
