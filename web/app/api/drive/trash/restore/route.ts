// POST /api/drive/trash/restore {"id"} → {"item", "folder"}: the item back in the folder it came
// from (or the top), under a free name when its own is taken there (docs/API.md, Drive).
import { z } from 'zod';
import { mutationRoute } from '../../../../../lib/server/route';
import { userDrive } from '../../../../../lib/server/drive/drive-route';
import { restoreItem } from '../../../../../lib/server/drive/drive-trash';

const schema = z.object({ id: z.string({ error: 'Send the "id" of the item to restore.' }).max(64) });

export const POST = mutationRoute('drive.trash.restore', schema, async ({ body, ctx }) => {
  const d = await userDrive(ctx);
  return Response.json(await restoreItem(d, body.id));
});
