// PATCH /api/mail/folders/<id> {name} → {folder} renames a user's folder (and those under it);
// DELETE → {ok: true} deletes an empty one (docs/API.md, "Mail folders").
import { isFolder } from '../../../../../../cluster/model/mail/mailbox.ts';
import { noSuchFolder } from '../../../../../lib/server/mail/mail-context';
import { deleteFolder, folderNameSchema, renameFolder } from '../../../../../lib/server/mail/mail-folders-api';
import { pathSegments } from '../../../../../lib/server/request';
import { mutationRoute, requireUser } from '../../../../../lib/server/route';

function folderId(req: Request): string {
  const [id] = pathSegments(req, 3);
  if (!id || !isFolder(id)) throw noSuchFolder();
  return id;
}

export const PATCH = mutationRoute('mail.renameFolder', folderNameSchema, async ({ req, body }) => {
  const { user } = await requireUser();
  return Response.json({ folder: await renameFolder(user.username, folderId(req), body.name) });
});

export const DELETE = mutationRoute('mail.deleteFolder', null, async ({ req }) => {
  const { user } = await requireUser();
  await deleteFolder(user.username, folderId(req));
  return Response.json({ ok: true });
});
