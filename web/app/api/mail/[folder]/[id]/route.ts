// GET /api/mail/<folder>/<id> → the message (and marks it read); PATCH {"unread": true|false}
// marks it; DELETE → removes it.
import { z } from 'zod';
import { mailContext, mailPath, messageGone } from '../../../../../lib/server/mail/mail-context';
import { viewMessage } from '../../../../../lib/server/mail/mail-view';
import { mutationRoute, queryRoute, requireUser } from '../../../../../lib/server/route';

export const GET = queryRoute('mail.read', async ({ req }) => {
  const { user } = await requireUser();
  const { folder, id } = mailPath(req);
  if (!id) throw messageGone();
  return Response.json(await viewMessage(user.username, folder, id), { headers: { 'Cache-Control': 'private, no-store' } });
});

const patchSchema = z.object({ unread: z.boolean({ error: 'Send {"unread": true} or {"unread": false}.' }) });

export const PATCH = mutationRoute('mail.mark', patchSchema, async ({ req, body }) => {
  const { user } = await requireUser();
  const { folder, id } = mailPath(req);
  if (!id || !(await mailContext().mailbox.setUnread(user.username, folder, id, body.unread))) throw messageGone();
  return Response.json({ unread: body.unread });
});

export const DELETE = mutationRoute('mail.delete', null, async ({ req }) => {
  const { user } = await requireUser();
  const { folder, id } = mailPath(req);
  if (!id || !(await mailContext().mailbox.remove(user.username, folder, id))) throw messageGone();
  return Response.json({ ok: true });
});
