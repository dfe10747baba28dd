// A stored file's chunk layout, from its entry: the chunk size and lanes it was written with
// (settings may change later; a file from before lanes has none), and how many chunk rows it
// spans (drive-names.ts). Pure.
import type { Entry } from './drive-model';
import { chunkRowCount, type ChunkLayout } from './drive-names';

export function layoutOfEntry(entry: Entry, settings: { chunkBytes: number; chunksPerRow: number }): ChunkLayout {
  const layout: ChunkLayout = { chunkBytes: entry.chunkBytes ?? settings.chunkBytes, chunksPerRow: entry.chunksPerRow ?? settings.chunksPerRow };
  if (entry.lanes) layout.lanes = entry.lanes;
  return layout;
}

export function rowsOfFile(entry: Entry, settings: { chunkBytes: number; chunksPerRow: number }): number {
  return chunkRowCount(entry.size ?? 0, layoutOfEntry(entry, settings));
}
