// How many chunk rows a stored file spans, from its entry: the chunk size it was written with
// (settings may change later) and the rows-per-file rule of drive-chunks.ts. Pure.
import type { Entry } from './drive-model';
import { chunkRowCount } from './drive-names';

export function rowsOfFile(entry: Entry, settings: { chunkBytes: number; chunksPerRow: number }): number {
  return chunkRowCount(entry.size ?? 0, entry.chunkBytes ?? settings.chunkBytes, entry.chunksPerRow ?? settings.chunksPerRow);
}
