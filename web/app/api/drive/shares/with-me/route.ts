// GET /api/drive/shares/with-me → {"shares": [{"id", "owner", "item", "created"}]}: what other
// users shared with me and is still in their drives (docs/API.md, "Sharing").
import { listIncoming } from '../../../../../lib/server/drive/drive-share-store';
import { queryRoute, requireUser } from '../../../../../lib/server/route';

export const GET = queryRoute('drive.share.withMe', async ({ ctx }) => {
  const { user } = await requireUser();
  return Response.json({ shares: await listIncoming(ctx, user.username) }, { headers: { 'Cache-Control': 'no-store' } });
});
