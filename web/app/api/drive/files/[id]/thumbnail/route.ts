// GET /api/drive/files/<id>/thumbnail → a small WebP of an image, made once and kept in the store
// (drive-thumbnail.ts); 422 no_preview for a file that has none.
import { pathSegments } from '../../../../../../lib/server/request';
import { thumbnailResponse } from '../../../../../../lib/server/drive/drive-thumbnail';
import { userDrive } from '../../../../../../lib/server/drive/drive-route';
import { queryRoute } from '../../../../../../lib/server/route';

export const GET = queryRoute('drive.thumbnail', async ({ req, ctx }) => {
  // /api/drive/files/<id>/thumbnail
  const [id = ''] = pathSegments(req, 3);
  return thumbnailResponse(await userDrive(ctx), id, req);
});
