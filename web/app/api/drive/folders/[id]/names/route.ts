// POST /api/drive/folders/<id>/names {"names": [...]} → {"held": [{"name", "id", "kind"}]}: which
// of these names items of the folder hold now — what an upload asks before it sends, to offer
// Replace or Keep both, without listing a folder that may hold a hundred thousand items. A
// question, not a change; a POST because a batch of names may not fit in a URL.
import { z } from 'zod';
import { HttpError } from '../../../../../../lib/server/errors';
import { pathSegments } from '../../../../../../lib/server/request';
import { mutationRoute } from '../../../../../../lib/server/route';
import { userDrive } from '../../../../../../lib/server/drive/drive-route';
import { holdersOf } from '../../../../../../lib/server/drive/drive-folders';
import { kindOfId } from '../../../../../../lib/server/drive/drive-names';

const namesPerAskMax = 1000;

const schema = z.object({
  names: z
    .array(z.string().min(1).max(1024), { error: 'Send "names": the names to look for.' })
    .max(namesPerAskMax, `At most ${namesPerAskMax} names at once.`),
});

export const POST = mutationRoute('drive.folder.names', schema, async ({ req, body, ctx }) => {
  const d = await userDrive(ctx);
  const id = pathSegments(req, 0).at(-2) ?? '';
  if (kindOfId(id) !== 'folder') throw new HttpError(404, 'not_found', 'That folder does not exist (it may have been deleted).');
  const held = await holdersOf(d, id, body.names.map((n) => n.normalize('NFC')));
  return Response.json({ held: [...held].map(([name, h]) => ({ name, id: h.id, kind: h.entry.kind })) }, { headers: { 'Cache-Control': 'private, no-store' } });
});
