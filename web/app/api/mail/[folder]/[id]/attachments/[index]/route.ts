// GET /api/mail/<folder>/<id>/attachments/<n> → the n-th attachment (from 0) as a download.
import { mailPath, messageGone } from '../../../../../../../lib/server/mail/mail-context';
import { downloadAttachment } from '../../../../../../../lib/server/mail/mail-view';
import { queryRoute, requireUser } from '../../../../../../../lib/server/route';

export const GET = queryRoute('mail.attachment', async ({ req }) => {
  const { user } = await requireUser();
  const { folder, id, rest } = mailPath(req);
  if (!id || rest[0] !== 'attachments') throw messageGone();
  return downloadAttachment(user.username, folder, id, rest[1]);
});
