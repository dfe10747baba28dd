// POST /api/mail/send {to, cc?, bcc?, subject, text, inReplyTo?, references?} as JSON, or the same
// fields as multipart/form-data with files under `attachments` → 201 {sentId, delivered, queued}.
import { sendBodyBytesMax, sendMail, sendSchema } from '../../../../lib/server/mail/mail-send';
import { mutationRoute, requireUser } from '../../../../lib/server/route';

export const POST = mutationRoute(
  'mail.send',
  sendSchema,
  async ({ body }) => {
    const { user } = await requireUser();
    return Response.json(await sendMail(user.username, body), { status: 201 });
  },
  { multipart: true, bodyBytesMax: sendBodyBytesMax },
);
