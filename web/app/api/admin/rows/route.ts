// GET /api/admin/rows?node=g0r1&after=<row>&limit=10 → 200 one page of that node's rows (each
// with its columns' names and sizes) and `nextAfter`. Admins only; each page read is logged.
import { rowsQuery } from '../../../../lib/server/admin/admin-bodies';
import { readRawRows } from '../../../../lib/server/admin/raw-data';
import { auditLog, parseQuery, requireAdmin } from '../../../../lib/server/admin/require-admin';
import { queryRoute } from '../../../../lib/server/route';

export const GET = queryRoute('admin rows', async ({ req, ctx }) => {
  const { user } = await requireAdmin(req);
  const q = parseQuery(req, rowsQuery);
  const page = await readRawRows(q.node, q.after, q.limit);
  auditLog(ctx, user.username, 'rows', { node: q.node, after: q.after, rows: page.rows.length, outcome: 'ok' });
  return Response.json(page, { headers: { 'Cache-Control': 'no-store' } });
});
