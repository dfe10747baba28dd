// Writing the name index (drive-search-index.ts) after a folder change is stored: each cell the
// change touches, by CPut. The folder is the truth and has already changed, so a failed index
// write is logged, not thrown: the caller's change happened, and an upload told otherwise would
// free a file it just listed. Such a failure leaves the index short of (or with an extra)
// record until it is rebuilt: it also drops the index's built mark, so the next search
// rebuilds it, when the store answers.
import { updateCell } from '../cells';
import type { DriveContext } from './drive-context';
import { namesRow } from './drive-names';
import { applyDelta, builtColumn, deltaByCell, nameCell, namesCodec, type IndexDelta } from './drive-search-index';

/** Cells written at once for one change (a folder's delta is one cell, but a rebuild's is every cell). */
const writesInFlightMax = 32;

export async function writeIndexDelta(d: DriveContext, delta: IndexDelta): Promise<void> {
  if (delta.put.length === 0 && delta.remove.length === 0) return;
  const row = namesRow(d.user);
  try {
    await writeCells(d, delta);
  } catch (err) {
    d.log.warn(`drive: the name index of ${d.user} missed a change: ${(err as Error).message}`);
    await d.cluster.delete(row, builtColumn).catch(() => {});
  }
}

/** Applies the delta to every cell it touches; throws the first failure once all have settled. */
export async function writeCells(d: DriveContext, delta: IndexDelta): Promise<void> {
  const row = namesRow(d.user);
  const writes = [...deltaByCell(delta)].map(([k, part]) => () => updateCell(d.cluster, row, nameCell(k), namesCodec, (cell) => applyDelta(cell, part)));
  await runBounded(writes, writesInFlightMax);
}

/** Runs the tasks with at most `inFlight` at once; rejects with the first failure once all have settled. */
export async function runBounded(tasks: (() => Promise<unknown>)[], inFlight: number): Promise<void> {
  let next = 0;
  let failure: unknown;
  const worker = async () => {
    while (next < tasks.length) {
      const task = tasks[next++]!;
      await task().catch((err: unknown) => (failure ??= err));
    }
  };
  await Promise.all(Array.from({ length: Math.min(inFlight, tasks.length) }, worker));
  if (failure !== undefined) throw failure;
}
