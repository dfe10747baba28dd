// POST /api/mail/send {to, cc?, subject, text, inReplyTo?, references?} → 201 {sentId, delivered, queued}.
import { sendMail, sendSchema } from '../../../../lib/server/mail/mail-send';
import { mutationRoute, requireUser } from '../../../../lib/server/route';

export const POST = mutationRoute('mail.send', sendSchema, async ({ body }) => {
  const { user } = await requireUser();
  return Response.json(await sendMail(user.username, body), { status: 201 });
});
