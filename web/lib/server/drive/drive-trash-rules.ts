// Trash's pure rules: the entry a trashed item gets, the free name a restored one takes when its
// old name is taken, and which items the sweep deletes for good. Like drive-model.ts, every
// change is a pure function of the folder it is given (a CPut retry runs it again) and answers
// `undefined` when the folder is already as it wants it.
import type { TrashItem } from '../../drive-trash-api';
import { HttpError } from '../errors';
import { findByName, viewOf, type Entry, type Folder } from './drive-model';
import { nameBytesMax } from './drive-names';
import { badCursor, cursorJson } from './drive-paging';

export interface Trashed {
  from: string;
  fromPath: string;
  at: number;
}

/**
 * Adds a trashed item to Trash (`trash`: the bucket its id picks); names may repeat there.
 * Refuses when the bucket holds `entriesMax`; `shownMax` is the room the refusal names.
 */
export function withTrashed(trash: Folder, id: string, entry: Entry, trashed: Trashed, entriesMax: number, shownMax = entriesMax): Folder | undefined {
  if (trash.entries[id]) return undefined;
  if (Object.keys(trash.entries).length >= entriesMax) {
    throw new HttpError(409, 'failed_precondition', `Trash holds at most ${shownMax} items; empty it, or delete some for good, first.`);
  }
  return { ...trash, entries: { ...trash.entries, [id]: { ...entry, trashed } } };
}

/** The entry as it was before it went to Trash, under `name`. */
export function restoredEntry(entry: Entry, name: string): Entry {
  const copy = { ...entry, name };
  delete copy.trashed;
  return copy;
}

/**
 * `name` when no other entry of `folder` has it, else the first free of "name (1).ext",
 * "name (2).ext", … (a folder's name has no extension; neither has ".profile"). A base that
 * would make the name too long is cut. `selfId`'s own entry does not count: a retry of a restore
 * that had applied finds the item under the name it took.
 */
export function freeName(folder: Folder, name: string, selfId: string, kind: Entry['kind']): string {
  // At most one more than the folder's entries can be taken: some n up to there is free.
  for (let n = 0; ; n++) {
    const candidate = nameCandidate(name, kind, n);
    const other = findByName(folder, candidate);
    if (other === undefined || other === selfId) return candidate;
  }
}

/**
 * The n-th name a restored item tries: its own (n = 0), then "name (n).ext". A folder of
 * buckets is tried one candidate at a time, each in the bucket its name picks (drive-trash.ts).
 */
export function nameCandidate(name: string, kind: Entry['kind'], n: number): string {
  if (n === 0) return name;
  const dot = kind === 'file' ? name.lastIndexOf('.') : -1;
  const base = dot > 0 ? name.slice(0, dot) : name;
  const ext = dot > 0 ? name.slice(dot) : '';
  const suffix = ` (${n})${ext}`;
  return cutToBytes(base, nameBytesMax - Buffer.byteLength(suffix, 'utf8')).trimEnd() + suffix;
}

function cutToBytes(text: string, bytesMax: number): string {
  if (Buffer.byteLength(text, 'utf8') <= bytesMax) return text;
  let out = '';
  for (const ch of text) {
    if (Buffer.byteLength(out + ch, 'utf8') > bytesMax) break;
    out += ch;
  }
  return out;
}

/** Items trashed at or before `nowMs - retentionMs`, oldest first, at most `max` of them. */
export function expiredInTrash(trash: Folder | undefined, nowMs: number, retentionMs: number, max: number): string[] {
  if (!trash) return [];
  return Object.entries(trash.entries)
    .filter(([, e]) => e.trashed !== undefined && e.trashed.at <= nowMs - retentionMs)
    .sort(([, a], [, b]) => a.trashed!.at - b.trashed!.at)
    .slice(0, max)
    .map(([id]) => id);
}

/** Where a Trash page ends: the last item shown, by when it was trashed, its name and its id. */
interface TrashPlace {
  at: number;
  name: string;
  id: string;
}

function encodeTrashCursor(place: TrashPlace): string {
  return Buffer.from(JSON.stringify([place.at, place.name, place.id]), 'utf8').toString('base64url');
}

function decodeTrashCursor(text: string): TrashPlace {
  const parsed = cursorJson(text);
  if (!Array.isArray(parsed) || parsed.length !== 3 || typeof parsed[0] !== 'number' || typeof parsed[1] !== 'string' || typeof parsed[2] !== 'string') throw badCursor();
  return { at: parsed[0], name: parsed[1], id: parsed[2] };
}

/** Newest first, then by name and id: plain order of the strings (a collator over Trash's 100,000 costs too much). */
function compareTrash(a: TrashPlace, b: TrashPlace): number {
  return b.at - a.at || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
}

export interface TrashPage {
  items: TrashItem[];
  /** Items in all of Trash. */
  total: number;
  next: string | null;
}

/**
 * One page of Trash as the API lists it: the `limit` items after `cursor` (the `next` of the page
 * before), newest first. The cursor names the last item shown, not a position, so an item
 * restored or trashed meanwhile neither repeats nor skips the ones after it.
 */
export function trashPage(trash: Folder | undefined, retentionMs: number, cursor: string | undefined, limit: number): TrashPage {
  const after = cursor === undefined ? undefined : decodeTrashCursor(cursor);
  const places = Object.entries(trash?.entries ?? {}).map(([id, e]) => ({ at: e.trashed?.at ?? e.modified, name: e.name, id, entry: e }));
  const total = places.length;
  const sorted = (after ? places.filter((p) => compareTrash(after, p) < 0) : places).sort(compareTrash);
  const shown = sorted.slice(0, limit);
  const items = shown.map(({ at, id, entry: e }): TrashItem => ({
    ...viewOf(id, e),
    from: { id: e.trashed?.from ?? 'root', path: e.trashed?.fromPath ?? '' },
    trashedAt: new Date(at).toISOString(),
    purgeAt: new Date(at + retentionMs).toISOString(),
  }));
  const last = shown.at(-1);
  return { items, total, next: sorted.length > limit && last ? encodeTrashCursor(last) : null };
}
