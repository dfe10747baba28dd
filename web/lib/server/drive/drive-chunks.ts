// File content in the store: chunk i of a file (at most drive.chunkBytes) is column c/<i> of row
// `<user>#file#<id>#<i / chunksPerRow>`, so a large file is spread over many rows of bounded size
// (tablets are the store's unit of memory). Every chunk but the last is exactly chunkBytes, so a
// byte offset names its chunk without an index. Writes and reads keep a few calls in flight.
import type { ClusterClient } from '../../../../cluster/kvs/cluster-client.ts';
import { chunkColumn, chunkRow, chunkRowByNumber } from './drive-names';

export interface ChunkLayout {
  chunkBytes: number;
  chunksPerRow: number;
}

export function writeChunk(cluster: ClusterClient, user: string, fileId: string, index: number, data: Buffer, layout: ChunkLayout): Promise<void> {
  return cluster.put(chunkRow(user, fileId, index, layout.chunksPerRow), chunkColumn(index), data);
}

export async function readChunk(cluster: ClusterClient, user: string, fileId: string, index: number, layout: ChunkLayout): Promise<Buffer> {
  const value = await cluster.get(chunkRow(user, fileId, index, layout.chunksPerRow), chunkColumn(index));
  if (!value) throw new Error(`chunk ${index} of file ${fileId} is missing`);
  return value;
}

/**
 * Deletes every chunk of a file and answers how many there were. With `rows` known (a committed
 * file's size gives it) each of those rows is emptied; otherwise rows are emptied from 0 until
 * one is found empty — uploads write chunks in order with at most a few in flight, so no empty
 * row lies between two written ones.
 */
export async function freeChunks(cluster: ClusterClient, user: string, fileId: string, rows?: number): Promise<number> {
  let deleted = 0;
  for (let n = 0; rows === undefined || n < rows; n++) {
    const row = chunkRowByNumber(user, fileId, n);
    const columns = await cluster.listColumns(row);
    if (columns.length === 0 && rows === undefined) break;
    await Promise.all(columns.map((c) => cluster.delete(row, c.name)));
    deleted += columns.length;
  }
  return deleted;
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
