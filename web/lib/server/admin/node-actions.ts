// Halt and Revive of one storage node, for the admin console. Halt makes the node act as if it
// crashed (it stops serving and drops its memory, keeping its disk); the coordinator notices
// within a few heartbeats and, when it was the primary, elects another in-sync member. Revive
// makes it recover from its disk and rejoin through the primary's catch-up (REPLICATION.md).
// Both are idempotent on the node, and both are logged with the admin who asked.
import type { NodeActionResult } from '../../queries/admin';
import type { ServerContext } from '../context';
import { adminClients, knownNode } from './admin-clients';
import { auditLog, nodeUnavailable } from './require-admin';

export async function runNodeAction(ctx: ServerContext, admin: string, nodeId: string, action: 'halt' | 'revive'): Promise<NodeActionResult> {
  const node = knownNode(nodeId);
  const client = adminClients().nodeAction(node.id);
  const startedMs = Date.now();
  try {
    if (action === 'halt') await client.halt();
    else await client.revive();
  } catch (err) {
    const reason = err instanceof Error ? err.message : String(err);
    auditLog(ctx, admin, action, { node: node.id, address: node.address, outcome: 'failed', reason });
    throw nodeUnavailable(node, err);
  }
  const state = await client.status().then(
    (s) => s.state,
    () => 'unknown',
  );
  auditLog(ctx, admin, action, { node: node.id, address: node.address, outcome: 'ok', state, ms: Date.now() - startedMs });
  return { node: node.id, action, state };
}
