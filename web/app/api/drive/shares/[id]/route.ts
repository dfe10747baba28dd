// DELETE /api/drive/shares/<id> → {"revoked": "<id>"}: the share stops working before the answer,
// on every frontend (docs/API.md, "Sharing").
import { idFromPath, userDrive } from '../../../../../lib/server/drive/drive-route';
import { revokeShare } from '../../../../../lib/server/drive/drive-share-store';
import { mutationRoute } from '../../../../../lib/server/route';

export const DELETE = mutationRoute('drive.share.revoke', null, async ({ req, ctx }) => {
  const d = await userDrive(ctx);
  const id = idFromPath(req);
  await revokeShare(d, id);
  return Response.json({ revoked: id });
});
