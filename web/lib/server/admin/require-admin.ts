// The gate of every admin route and of the /admin page: a logged-in user (else 401) who is an
// admin (else 403), as cluster/model/accounts/admin-users.ts decides. And the audit line every admin action leaves in
// the frontend's log: who did what to which node or value, and how it went.
import type { z } from 'zod';
import type { LogFields } from '../../../../cluster/common/log.ts';
import { isPennError } from '../../../../cluster/common/errors.ts';
import { serverContext, type ServerContext } from '../context';
import { HttpError } from '../errors';
import { requireUser } from '../route';
import type { CurrentUser, Session } from '../session';

export const notAdminMessage = 'Only administrators can use the admin console.';

/** The admin behind this request; 401 without a session, 403 (logged) for anyone else. */
export async function requireAdmin(req: Request): Promise<{ user: CurrentUser; session: Session }> {
  const found = await requireUser();
  if (!found.user.admin) {
    logRefusal(found.user.username, new URL(req.url).pathname);
    throw new HttpError(403, 'permission_denied', notAdminMessage);
  }
  return found;
}

/** A user who is not an admin asked for an admin page or route: worth a line in the log. */
export function logRefusal(username: string, path: string): void {
  serverContext().log.warn('admin refused', { audit: true, user: username, action: 'refused', path, outcome: 'refused' });
}

/** A node that did not answer: 503, and for an admin the message names the node and its address. */
export function nodeUnavailable(node: { id: string; address: string }, err: unknown): unknown {
  if (!isPennError(err, 'unavailable') && !isPennError(err, 'deadline_exceeded')) return err;
  const reason = err instanceof Error ? err.message : String(err);
  return new HttpError(503, 'unavailable', `Storage node ${node.id} (${node.address}) does not answer: ${reason}`, { 'Retry-After': '2' });
}

/** One structured line per admin action: `{"msg": "admin halt g1r0", "admin": "alice", …}`. */
export function auditLog(ctx: ServerContext, admin: string, action: string, fields: LogFields & { outcome: 'ok' | 'failed' }): void {
  const subject = typeof fields.node === 'string' ? ` ${fields.node}` : '';
  const line = `admin ${action}${subject}`;
  const record = { audit: true, admin, action, ...fields };
  if (fields.outcome === 'ok') ctx.log.info(line, record);
  else ctx.log.warn(line, record);
}

/** The query string of a GET checked against a schema; 400 with the first rule broken. */
export function parseQuery<S extends z.ZodType>(req: Request, schema: S): z.infer<S> {
  const params = Object.fromEntries(new URL(req.url).searchParams);
  const parsed = schema.safeParse(params);
  if (!parsed.success) throw new HttpError(400, 'invalid_argument', parsed.error.issues[0]?.message ?? 'The request is not valid.');
  return parsed.data;
}
