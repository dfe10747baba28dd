// POST /api/drive/folders {"parent", "name"} → 201 the new folder (docs/API.md, Drive).
import { z } from 'zod';
import { mutationRoute } from '../../../../lib/server/route';
import { userDrive } from '../../../../lib/server/drive/drive-route';
import { createFolder } from '../../../../lib/server/drive/drive-tree';

const schema = z.object({
  parent: z.string({ error: 'The parent folder is required.' }).default('root'),
  name: z.unknown(),
});

export const POST = mutationRoute('drive.createFolder', schema, async ({ body, ctx }) => {
  const d = await userDrive(ctx);
  return Response.json({ item: await createFolder(d, body.parent, body.name) }, { status: 201 });
});
