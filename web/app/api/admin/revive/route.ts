// POST /api/admin/revive {"node": "g1r0"} → 200 {"node", "action": "revive", "state"}: the node
// recovers from its disk and rejoins its group. Admins only; Origin-checked; logged.
import { nodeActionBody } from '../../../../lib/server/admin/admin-bodies';
import { runNodeAction } from '../../../../lib/server/admin/node-actions';
import { requireAdmin } from '../../../../lib/server/admin/require-admin';
import { mutationRoute } from '../../../../lib/server/route';

export const POST = mutationRoute('admin revive', nodeActionBody, async ({ req, body, ctx }) => {
  const { user } = await requireAdmin(req);
  return Response.json(await runNodeAction(ctx, user.username, body.node, 'revive'));
});
