// GET /api/admin/status → 200 the whole cluster (queries/admin.ts ClusterView): groups with their
// epoch, primary and nodes, the frontends, the mail daemon. Admins only (401, 403).
import { readClusterView } from '../../../../lib/server/admin/cluster-view';
import { requireAdmin } from '../../../../lib/server/admin/require-admin';
import { queryRoute } from '../../../../lib/server/route';

export const GET = queryRoute('admin status', async ({ req }) => {
  await requireAdmin(req);
  return Response.json(await readClusterView(), { headers: { 'Cache-Control': 'no-store' } });
});
