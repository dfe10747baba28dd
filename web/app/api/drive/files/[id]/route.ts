// GET or HEAD /api/drive/files/<id> → the file's content, streamed, as an attachment, or inline
// with ?inline=1 for the images, audio and video the viewer shows (drive-preview.ts); one byte
// range on request (drive-download.ts).
import { downloadFile } from '../../../../../lib/server/drive/drive-download';
import { idFromPath, userDrive } from '../../../../../lib/server/drive/drive-route';
import { queryRoute } from '../../../../../lib/server/route';

export const GET = queryRoute('drive.download', async ({ req, ctx }) => downloadFile(await userDrive(ctx), idFromPath(req), req, true));
export const HEAD = queryRoute('drive.head', async ({ req, ctx }) => downloadFile(await userDrive(ctx), idFromPath(req), req, false));
