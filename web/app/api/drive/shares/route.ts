// The owner's shares (docs/API.md, "Sharing"):
// GET /api/drive/shares[?item=<id>] → {"shares": [...]}, newest first, each item as it is now;
// POST /api/drive/shares {"item", "kind": "link", "expiresAt"?, "password"?} or
//                        {"item", "kind": "user", "username"} → 201 {"share"}.
import { z } from 'zod';
import { HttpError } from '../../../../lib/server/errors';
import { userDrive } from '../../../../lib/server/drive/drive-route';
import { createLink, listOwnedShares, shareWithUser } from '../../../../lib/server/drive/drive-share-store';
import { mutationRoute, queryRoute } from '../../../../lib/server/route';

const item = z.string({ error: 'Send the "item" id of the file or folder to share.' }).max(64);

const schema = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('link'),
    item,
    expiresAt: z.string().max(64).nullable().optional(),
    password: z
      .string()
      .max(256, 'A link password is at most 256 characters.')
      .refine((p) => p === '' || p.length >= 4, 'A link password is at least 4 characters (or none).')
      .nullable()
      .optional(),
  }),
  z.object({ kind: z.literal('user'), item, username: z.string({ error: 'Send the "username" to share with.' }).max(64) }),
], { error: 'Send "kind": "link" or "user".' });

export const POST = mutationRoute('drive.share.create', schema, async ({ body, ctx }) => {
  const d = await userDrive(ctx);
  const share =
    body.kind === 'link'
      ? await createLink(ctx, d, { item: body.item, expiresAt: body.expiresAt, password: body.password || null })
      : await shareWithUser(d, body.item, body.username);
  return Response.json({ share }, { status: 201 });
});

export const GET = queryRoute('drive.share.list', async ({ req, ctx }) => {
  const d = await userDrive(ctx);
  const itemId = new URL(req.url).searchParams.get('item') ?? undefined;
  if (itemId !== undefined && itemId.length > 64) throw new HttpError(400, 'invalid_argument', 'An item id is at most 64 characters.');
  return Response.json({ shares: await listOwnedShares(d, itemId) }, { headers: { 'Cache-Control': 'no-store' } });
});
