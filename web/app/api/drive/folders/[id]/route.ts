// GET /api/drive/folders/<id> → the folder's items, its path from the root and the user's usage.
import { queryRoute } from '../../../../../lib/server/route';
import { idFromPath, userDrive } from '../../../../../lib/server/drive/drive-route';
import { reclaimSoon } from '../../../../../lib/server/drive/drive-reclaim';
import { listFolder } from '../../../../../lib/server/drive/drive-tree';

export const GET = queryRoute('drive.list', async ({ req, ctx }) => {
  const d = await userDrive(ctx);
  const listing = await listFolder(d, idFromPath(req));
  reclaimSoon(d);
  return Response.json(listing);
});
