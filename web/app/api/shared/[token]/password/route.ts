// POST /api/shared/<token>/password {"password"} → 204 and the link's password cookie (HttpOnly,
// SameSite=Lax, sealed; web.sharePasswordCookieTtlSeconds); 401 `wrong_password`; 429 after too
// many wrong ones from the address or for the link (docs/API.md, "Sharing").
import { z } from 'zod';
import { HttpError } from '../../../../../lib/server/errors';
import { checkLinkPassword, giveUnlocked } from '../../../../../lib/server/drive/drive-share-guard';
import { linkPath, openLink } from '../../../../../lib/server/drive/drive-share-link';
import { clientAddress, mutationRoute } from '../../../../../lib/server/route';

const schema = z.object({ password: z.string({ error: 'Send the link\'s "password".' }).min(1, 'Type the password.').max(256) });

export const POST = mutationRoute('shared.password', schema, async ({ req, body, ctx }) => {
  const { token } = linkPath(req);
  const address = clientAddress(req);
  const record = await openLink(ctx, token, address);
  const hash = record.password;
  if (hash === null) return new Response(null, { status: 204 });
  const ok = await checkLinkPassword(ctx, address, token, () => ctx.hasher.verify(body.password, hash));
  if (!ok) throw new HttpError(401, 'wrong_password', 'That is not the password of this link.');
  await giveUnlocked(ctx, token);
  return new Response(null, { status: 204 });
}, { anonymous: true });
