// Glue between the drive's route handlers and web/lib/server/route.ts: the item id from the
// path, the user's DriveContext, and the upload route, which takes a raw body of any type and
// size (the generic routes read at most web.bodyBytesMax of JSON or a form).
import { checkOrigin } from '../request';
import { queryRoute, requireUser } from '../route';
import type { ServerContext } from '../context';
import { driveContext, type DriveContext } from './drive-context';

/** The last segment of the request's path: the `[id]` of the route. */
export function idFromPath(req: Request): string {
  const segments = new URL(req.url).pathname.split('/');
  return decodeURIComponent(segments[segments.length - 1] ?? '');
}

export async function userDrive(ctx: ServerContext): Promise<DriveContext> {
  const { user } = await requireUser();
  return driveContext(ctx, user.username);
}

/** A route whose body is a file: Origin checked like every mutation, the body left to the handler. */
export function rawBodyRoute(name: string, handler: (req: Request, ctx: ServerContext) => Promise<Response>) {
  return queryRoute(name, async ({ req, ctx }) => {
    checkOrigin(req, ctx.config.web.allowedOrigins);
    return handler(req, ctx);
  });
}
