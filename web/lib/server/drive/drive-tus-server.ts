// The tus server of one request (@tus/server, its Web-API handleWeb), on the session user's
// drive: the route handlers (app/api/drive/uploads/**) have already checked the session, the
// Origin and the large-body admission (route.ts) before it runs. Built per request — it holds
// nothing but its options — with one lock table per frontend: two requests for one upload on
// this frontend take turns (the newer asks the older to stop); across frontends, chunks written
// twice hold the same bytes and offsets only rise (drive-tus-store.ts).
//
// Our errors (HttpError, the store's) become our JSON error shape with their status — a quota
// refused is 413 `quota_exceeded` with the message saying how much room is free; tus' own keep
// theirs. No CORS: uploads come from the site's own pages.
import { MemoryLocker, Server, type Upload } from '@tus/server';
import { isPennError } from '../../../../cluster/common/errors.ts';
import { readCell } from '../cells';
import { errorResponse, HttpError } from '../errors';
import type { DriveContext } from './drive-context';
import { filesRow, usageColumn } from './drive-names';
import { commitTus } from './drive-tus-commit';
import { newUploadId, tusColumn, tusStateCodec } from './drive-tus-state';
import { KvsTusStore } from './drive-tus-store';
import { usageCodec } from './drive-usage';

export const tusPath = '/api/drive/uploads';

const lockerKey = Symbol.for('penncloud.web.tusLocker');
const shared = globalThis as { [lockerKey]?: MemoryLocker };

/** `gone`: the request's signal (KvsTusStore cuts a body off when its client goes away). */
export function tusServer(d: DriveContext, gone?: AbortSignal): Server {
  return new Server({
    path: tusPath,
    datastore: new KvsTusStore(d, gone),
    locker: (shared[lockerKey] ??= new MemoryLocker()),
    relativeLocation: true,
    namingFunction: () => newUploadId(),
    allowedOrigins: () => false,
    onUploadFinish: async (_req, upload: Upload) => {
      const item = await commitTus(d, upload.id);
      return { headers: { 'Drive-File-Id': item.id } };
    },
    onResponseError: async (_req, err) => {
      if (!(err instanceof HttpError || isPennError(err))) return undefined;
      const answer = errorResponse(err, d.log, 'drive.tus');
      return { status_code: answer.status, body: await answer.text() };
    },
  });
}

/** An upload not yet finished, as GET /api/drive/uploads lists it. */
export interface UnfinishedUpload {
  id: string;
  url: string;
  name: string;
  folder: string;
  size: number;
  offset: number;
  created: string;
  fingerprint?: string;
}

/** The user's resumable uploads still waiting for bytes, optionally only those of one fingerprint. */
export async function unfinishedUploads(d: DriveContext, fingerprint?: string): Promise<UnfinishedUpload[]> {
  const row = filesRow(d.user);
  const usage = await readCell(d.cluster, row, usageColumn, usageCodec);
  const ids = Object.entries(usage?.uploads ?? {})
    .filter(([, u]) => u.resumable && !u.committing)
    .map(([id]) => id);
  const states = await Promise.all(ids.map(async (id) => [id, await readCell(d.cluster, row, tusColumn(id), tusStateCodec)] as const));
  const out: UnfinishedUpload[] = [];
  for (const [id, s] of states) {
    if (!s || s.owner !== d.user || (fingerprint !== undefined && s.fingerprint !== fingerprint)) continue;
    out.push({
      id,
      url: `${tusPath}/${id}`,
      name: s.name,
      folder: s.folder,
      size: s.length,
      offset: s.offset,
      created: new Date(s.created).toISOString(),
      ...(s.fingerprint ? { fingerprint: s.fingerprint } : {}),
    });
  }
  return out;
}
