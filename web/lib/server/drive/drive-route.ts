// Glue between the drive's route handlers and web/lib/server/route.ts: the item id from the
// path, and the user's DriveContext.
import { pathSegments } from '../request';
import { requireUser } from '../route';
import type { ServerContext } from '../context';
import { driveContext, type DriveContext } from './drive-context';

/** The last segment of the request's path: the `[id]` of the route. */
export function idFromPath(req: Request): string {
  return pathSegments(req, 0).at(-1) ?? '';
}

export async function userDrive(ctx: ServerContext): Promise<DriveContext> {
  const { user } = await requireUser();
  return driveContext(ctx, user.username);
}
