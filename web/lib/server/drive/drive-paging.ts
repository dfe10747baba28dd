// One page of a folder's listing, pure: the items after a cursor in the listing's order
// (drive-model.ts, compareItems), at most `limit` of them, and the cursor of the next page. The
// cursor names the last item shown (kind, name, id), not a position, so an item added or removed
// before it neither repeats nor skips the items after it. A page is picked without sorting the
// whole folder: one pass keeps the `limit` smallest items after the cursor in a heap, which for
// a folder of 100,000 costs about two comparisons an item.
import { HttpError } from '../errors';
import { compareItems, type Entry } from './drive-model';

export interface Place {
  kind: Entry['kind'];
  name: string;
  id: string;
}

const cursorCharsMax = 1024;

export function encodeCursor(place: Place): string {
  return Buffer.from(JSON.stringify([place.kind === 'folder' ? 'd' : 'f', place.name, place.id]), 'utf8').toString('base64url');
}

export const badCursor = () => new HttpError(400, 'invalid_argument', 'That page cursor is not one this listing gave; start from the first page.');

/** A cursor's JSON (base64url, bounded); its shape is the listing's to check. */
export function cursorJson(text: string): unknown {
  if (text.length > cursorCharsMax || !/^[A-Za-z0-9_-]+$/.test(text)) throw badCursor();
  try {
    return JSON.parse(Buffer.from(text, 'base64url').toString('utf8'));
  } catch {
    throw badCursor();
  }
}

export function decodeCursor(text: string): Place {
  const parsed = cursorJson(text);
  if (!Array.isArray(parsed) || parsed.length !== 3 || !['d', 'f'].includes(parsed[0] as string) || typeof parsed[1] !== 'string' || typeof parsed[2] !== 'string') throw badCursor();
  return { kind: parsed[0] === 'd' ? 'folder' : 'file', name: parsed[1], id: parsed[2] };
}

export interface Picked {
  /** The page's entries, in order. */
  entries: [string, Entry][];
  /** Items of the whole folder. */
  total: number;
  /** Where the next page starts, when there is one. */
  next: Place | undefined;
}

export type Candidate = Place & { entry: Entry };

/** The folder's entries as candidates of a page, in no order. */
export function candidatesOf(pairs: [string, Entry][]): Candidate[] {
  return pairs.map(([id, entry]) => ({ kind: entry.kind, name: entry.name, id, entry }));
}

/** A page of candidates already in the listing's order: found by binary search, no pass over the rest. */
export function pageOfSorted(sorted: Candidate[], after: Place | undefined, limit: number): Picked {
  let lo = 0;
  if (after) {
    let hi = sorted.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (compareItems(sorted[mid]!, after) <= 0) lo = mid + 1;
      else hi = mid;
    }
  }
  const page = sorted.slice(lo, lo + limit);
  const last = page.at(-1);
  return {
    entries: page.map((c) => [c.id, c.entry]),
    total: sorted.length,
    next: lo + page.length < sorted.length && last ? { kind: last.kind, name: last.name, id: last.id } : undefined,
  };
}

/** The first `limit` of the entries ([id, entry], each id once) after `after` (from the start when undefined), in the listing's order. */
export function pickPage(pairs: [string, Entry][], after: Place | undefined, limit: number): Picked {
  // A max-heap of the smallest candidates seen; its top is the largest of them.
  const heap: Candidate[] = [];
  let total = 0;
  let remaining = 0;
  for (const [id, entry] of pairs) {
    total++;
    const c: Candidate = { kind: entry.kind, name: entry.name, id, entry };
    if (after && compareItems(c, after) <= 0) continue;
    remaining++;
    if (heap.length < limit) push(heap, c);
    else if (limit > 0 && compareItems(c, heap[0]!) < 0) replaceTop(heap, c);
  }
  const page = heap.sort(compareItems);
  const last = page.at(-1);
  return {
    entries: page.map((c) => [c.id, c.entry]),
    total,
    next: remaining > page.length && last ? { kind: last.kind, name: last.name, id: last.id } : undefined,
  };
}

function push(heap: Candidate[], c: Candidate): void {
  heap.push(c);
  for (let i = heap.length - 1; i > 0; ) {
    const parent = (i - 1) >> 1;
    if (compareItems(heap[i]!, heap[parent]!) <= 0) break;
    [heap[i], heap[parent]] = [heap[parent]!, heap[i]!];
    i = parent;
  }
}

function replaceTop(heap: Candidate[], c: Candidate): void {
  heap[0] = c;
  for (let i = 0; ; ) {
    const l = 2 * i + 1;
    const r = l + 1;
    let largest = i;
    if (l < heap.length && compareItems(heap[l]!, heap[largest]!) > 0) largest = l;
    if (r < heap.length && compareItems(heap[r]!, heap[largest]!) > 0) largest = r;
    if (largest === i) return;
    [heap[i], heap[largest]] = [heap[largest]!, heap[i]!];
    i = largest;
  }
}
