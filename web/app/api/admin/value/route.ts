// GET /api/admin/value?node=g0r1&row=<row>&column=<column> → 200 a preview of the value (text or
// a hex dump of its first KiB); with &download=1, the whole value as an attachment. 404 when
// the cell does not exist. Admins only; every read is logged.
import { valueQuery } from '../../../../lib/server/admin/admin-bodies';
import { readRawValue } from '../../../../lib/server/admin/raw-data';
import { auditLog, parseQuery, requireAdmin } from '../../../../lib/server/admin/require-admin';
import { downloadName, previewValue } from '../../../../lib/server/admin/value-preview';
import { HttpError } from '../../../../lib/server/errors';
import { queryRoute } from '../../../../lib/server/route';
import type { ValuePreview } from '../../../../lib/queries/admin';

export const GET = queryRoute('admin value', async ({ req, ctx }) => {
  const { user } = await requireAdmin(req);
  const q = parseQuery(req, valueQuery);
  const value = await readRawValue(q.node, q.row, q.column);
  if (!value) throw new HttpError(404, 'not_found', `There is no column "${q.column}" in row "${q.row}".`);
  const action = q.download ? 'download' : 'view';
  auditLog(ctx, user.username, action, { node: q.node, row: q.row, column: q.column, bytes: value.length, outcome: 'ok' });
  if (q.download) {
    return new Response(new Uint8Array(value), {
      headers: {
        'Content-Type': 'application/octet-stream',
        'Content-Length': String(value.length),
        'Content-Disposition': `attachment; filename="${downloadName(q.row, q.column)}"`,
        'Cache-Control': 'no-store',
      },
    });
  }
  const preview: ValuePreview = { node: q.node, row: q.row, column: q.column, size: value.length, ...previewValue(value) };
  return Response.json(preview, { headers: { 'Cache-Control': 'no-store' } });
});
