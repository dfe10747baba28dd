// Writing the name index (drive-search-index.ts) after a folder change is stored. The folder
// is the truth and has already changed, so a failed index write is logged, not thrown: the
// caller's change happened, and an upload told otherwise would free a file it just listed.
// Such a failure leaves the index short of (or with an extra) column until it is rebuilt: it
// also drops the index's built mark, so the next search rebuilds it, when the store answers.
import type { DriveContext } from './drive-context';
import { searchRow } from './drive-names';
import { builtColumn, type IndexDelta } from './drive-search-index';

/** Index writes in flight for one folder change (a folder's delta is one entry, but a rebuild's is large). */
const writesInFlightMax = 32;

export async function writeIndexDelta(d: DriveContext, delta: IndexDelta): Promise<void> {
  if (delta.put.length === 0 && delta.remove.length === 0) return;
  const row = searchRow(d.user);
  const writes = [...delta.remove.map((c) => () => d.cluster.delete(row, c)), ...delta.put.map((c) => () => d.cluster.put(row, c, ''))];
  try {
    await runBounded(writes, writesInFlightMax);
  } catch (err) {
    d.log.warn(`drive: the name index of ${d.user} missed a change: ${(err as Error).message}`);
    await d.cluster.delete(row, builtColumn).catch(() => {});
  }
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
