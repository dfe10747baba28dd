// The two ways a store rebuilds its state from files: replaying its own log over its checkpoint
// at start (or after cutting the log), and fetching a peer's checkpoint files for a snapshot
// install. Both only prepare state; the store decides when it takes over.
import path from 'node:path';
import { PennError } from '../../common/errors.ts';
import type { Logger } from '../../common/log.ts';
import { Tablet } from '../core/tablet.ts';
import type { Manifest, ManifestTablet } from '../core/wal-record.ts';
import type { AppendHandle, FileSystem } from '../../common/files.ts';
import type { StorePaths } from './store-files.ts';
import type { NameCounters, TabletCache } from './tablet-cache.ts';
import { scanLog, type LogPosition } from './wal-writer.ts';

export interface Replay {
  position: LogPosition;
  lastEpoch: number;
  /** Entries applied past the checkpoint. */
  replayed: number;
}

/**
 * Applies wal.log's records past the checkpoint to cache, in order. At the first frame that is
 * not whole and valid it cuts the file there (WAL_FORMAT.md, Recovery); a gap after the
 * checkpoint stops the node. The log is fsync'd before it returns.
 */
export async function replayLog(o: {
  fs: FileSystem;
  paths: StorePaths;
  handle: AppendHandle;
  manifest: Manifest;
  cache: TabletCache;
  recordBytesMax: number;
  log: Logger;
}): Promise<Replay> {
  const checkpointLsn = o.manifest.lsn;
  let lastLsn = checkpointLsn;
  let lastEpoch = o.manifest.epoch;
  let replayed = 0;
  const scan = await scanLog(o.fs, o.paths.wal, o.recordBytesMax, async (entry) => {
    // Records up to the checkpoint's lsn are in it already (a crash before the log was cut).
    if (entry.lsn <= checkpointLsn) return;
    if (entry.lsn !== lastLsn + 1) {
      throw new PennError('internal', `wal.log jumps from lsn ${lastLsn} to ${entry.lsn}; refusing to start`);
    }
    await o.cache.apply(entry);
    lastLsn = entry.lsn;
    lastEpoch = entry.epoch;
    replayed++;
  });
  let position = scan.position;
  if (scan.stop) {
    const { reason, offset } = scan.stop;
    o.log.warn('cut the log at a bad record', { reason, offset, bytesDropped: scan.sizeBytes - offset });
    await o.handle.truncate(offset);
  }
  if (lastLsn === checkpointLsn) {
    // Nothing past the checkpoint: finish its last step (an empty log).
    if (position.fileBytes > 0) await o.handle.truncate(0);
    position = { fileBytes: 0, firstLsn: checkpointLsn + 1, offsets: [], epochs: [] };
  }
  // What was read back may sit only in the page cache (the process died, not the machine).
  await o.handle.sync();
  return { position, lastEpoch, replayed };
}

/**
 * Fetches and checks each tablet file of a peer's manifest (it parses whole; id and cell count
 * match), storing it fsync'd under a new local name: the peer's names may be in use here for
 * other contents. On any failure the files written so far are removed.
 */
export async function fetchSnapshotTablets(o: {
  fs: FileSystem;
  paths: StorePaths;
  peer: Manifest;
  fetch: (file: string) => AsyncIterable<Buffer>;
  counters: NameCounters;
  recordBytesMax: number;
  fileBytesMax: number;
}): Promise<ManifestTablet[]> {
  const written: string[] = [];
  try {
    const tablets: ManifestTablet[] = [];
    for (const t of o.peer.tablets) {
      const data = await collect(o.fetch(t.file), o.fileBytesMax, `snapshot file ${t.file}`);
      let tablet: Tablet;
      try {
        tablet = Tablet.parse(data, o.recordBytesMax);
      } catch (err) {
        throw new PennError('aborted', `snapshot file ${t.file} arrived damaged`, { cause: err });
      }
      if (tablet.id !== t.id || tablet.cellCount !== t.cells) {
        throw new PennError('aborted', `snapshot file ${t.file} does not match its manifest entry`);
      }
      const file = `${t.id}-${o.counters.fileSeq++}.tab`;
      written.push(file);
      await o.fs.writeFileDurable(path.join(o.paths.tablets, file), data);
      tablets.push({ ...t, file, bytes: tablet.bytes });
    }
    return tablets;
  } catch (err) {
    for (const f of written) await o.fs.unlink(path.join(o.paths.tablets, f)).catch(() => {});
    throw err;
  }
}

/** Gathers a fetched file, refusing one over bytesMax. */
async function collect(chunks: AsyncIterable<Buffer>, bytesMax: number, what: string): Promise<Buffer> {
  const parts: Buffer[] = [];
  let bytes = 0;
  for await (const chunk of chunks) {
    bytes += chunk.length;
    if (bytes > bytesMax) throw new PennError('invalid_argument', `${what} is over ${bytesMax} bytes`);
    parts.push(chunk);
  }
  return Buffer.concat(parts);
}
