// GET /api/drive/search?q=<text> → {"query", "hits", "truncated"}: files and folders whose name
// holds the text, case-blind, anywhere in the drive but Trash, each with its folder's path.
import { queryRoute } from '../../../../lib/server/route';
import { userDrive } from '../../../../lib/server/drive/drive-route';
import { searchDrive } from '../../../../lib/server/drive/drive-search';

export const GET = queryRoute('drive.search', async ({ req, ctx }) => {
  const d = await userDrive(ctx);
  return Response.json(await searchDrive(d, new URL(req.url).searchParams.get('q') ?? ''));
});
