// GET /api/mail/<inbox|sent>?limit=25&before=<next>&sort=date|who|subject&order=desc|asc → one
// page of the folder, newest first unless sorted otherwise, with the mailbox's usage against its
// quota (docs/API.md).
import { listFolder, parseSort } from '../../../../lib/server/mail/mail-list';
import { mailPath } from '../../../../lib/server/mail/mail-context';
import { queryRoute, requireUser } from '../../../../lib/server/route';

export const GET = queryRoute('mail.list', async ({ req }) => {
  const { user } = await requireUser();
  const { folder } = mailPath(req);
  const params = new URL(req.url).searchParams;
  const page = await listFolder(user.username, folder, { before: params.get('before'), limit: Number(params.get('limit') ?? 25), ...parseSort(params) });
  return Response.json(page, { headers: { 'Cache-Control': 'private, no-store' } });
});
