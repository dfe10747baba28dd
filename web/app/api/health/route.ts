// GET /api/health → 200 {"ok": true, "frontend": n}: this frontend's server answers. It reads
// no session and asks the store nothing, so it is what a load balancer or an operator probes
// to tell a live frontend from a dead one (the store's health is GET /api/admin/status's), and
// what bench:web measures as the framework's ceiling on the machine.
import { serverContext } from '../../../lib/server/context';

export const dynamic = 'force-dynamic';

let body: string | undefined;

export function GET(): Response {
  body ??= JSON.stringify({ ok: true, frontend: serverContext().config.web.frontend });
  return new Response(body, { headers: { 'Content-Type': 'application/json', 'Cache-Control': 'no-store' } });
}
