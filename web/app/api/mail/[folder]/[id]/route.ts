// GET /api/mail/<folder>/<id> → the message (and marks it read); PATCH {unread?, flagged?,
// answered?, folder?} sets flags and moves it → the message's listing row as it now is (a moved
// message has a new id); DELETE → {ok, trashId}: moved to Trash, or deleted for good from Trash.
import { mailPath, messageGone } from '../../../../../lib/server/mail/mail-context';
import { deleteMessage, messagePatchSchema, patchMessage } from '../../../../../lib/server/mail/mail-folders-api';
import { viewMessage } from '../../../../../lib/server/mail/mail-view';
import { mutationRoute, queryRoute, requireUser } from '../../../../../lib/server/route';

export const GET = queryRoute('mail.read', async ({ req }) => {
  const { user } = await requireUser();
  const { folder, id } = mailPath(req);
  if (!id) throw messageGone();
  return Response.json(await viewMessage(user.username, folder, id), { headers: { 'Cache-Control': 'private, no-store' } });
});

export const PATCH = mutationRoute('mail.mark', messagePatchSchema, async ({ req, body }) => {
  const { user } = await requireUser();
  const { folder, id } = mailPath(req);
  if (!id) throw messageGone();
  return Response.json(await patchMessage(user.username, folder, id, body));
});

export const DELETE = mutationRoute('mail.delete', null, async ({ req }) => {
  const { user } = await requireUser();
  const { folder, id } = mailPath(req);
  if (!id) throw messageGone();
  return Response.json(await deleteMessage(user.username, folder, id));
});
