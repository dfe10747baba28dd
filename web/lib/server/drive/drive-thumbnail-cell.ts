// A file's thumbnail in the store: column `thumb` of the file's first chunk row,
// `<user>#file#<id>#0` (docs/ARCHITECTURE.md, "Storage layouts"). Deleting a file empties every
// column of its chunk rows (drive-chunks.ts, freeChunks), so the thumbnail goes with the file
// on every path that frees it — a delete, Trash's purge, a reclaimed upload — with no hook of
// its own. The value is the WebP itself, or, for an image that has none, a short JSON note of
// why, so the file is not read again on every listing (a WebP starts with "RIFF", never "{").
// Pure.

export const thumbnailColumn = 'thumb';

export type StoredThumbnail =
  | { kind: 'made'; webp: Buffer }
  | { kind: 'none'; reason: 'unsupported' | 'unreadable' }
  /** Over the pixel limit when it was tried: tried again if the limit has since been raised. */
  | { kind: 'none'; reason: 'pixels'; pixels: number };

export function encodeThumbnail(thumbnail: StoredThumbnail): Buffer {
  if (thumbnail.kind === 'made') return thumbnail.webp;
  const note = thumbnail.reason === 'pixels' ? { none: 'pixels', pixels: thumbnail.pixels } : { none: thumbnail.reason };
  return Buffer.from(JSON.stringify(note), 'utf8');
}

/** The stored thumbnail, or undefined for a value this code does not know (then it is made again). */
export function decodeThumbnail(value: Buffer | undefined): StoredThumbnail | undefined {
  if (!value || value.length < 2) return undefined;
  if (value.subarray(0, 4).toString('latin1') === 'RIFF') return { kind: 'made', webp: value };
  if (value[0] !== 0x7b) return undefined;
  try {
    const note = JSON.parse(value.toString('utf8')) as { none?: unknown; pixels?: unknown };
    if (note.none === 'unsupported' || note.none === 'unreadable') return { kind: 'none', reason: note.none };
    if (note.none === 'pixels' && typeof note.pixels === 'number') return { kind: 'none', reason: 'pixels', pixels: note.pixels };
  } catch {
    // Not ours: made again.
  }
  return undefined;
}

/** Whether a stored answer still holds under today's settings. */
export function stillValid(stored: StoredThumbnail, inputPixelsMax: number): boolean {
  return !(stored.kind === 'none' && stored.reason === 'pixels' && stored.pixels <= inputPixelsMax);
}
