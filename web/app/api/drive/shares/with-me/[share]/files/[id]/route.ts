// GET or HEAD /api/drive/shares/with-me/<share>/files/<id> → a file of an item shared with me,
// streamed as an attachment (drive-download.ts), when it is that item or inside it.
import { pathSegments } from '../../../../../../../../lib/server/request';
import { downloadShared } from '../../../../../../../../lib/server/drive/drive-share-access';
import { findIncoming } from '../../../../../../../../lib/server/drive/drive-share-store';
import { queryRoute, requireUser } from '../../../../../../../../lib/server/route';

function download(withBody: boolean) {
  return queryRoute('drive.share.withMe.download', async ({ req, ctx }) => {
    const { user } = await requireUser();
    const [share = '', , id = ''] = pathSegments(req, 4);
    const { d, sharedId } = await findIncoming(ctx, user.username, share);
    return downloadShared(d, sharedId, id, req, withBody);
  });
}

export const GET = download(true);
export const HEAD = download(false);
