// GET /api/mail/folders → {folders: [{id, name, role, specialUse, uidValidity, uidNext, total,
// unread, changeCounter}], quota}; POST {name} → 201 {folder} (docs/API.md, "Mail folders").
import { createFolder, folderNameSchema, listFolders } from '../../../../lib/server/mail/mail-folders-api';
import { mutationRoute, queryRoute, requireUser } from '../../../../lib/server/route';

export const GET = queryRoute('mail.folders', async () => {
  const { user } = await requireUser();
  return Response.json(await listFolders(user.username), { headers: { 'Cache-Control': 'private, no-store' } });
});

export const POST = mutationRoute('mail.createFolder', folderNameSchema, async ({ body }) => {
  const { user } = await requireUser();
  return Response.json({ folder: await createFolder(user.username, body.name) }, { status: 201 });
});
