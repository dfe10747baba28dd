// GET /api/drive/folders/<id>[?cursor=&limit=] → a page of the folder's items (folders first, then
// by name), the cursor of the next page and the count of all, its path from the root and the
// user's usage (docs/API.md, Drive).
// Opening the drive also runs, now and then, the reclaimer and the Trash sweep behind the answer.
import { queryRoute } from '../../../../../lib/server/route';
import { idFromPath, pageFromQuery, userDrive } from '../../../../../lib/server/drive/drive-route';
import { reclaimSoon } from '../../../../../lib/server/drive/drive-reclaim';
import { listFolder } from '../../../../../lib/server/drive/drive-tree';
import { sweepSoon } from '../../../../../lib/server/drive/drive-trash';

export const GET = queryRoute('drive.list', async ({ req, ctx }) => {
  const d = await userDrive(ctx);
  const listing = await listFolder(d, idFromPath(req), pageFromQuery(req));
  reclaimSoon(d);
  sweepSoon(d);
  return Response.json(listing);
});
