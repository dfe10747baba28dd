// The store's directory layout (WAL_FORMAT.md, Directory) and the file chores around it:
// reading and atomically replacing the MANIFEST, removing tablet files nothing names, and
// keeping new tablet ids and file names clear of every name already used.
import path from 'node:path';
import { PennError } from '../../common/errors.ts';
import type { Logger } from '../../common/log.ts';
import { decodeManifestFile, encodeManifest, manifestFormat, type Manifest } from '../core/wal-record.ts';
import type { FileSystem } from '../../common/files.ts';
import type { NameCounters } from './tablet-cache.ts';

export interface StorePaths {
  dir: string;
  wal: string;
  manifest: string;
  manifestTmp: string;
  tablets: string;
}

export function storePaths(dir: string): StorePaths {
  return {
    dir,
    wal: path.join(dir, 'wal.log'),
    manifest: path.join(dir, 'MANIFEST'),
    manifestTmp: path.join(dir, 'MANIFEST.tmp'),
    tablets: path.join(dir, 'tablets'),
  };
}

export const emptyManifest: Manifest = { format: manifestFormat, version: 0, lsn: 0, epoch: 0, tablets: [] };

/**
 * The current checkpoint. A missing MANIFEST is the empty checkpoint; a damaged one stops the
 * node: it is only ever replaced by an atomic rename, so damage there is not a torn write.
 */
export async function readManifest(
  fs: FileSystem,
  paths: StorePaths,
  recordBytesMax: number,
): Promise<{ manifest: Manifest; bytes: Buffer }> {
  if (!(await fs.exists(paths.manifest))) return { manifest: emptyManifest, bytes: encodeManifest(emptyManifest) };
  const bytes = await fs.readFile(paths.manifest);
  const manifest = decodeManifestFile(bytes, recordBytesMax);
  if (!manifest) throw new PennError('internal', `${paths.manifest} is damaged; refusing to start`);
  return { manifest, bytes };
}

/**
 * Makes `bytes` the MANIFEST in two steps: prepare (write MANIFEST.tmp and fsync it), then
 * commit (rename over MANIFEST, fsync the directory). A failure in prepare changes nothing; one
 * in commit leaves either manifest on disk, so the caller must treat it as fatal.
 */
export async function prepareManifest(fs: FileSystem, paths: StorePaths, bytes: Buffer): Promise<void> {
  await fs.writeFileDurable(paths.manifestTmp, bytes);
}

export async function commitManifest(fs: FileSystem, paths: StorePaths): Promise<void> {
  await fs.rename(paths.manifestTmp, paths.manifest);
  await fs.syncDir(paths.dir);
}

/** Raises the counters past every tablet id and file name given. */
export function raiseCounters(counters: NameCounters, ids: Iterable<string>, files: Iterable<string>): void {
  for (const id of ids) {
    const m = /^t(\d+)$/.exec(id);
    if (m) counters.tabletNo = Math.max(counters.tabletNo, Number(m[1]) + 1);
  }
  for (const file of files) {
    const m = /^t(\d+)-(\d+)\.tab$/.exec(file);
    if (!m) continue;
    counters.tabletNo = Math.max(counters.tabletNo, Number(m[1]) + 1);
    counters.fileSeq = Math.max(counters.fileSeq, Number(m[2]) + 1);
  }
}

/** Removes every file in tablets/ that keep() refuses; returns the names it found. */
export async function sweepTablets(
  fs: FileSystem,
  paths: StorePaths,
  keep: (file: string) => boolean,
  log: Logger,
): Promise<string[]> {
  const names = await fs.readdir(paths.tablets);
  for (const name of names) {
    if (keep(name)) continue;
    await fs.unlink(path.join(paths.tablets, name)).catch((err: unknown) => {
      log.warn('could not remove a tablet file', { file: name, err });
    });
  }
  return names;
}

/** Files held by snapshots being sent, counted: none is deleted while a snapshot holds it. */
export class SnapshotPins {
  private readonly counts = new Map<string, number>();

  has(file: string): boolean {
    return this.counts.has(file);
  }

  /** Pins the files; the returned release (idempotent) unpins them. */
  pin(files: readonly string[]): () => void {
    for (const f of files) this.counts.set(f, (this.counts.get(f) ?? 0) + 1);
    let held = true;
    return () => {
      if (!held) return;
      held = false;
      for (const f of files) {
        const n = (this.counts.get(f) ?? 1) - 1;
        if (n > 0) this.counts.set(f, n);
        else this.counts.delete(f);
      }
    };
  }
}
