// The drive's resumable uploads (tus 1.0, docs/API.md "Resumable uploads"):
// POST /api/drive/uploads with Upload-Length and Upload-Metadata (name, folder, filetype,
// fingerprint, replace) → 201 with Location /api/drive/uploads/<id>; GET /api/drive/uploads
// [?fingerprint=…] → the user's uploads still waiting for bytes, so a page on another frontend
// (another origin: its localStorage is not there) finds the one to resume.
import { z } from 'zod';
import { userDrive } from '../../../../lib/server/drive/drive-route';
import { tusServer, unfinishedUploads } from '../../../../lib/server/drive/drive-tus-server';
import { HttpError } from '../../../../lib/server/errors';
import { mutationRoute, queryRoute } from '../../../../lib/server/route';

export const POST = mutationRoute(
  'drive.tus.create',
  null,
  async ({ req, ctx }) => tusServer(await userDrive(ctx), req.signal).handleWeb(req),
  // A creation may carry the first bytes (creation-with-upload): streamed, like a PATCH.
  { rawBody: true },
);

const fingerprintSchema = z.string().max(1024).optional();

export const GET = queryRoute('drive.tus.list', async ({ req, ctx }) => {
  const d = await userDrive(ctx);
  const parsed = fingerprintSchema.safeParse(new URL(req.url).searchParams.get('fingerprint') ?? undefined);
  if (!parsed.success) throw new HttpError(400, 'invalid_argument', 'A fingerprint is at most 1024 characters.');
  return Response.json({ uploads: await unfinishedUploads(d, parsed.data) }, { headers: { 'Cache-Control': 'no-store' } });
});
