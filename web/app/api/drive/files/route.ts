// POST (or PUT) /api/drive/files?folder=<id>&name=<name> with the file as the raw body → 201 the
// new file. The body is streamed into the store as it arrives (drive-upload.ts).
import { uploadFile } from '../../../../lib/server/drive/drive-upload';
import { userDrive } from '../../../../lib/server/drive/drive-route';
import { HttpError } from '../../../../lib/server/errors';
import { mutationRoute } from '../../../../lib/server/route';

const upload = mutationRoute('drive.upload', null, async ({ req, ctx }) => {
  const d = await userDrive(ctx);
  const url = new URL(req.url);
  const length = req.headers.get('content-length');
  const declaredBytes = length === null ? undefined : Number(length);
  if (declaredBytes !== undefined && !(Number.isSafeInteger(declaredBytes) && declaredBytes >= 0)) {
    throw new HttpError(400, 'invalid_argument', 'Content-Length is not a number of bytes.');
  }
  const item = await uploadFile(d, {
    folderId: url.searchParams.get('folder') ?? 'root',
    name: url.searchParams.get('name') ?? undefined,
    type: url.searchParams.get('type') ?? req.headers.get('content-type'),
    declaredBytes,
    body: req.body,
  });
  return Response.json({ item }, { status: 201 });
}, { rawBody: true });

export const POST = upload;
export const PUT = upload;
