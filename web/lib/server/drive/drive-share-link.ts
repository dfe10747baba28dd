// A link as its visitor reaches it (the public routes under /api/shared/<token> and the page
// /s/<token>): the guess limit first, then the link, then its password. Answers the owner's
// drive and the shared item, or throws: 429 (too many misses from the address), 404 (no such
// link: never made, revoked or expired — one answer for all three, so it tells a guesser nothing
// about which tokens once existed), 401 `password_required` (no valid cookie).
import { z } from 'zod';
import type { ServerContext } from '../context';
import { HttpError } from '../errors';
import { pathSegments } from '../request';
import { hasUnlocked, recordMiss, refuseGuesser } from './drive-share-guard';
import type { LinkRecord } from './drive-share-rules';
import { findLink } from './drive-share-store';
import { driveContext, type DriveContext } from './drive-context';

const linkPathSchema = z.object({
  // Any string up to this long is looked up (and counted as a miss when it names no link).
  token: z.string().max(64, 'A link token is at most 64 characters.'),
  id: z.string().max(64, 'An item id is at most 64 characters.'),
});

/** The token and item id of `/api/shared/<token>[/<folders|files>/<id>]`. */
export function linkPath(req: Request): z.infer<typeof linkPathSchema> {
  const [token = '', , id = ''] = pathSegments(req, 2);
  const parsed = linkPathSchema.safeParse({ token, id });
  if (!parsed.success) throw new HttpError(400, 'invalid_argument', parsed.error.issues[0]?.message ?? 'The path is not valid.');
  return parsed.data;
}

export const linkGoneText = 'This link is not available: it was revoked, it has expired, or it never existed.';

/** The link, before its password: 429 or 404 as above. */
export async function openLink(ctx: ServerContext, token: string, address: string): Promise<LinkRecord> {
  await refuseGuesser(ctx, address);
  const found = await findLink(ctx, token);
  if (found.found) return found.record;
  // An expired link is no guess: it is not counted against the address.
  if (!found.expired) await recordMiss(ctx, address);
  throw new HttpError(404, 'not_found', linkGoneText);
}

/** The link, its password given: what a listing or a download reads. */
export async function unlockedLink(ctx: ServerContext, token: string, address: string): Promise<{ record: LinkRecord; d: DriveContext }> {
  const record = await openLink(ctx, token, address);
  if (record.password !== null && !(await hasUnlocked(ctx, token))) {
    throw new HttpError(401, 'password_required', 'This link asks for a password.');
  }
  return { record, d: driveContext(ctx, record.owner) };
}
