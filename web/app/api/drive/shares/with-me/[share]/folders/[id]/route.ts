// GET /api/drive/shares/with-me/<share>/folders/<id>[?cursor=&limit=] → {"folder", "path", "items",
// "total", "next"}: a page of a folder of an item shared with me (the shared folder or one inside
// it), its path from the shared folder.
import { pathSegments } from '../../../../../../../../lib/server/request';
import { listShared } from '../../../../../../../../lib/server/drive/drive-share-access';
import { findIncoming } from '../../../../../../../../lib/server/drive/drive-share-store';
import { pageFromQuery } from '../../../../../../../../lib/server/drive/drive-route';
import { queryRoute, requireUser } from '../../../../../../../../lib/server/route';

export const GET = queryRoute('drive.share.withMe.list', async ({ req, ctx }) => {
  const { user } = await requireUser();
  const [share = '', , id = ''] = pathSegments(req, 4);
  const { d, sharedId } = await findIncoming(ctx, user.username, share);
  return Response.json(await listShared(d, sharedId, id, pageFromQuery(req)), { headers: { 'Cache-Control': 'no-store' } });
});
