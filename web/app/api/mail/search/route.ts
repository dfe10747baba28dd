// GET /api/mail/search?q=<text>&folder=<folder id, optional>&limit=<1..200, default 50> →
// {"messages": [rows as GET /api/mail/<folder> has them, each with its "folder"], "more"}:
// messages holding every word of q (sender, recipients, subject, text), newest first, in one
// folder or all of them (docs/API.md). 400 for an empty or over-long q (200 characters).
import { searchMail } from '../../../../lib/server/mail/mail-search-api';
import { queryRoute, requireUser } from '../../../../lib/server/route';

export const GET = queryRoute('mail.search', async ({ req }) => {
  const { user } = await requireUser();
  const answer = await searchMail(user.username, new URL(req.url).searchParams);
  return Response.json(answer, { headers: { 'Cache-Control': 'private, no-store' } });
});
