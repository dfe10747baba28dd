// GET /api/drive/trash[?cursor=&limit=] → a page of the items in Trash, newest first, with where each
// came from, the count of all and the cursor of the next page (docs/API.md, Drive);
// POST /api/drive/trash {"id"} moves a file or folder there → {"item"};
// DELETE /api/drive/trash empties it: everything in it deleted for good → {"deleted"}.
import { z } from 'zod';
import { mutationRoute, queryRoute } from '../../../../lib/server/route';
import { pageFromQuery, userDrive } from '../../../../lib/server/drive/drive-route';
import { emptyTrash, listTrash, sweepSoon, trashItem } from '../../../../lib/server/drive/drive-trash';

export const GET = queryRoute('drive.trash.list', async ({ req, ctx }) => {
  const d = await userDrive(ctx);
  const listing = await listTrash(d, pageFromQuery(req));
  sweepSoon(d);
  return Response.json(listing);
});

const trashSchema = z.object({ id: z.string({ error: 'Send the "id" of the file or folder to move to Trash.' }).max(64) });

export const POST = mutationRoute('drive.trash', trashSchema, async ({ body, ctx }) => {
  const d = await userDrive(ctx);
  return Response.json({ item: await trashItem(d, body.id) });
});

export const DELETE = mutationRoute('drive.trash.empty', null, async ({ ctx }) => {
  const d = await userDrive(ctx);
  return Response.json({ deleted: await emptyTrash(d) });
});
