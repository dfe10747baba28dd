// POST /api/admin/halt {"node": "g1r0"} → 200 {"node", "action": "halt", "state"}: the node acts
// as crashed until revived. Admins only; Origin-checked like every mutation; logged.
import { nodeActionBody } from '../../../../lib/server/admin/admin-bodies';
import { runNodeAction } from '../../../../lib/server/admin/node-actions';
import { requireAdmin } from '../../../../lib/server/admin/require-admin';
import { mutationRoute } from '../../../../lib/server/route';

export const POST = mutationRoute('admin halt', nodeActionBody, async ({ req, body, ctx }) => {
  const { user } = await requireAdmin(req);
  return Response.json(await runNodeAction(ctx, user.username, body.node, 'halt'));
});
