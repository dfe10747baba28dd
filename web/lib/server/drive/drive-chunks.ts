// File content in the store: chunk i of a file (at most chunkBytes) is column c/<i> of a row of
// its own (drive-names.ts: dealt over one lane per group, at most chunksPerRow chunks a row), so
// a large file is spread over many rows of bounded size (tablets are the store's unit of memory)
// and over every group. Every chunk but the last is exactly chunkBytes, so a byte offset names
// its chunk without an index. Writes and reads keep a bounded number of calls in flight.
import type { ClusterClient } from '../../../../cluster/kvs/cluster-client.ts';
import { chunkColumn, chunkRow, chunkRowByNumber, type ChunkLayout } from './drive-names';

export type { ChunkLayout };

export function writeChunk(cluster: ClusterClient, user: string, fileId: string, index: number, data: Buffer, layout: ChunkLayout): Promise<void> {
  return cluster.put(chunkRow(user, fileId, index, layout), chunkColumn(index), data);
}

export async function readChunk(cluster: ClusterClient, user: string, fileId: string, index: number, layout: ChunkLayout): Promise<Buffer> {
  const value = await cluster.get(chunkRow(user, fileId, index, layout), chunkColumn(index));
  if (!value) throw new Error(`chunk ${index} of file ${fileId} is missing`);
  return value;
}

/**
 * Chunk bytes a transfer may have in flight, whatever the settings: each chunk in flight costs
 * the frontend about three times its size (the chunk, gRPC's serialised copy and its framed
 * copy, held until the store answers), and a frontend must stay under 300 MB through a 1 GiB
 * transfer (web/README.md, "Memory"). Measured: 12 chunks of 1 MiB in flight peaked at 299 MiB.
 */
export const transferBytesInFlightMax = 8 * 1024 * 1024;

/**
 * Chunks (and reads) in flight for a transfer: `perGroup` on each group the file's lanes
 * reach, so a file spread over 3 groups keeps up to 3 × perGroup in flight, within
 * transferBytesInFlightMax — the frontend holds that many chunks of it (plus the one being
 * filled or sent), never more.
 */
export function inFlightMax(perGroup: number, layout: ChunkLayout): number {
  const byMemory = Math.max(1, Math.floor(transferBytesInFlightMax / layout.chunkBytes));
  return Math.min(byMemory, perGroup * Math.max(1, layout.lanes?.length ?? 1));
}

/**
 * Deletes every chunk of a file and answers how many there were. With `rows` known (a committed
 * file's size gives it, an upload's reservation bounds it) each of those rows is emptied in turn; otherwise (an upload record from before lanes) rows are emptied from 0 until one is
 * found empty — such uploads wrote chunks in order with fewer in flight than a row holds, so no
 * empty row lies between two written ones.
 */
export async function freeChunks(cluster: ClusterClient, user: string, fileId: string, layout: ChunkLayout, rows?: number): Promise<number> {
  let deleted = 0;
  for (let n = 0; rows === undefined || n < rows; n++) {
    const found = await freeRow(cluster, chunkRowByNumber(user, fileId, n, layout));
    if (found === 0 && rows === undefined) break;
    deleted += found;
  }
  return deleted;
}

async function freeRow(cluster: ClusterClient, row: string): Promise<number> {
  const columns = await cluster.listColumns(row);
  await Promise.all(columns.map((c) => cluster.delete(row, c.name)));
  return columns.length;
}

/**
 * Runs async jobs with at most `limit` in flight; the first failure is thrown by the next
 * submit or by drain, and no later job starts.
 */
export class Pipeline {
  private readonly inFlight = new Set<Promise<void>>();
  private failure: unknown;

  constructor(private readonly limit: number) {}

  async submit(job: () => Promise<void>): Promise<void> {
    this.check();
    while (this.inFlight.size >= this.limit) {
      await Promise.race(this.inFlight);
      this.check();
    }
    const run: Promise<void> = job()
      .catch((err: unknown) => {
        this.failure ??= err;
      })
      .finally(() => this.inFlight.delete(run));
    this.inFlight.add(run);
  }

  async drain(): Promise<void> {
    while (this.inFlight.size > 0) await Promise.race(this.inFlight);
    this.check();
  }

  /** Waits for what is in flight without throwing (after a failure, before cleaning up). */
  async settle(): Promise<void> {
    while (this.inFlight.size > 0) await Promise.race(this.inFlight);
  }

  private check(): void {
    if (this.failure !== undefined) throw this.failure;
  }
}
