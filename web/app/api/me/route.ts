// GET /api/me → 200 {"username", "admin", "frontend", "storageNode": {"id", "group"}}, or 401.
import { describeMe } from '../../../lib/server/me';
import { queryRoute, requireUser } from '../../../lib/server/route';

export const GET = queryRoute('me', async () => {
  const { user } = await requireUser();
  return Response.json(describeMe(user), { headers: { 'Cache-Control': 'no-store' } });
});
