// The end of a resumable upload: its bytes are all stored, and it becomes a file, in the order
// of any upload (drive-upload.ts): mark committing → file pointer → folder entry (the moment it
// becomes visible) → drop the record → drop the state. A commit cut short leaves the state at an
// offset below the end, so the client sends its last bytes again and the commit runs again; each
// step finds its effect already there and writes nothing.
//
// Replace: the file holding the name is replaced only now that the new one is complete, and it
// goes to Trash (drive-trash.ts, replaceIntoTrash), so a replace can be undone: listed in Trash,
// its pointer moved there, then one CPut of the folder swaps the two entries, so the name always
// names a whole file. Its bytes stay counted until Trash lets go of it.
import type { DriveItem } from '../../drive-api';
import { readCell, updateCell } from '../cells';
import { HttpError } from '../errors';
import { freeChunks } from './drive-chunks';
import type { DriveContext } from './drive-context';
import { newFileEntry, viewOf, withEntry, withoutEntry, type Entry, type Folder } from './drive-model';
import { chunkRowCount, fileAtColumn, filesRow, usageColumn } from './drive-names';
import { replaceIntoTrash } from './drive-trash';
import { findEntry, roomOf } from './drive-folders';
import { addEntry } from './drive-tree';
import { tusColumn, tusStateCodec, type TusState } from './drive-tus-state';
import { finish, markCommitting, release, usageCodec } from './drive-usage';

export async function commitTus(d: DriveContext, uploadId: string): Promise<DriveItem> {
  const t = { ...d, cluster: d.transfers };
  const row = filesRow(d.user);
  const state = await readCell(t.cluster, row, tusColumn(uploadId), tusStateCodec);
  if (!state) throw new HttpError(404, 'not_found', 'That upload does not exist (it may have been finished, cancelled or reclaimed).');
  const now = Date.now();
  const entry = newFileEntry({ name: state.name, size: state.length, type: state.type, chunkBytes: state.chunkBytes, chunksPerRow: state.chunksPerRow }, now);
  await updateCell(t.cluster, row, usageColumn, usageCodec, (u) => markCommitting(u, uploadId, state.length, now));
  await t.cluster.put(row, fileAtColumn(state.fileId), state.folder);
  try {
    if (state.replace) await replaceEntry(t, state, entry);
    else await addEntry(t, state.folder, state.fileId, entry);
  } catch (err) {
    // Refused for good (the name taken meanwhile, the folder gone or full): the upload is over.
    if (err instanceof HttpError && err.status < 500) {
      await discardTus(t, uploadId, state, true).catch((failed: unknown) =>
        t.log.warn(`drive: discarding upload ${uploadId} failed, left for reclaim: ${(failed as Error).message}`),
      );
    }
    throw err;
  }
  // Visible now; what fails below is left to drive-reclaim.ts, which sees the file.
  await updateCell(t.cluster, row, usageColumn, usageCodec, (u) => finish(u, uploadId)).catch((err: unknown) =>
    d.log.warn(`drive: upload ${uploadId} committed but its record stays: ${(err as Error).message}`),
  );
  await t.cluster.delete(row, tusColumn(uploadId)).catch((err: unknown) => d.log.warn(`drive: upload ${uploadId} committed but its state stays: ${(err as Error).message}`));
  return viewOf(state.fileId, entry);
}

/** The folder (the bucket of the name) with `old` taken out and the new entry in, as one value; refuses what withEntry refuses. */
export function swapped(folder: Folder, oldId: string, newId: string, entry: Entry, entriesMax: number, shownMax = entriesMax): Folder | undefined {
  const without = withoutEntry(folder, oldId) ?? folder;
  return withEntry(without, newId, entry, entriesMax, shownMax) ?? (without === folder ? undefined : without);
}

async function replaceEntry(t: DriveContext, state: TusState, entry: Entry): Promise<void> {
  const oldId = state.replace!;
  const folderId = state.folder;
  const [bucketMax, shownMax] = roomOf(t);
  const old = (await findEntry(t, folderId, oldId, state.name))?.entry;
  // Gone, renamed or moved since the upload began (or swapped by a commit cut short): a plain add,
  // which is refused if something else holds the name now.
  const plain = () => addEntry(t, folderId, state.fileId, entry);
  if (!old || old.kind !== 'file' || old.name !== state.name) return void (await plain());
  if (!(await replaceIntoTrash(t, folderId, oldId, old, (f) => swapped(f, oldId, state.fileId, entry, bucketMax, shownMax)))) await plain();
}

/**
 * Ends an upload that will not become a file: the state first (so no client resumes onto freed
 * chunks), then its chunks, its pointer when a commit had written it, then its record and room.
 * A failure is thrown; what is left is finished by the same call again, by discardRecord once
 * the state is gone, or by drive-reclaim.ts, which finds the record.
 */
export async function discardTus(t: DriveContext, uploadId: string, state: TusState, pointerWritten = false): Promise<void> {
  const row = filesRow(t.user);
  await t.cluster.delete(row, tusColumn(uploadId));
  await freeChunks(t.cluster, t.user, state.fileId, chunkRowCount(state.length, state.chunkBytes, state.chunksPerRow));
  if (pointerWritten) await t.cluster.delete(row, fileAtColumn(state.fileId));
  await updateCell(t.cluster, row, usageColumn, usageCodec, (u) => release(u, uploadId));
}

/**
 * A cancel cut short after the state went (its DELETE timed out under load, and the client sent
 * it again): the upload's record still holds its room. Frees its chunks — their rows known from
 * the reserved size, in the drive's chunk layout — then the record. False when there is no such
 * record (nothing to do: the upload is unknown, finished or fully discarded).
 */
export async function discardRecord(t: DriveContext, uploadId: string): Promise<boolean> {
  const row = filesRow(t.user);
  const upload = (await readCell(t.cluster, row, usageColumn, usageCodec))?.uploads[uploadId];
  if (!upload?.resumable || upload.committing) return false;
  const s = t.config.drive;
  await freeChunks(t.cluster, t.user, upload.fileId, chunkRowCount(upload.reservedBytes, s.chunkBytes, s.chunksPerRow));
  await updateCell(t.cluster, row, usageColumn, usageCodec, (u) => release(u, uploadId));
  return true;
}
