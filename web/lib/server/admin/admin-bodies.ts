// The shapes of the admin routes' bodies and query strings (zod), checked before a handler runs.
import { z } from 'zod';

const nodeId = z.string({ error: 'node is required.' }).regex(/^g\d{1,2}r\d{1,2}$/, 'node must be a storage node id such as g0r1.');
/** Row and column names as the store limits them (kvs.rowBytesMax, columnBytesMax: 1 KiB by default). */
const cell = (field: string) => z.string({ error: `${field} is required.` }).min(1, `${field} is required.`).max(65536, `${field} is too long.`);

export const nodeActionBody = z.object({ node: nodeId });

export const rowsQuery = z.object({
  node: nodeId,
  after: z.string().max(65536, 'after is too long.').default(''),
  limit: z.coerce.number({ error: 'limit must be a number.' }).int('limit must be a whole number.').min(1, 'limit must be 1–100.').max(100, 'limit must be 1–100.').default(10),
});

export const valueQuery = z.object({
  node: nodeId,
  row: cell('row'),
  column: cell('column'),
  download: z.enum(['0', '1']).optional().transform((v) => v === '1'),
});
