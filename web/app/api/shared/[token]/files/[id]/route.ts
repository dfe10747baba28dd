// GET or HEAD /api/shared/<token>/files/<id> → the linked file, or a file inside the linked
// folder, streamed with nosniff and a sandboxing CSP (drive-download.ts): an attachment, or
// inline with ?inline=1 for the images, audio and video the link's viewer shows
// (drive-preview.ts); one byte range on request. Any other id is 404.
import { clientAddress, queryRoute } from '../../../../../../lib/server/route';
import { downloadShared } from '../../../../../../lib/server/drive/drive-share-access';
import { linkPath, unlockedLink } from '../../../../../../lib/server/drive/drive-share-link';

function download(withBody: boolean) {
  return queryRoute('shared.download', async ({ req, ctx }) => {
    const { token, id } = linkPath(req);
    const { record, d } = await unlockedLink(ctx, token, clientAddress(req));
    return downloadShared(d, record.item, id, req, withBody);
  });
}

export const GET = download(true);
export const HEAD = download(false);
