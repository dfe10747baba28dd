// GET /api/mail/<folder>?limit=25&before=<next>&sort=date|who|subject&order=desc|asc → one
// page of the folder (its id: inbox, drafts, sent, junk, trash, f<n>), newest first unless
// sorted otherwise, with the mailbox's usage against its quota; POST /api/mail/drafts {to, cc,
// bcc, subject, text, replaces?} → 201 {id, uid} saves a draft; DELETE /api/mail/trash (or junk)
// → {removed} empties it (docs/API.md).
import { mailPath } from '../../../../lib/server/mail/mail-context';
import { draftSchema, saveDraft } from '../../../../lib/server/mail/mail-draft';
import { emptyFolder } from '../../../../lib/server/mail/mail-folders-api';
import { listFolder, parseSort } from '../../../../lib/server/mail/mail-list';
import { sendBodyBytesMax } from '../../../../lib/server/mail/mail-send';
import { HttpError } from '../../../../lib/server/errors';
import { mutationRoute, queryRoute, requireUser } from '../../../../lib/server/route';

export const GET = queryRoute('mail.list', async ({ req }) => {
  const { user } = await requireUser();
  const { folder } = mailPath(req);
  const params = new URL(req.url).searchParams;
  const page = await listFolder(user.username, folder, { before: params.get('before'), limit: Number(params.get('limit') ?? 25), ...parseSort(params) });
  return Response.json(page, { headers: { 'Cache-Control': 'private, no-store' } });
});

export const POST = mutationRoute(
  'mail.saveDraft',
  draftSchema,
  async ({ req, body }) => {
    const { user } = await requireUser();
    const { folder } = mailPath(req);
    if (folder !== 'drafts') throw new HttpError(405, 'method_not_allowed', 'Messages are saved only in Drafts; send mail with /api/mail/send.');
    return Response.json(await saveDraft(user.username, body), { status: 201 });
  },
  { bodyBytesMax: sendBodyBytesMax },
);

export const DELETE = mutationRoute('mail.emptyFolder', null, async ({ req }) => {
  const { user } = await requireUser();
  const { folder } = mailPath(req);
  return Response.json({ removed: await emptyFolder(user.username, folder) });
});
