// Large folders' listings kept for a moment on this frontend. Every first page reads the folder
// whole (drive-folders.ts); for a folder of at least drive.folderSnapshotEntriesMin entries the
// frontend keeps what it read, and the pages after it (a cursor) are served from there for
// drive.folderSnapshotMs, sorted once, instead of reading and sorting 100,000 entries a page. A
// walk through the pages then sees one moment of the folder. Any change this frontend makes to
// the folder drops its snapshot, and a first page always reads anew, so a page refreshed after a
// change shows it; a change made on another frontend shows in later pages once the snapshot
// ages out (a page of a listing is never more than folderSnapshotMs behind).
import type { Config } from '../../../../cluster/common/config.ts';
import { compareItems, type Entry } from './drive-model';
import { candidatesOf, type Candidate } from './drive-paging';

interface Snapshot {
  takenAt: number;
  candidates: Candidate[];
  sorted: boolean;
}

const snapshots = new Map<string, Snapshot>();

const keyOf = (user: string, folderId: string) => `${user}\0${folderId}`;

type Settings = Pick<Config['drive'], 'folderSnapshotMs' | 'folderSnapshotEntriesMin' | 'folderSnapshotsMax'>;

/** Keeps a folder's entries as just read, when it is large enough to be worth it. */
export function remember(settings: Settings, user: string, folderId: string, pairs: [string, Entry][], nowMs: number): void {
  const key = keyOf(user, folderId);
  snapshots.delete(key);
  if (settings.folderSnapshotsMax === 0 || settings.folderSnapshotMs === 0) return;
  if (pairs.length < settings.folderSnapshotEntriesMin) return;
  snapshots.set(key, { takenAt: nowMs, candidates: candidatesOf(pairs), sorted: false });
  while (snapshots.size > settings.folderSnapshotsMax) snapshots.delete(snapshots.keys().next().value as string);
}

/** The folder's entries in the listing's order, when a young enough snapshot is kept. */
export function recall(settings: Settings, user: string, folderId: string, nowMs: number): Candidate[] | undefined {
  const key = keyOf(user, folderId);
  const snapshot = snapshots.get(key);
  if (!snapshot) return undefined;
  if (nowMs - snapshot.takenAt > settings.folderSnapshotMs) {
    snapshots.delete(key);
    return undefined;
  }
  if (!snapshot.sorted) {
    snapshot.candidates.sort(compareItems);
    snapshot.sorted = true;
  }
  return snapshot.candidates;
}

/** Drops a folder's snapshot: this frontend changed it. */
export function forget(user: string, folderId: string): void {
  snapshots.delete(keyOf(user, folderId));
}
