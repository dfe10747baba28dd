// GET /api/shared/<token>/folders/<id>[?cursor=&limit=] → {"folder", "path", "items", "total",
// "next"}: a page of the linked folder, or of a folder inside it, for a visitor without an
// account; any other id is 404 (docs/API.md, "Sharing").
import { clientAddress, queryRoute } from '../../../../../../lib/server/route';
import { listShared } from '../../../../../../lib/server/drive/drive-share-access';
import { pageFromQuery } from '../../../../../../lib/server/drive/drive-route';
import { linkPath, unlockedLink } from '../../../../../../lib/server/drive/drive-share-link';

export const GET = queryRoute('shared.list', async ({ req, ctx }) => {
  const { token, id } = linkPath(req);
  const { record, d } = await unlockedLink(ctx, token, clientAddress(req));
  return Response.json(await listShared(d, record.item, id, pageFromQuery(req)), { headers: { 'Cache-Control': 'no-store' } });
});
