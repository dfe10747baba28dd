// One resumable upload (tus 1.0, docs/API.md "Resumable uploads"): HEAD → its stored offset;
// PATCH with Upload-Offset and the next bytes (application/offset+octet-stream) → 204 with the
// new offset, the last one making it a file; DELETE → cancelled, its bytes and room freed. Each
// through the route helper: the session (and for PATCH and DELETE the Origin) before a byte of
// the body, a large body in its turn (route.ts). Only the owner's uploads are found.
import { userDrive } from '../../../../../lib/server/drive/drive-route';
import { tusServer } from '../../../../../lib/server/drive/drive-tus-server';
import { mutationRoute, queryRoute } from '../../../../../lib/server/route';

const tus = (name: string) => mutationRoute(name, null, async ({ req, ctx }) => tusServer(await userDrive(ctx), req.signal).handleWeb(req), { rawBody: true });

export const PATCH = tus('drive.tus.patch');
export const DELETE = tus('drive.tus.delete');
export const HEAD = queryRoute('drive.tus.head', async ({ req, ctx }) => tusServer(await userDrive(ctx)).handleWeb(req));
