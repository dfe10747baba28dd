// PATCH /api/drive/items/<id> {"name"?, "parent"?} renames and/or moves a file or folder;
// DELETE /api/drive/items/<id> deletes it (a folder with everything in it).
import { z } from 'zod';
import { HttpError } from '../../../../../lib/server/errors';
import { idFromPath, userDrive } from '../../../../../lib/server/drive/drive-route';
import { deleteItem, moveItem, renameItem } from '../../../../../lib/server/drive/drive-tree';
import { mutationRoute } from '../../../../../lib/server/route';

const patchSchema = z.object({
  name: z.unknown().optional(),
  parent: z.string({ error: 'The target folder must be a folder id.' }).optional(),
});

export const PATCH = mutationRoute('drive.update', patchSchema, async ({ req, body, ctx }) => {
  const d = await userDrive(ctx);
  const id = idFromPath(req);
  if (body.name === undefined && body.parent === undefined) {
    throw new HttpError(400, 'invalid_argument', 'Send a new "name", a target folder "parent", or both.');
  }
  let item = body.parent === undefined ? undefined : await moveItem(d, id, body.parent);
  if (body.name !== undefined) item = await renameItem(d, id, body.name);
  return Response.json({ item });
});

export const DELETE = mutationRoute('drive.delete', null, async ({ req, ctx }) => {
  const d = await userDrive(ctx);
  return Response.json({ deleted: await deleteItem(d, idFromPath(req)) });
});
