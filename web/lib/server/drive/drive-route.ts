// Glue between the drive's route handlers and web/lib/server/route.ts: the item id from the
// path, and the user's DriveContext.
import { z } from 'zod';
import { HttpError } from '../errors';
import { pathSegments } from '../request';
import { requireUser } from '../route';
import type { ServerContext } from '../context';
import { driveContext, type DriveContext } from './drive-context';
import type { PageRequest } from './drive-tree';

/** The last segment of the request's path: the `[id]` of the route. */
export function idFromPath(req: Request): string {
  return pathSegments(req, 0).at(-1) ?? '';
}

export async function userDrive(ctx: ServerContext): Promise<DriveContext> {
  const { user } = await requireUser();
  return driveContext(ctx, user.username);
}

const pageSchema = z.object({
  cursor: z.string().min(1).max(1024).optional(),
  limit: z.coerce.number().int().min(1).max(5000).optional(),
});

/** `?cursor=<next of the page before>&limit=<items>` of a folder listing (drive-paging.ts). */
export function pageFromQuery(req: Request): PageRequest {
  const params = new URL(req.url).searchParams;
  const parsed = pageSchema.safeParse({ cursor: params.get('cursor') ?? undefined, limit: params.get('limit') ?? undefined });
  if (!parsed.success) throw new HttpError(400, 'invalid_argument', 'A page is asked for as ?cursor=<the next of the page before>&limit=<1 to 5000>.');
  return parsed.data;
}
