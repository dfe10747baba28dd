// Reading and writing a message's chunk columns (`c/000000` …) in one row, a few at a time so
// a 25 MiB message does not put 25 values on the wire at once.
import type { ClusterClient } from '../../kvs/cluster-client.ts';
import { chunkColumn } from './mailbox.ts';

/** Chunk writes or reads in flight per message. */
const chunksInFlightMax = 4;

export async function writeChunks(cluster: ClusterClient, row: string, chunks: Buffer[]): Promise<void> {
  await inBatches(chunks.length, (i) => cluster.put(row, chunkColumn(i), chunks[i] as Buffer));
}

/** The whole value, or undefined when any chunk is missing (the message was deleted). */
export async function readChunks(cluster: ClusterClient, row: string, count: number): Promise<Buffer | undefined> {
  const parts: (Buffer | undefined)[] = new Array(count);
  await inBatches(count, async (i) => {
    parts[i] = await cluster.get(row, chunkColumn(i));
  });
  if (parts.some((p) => p === undefined)) return undefined;
  return Buffer.concat(parts as Buffer[]);
}

export async function deleteChunks(cluster: ClusterClient, row: string, count: number): Promise<void> {
  await inBatches(count, (i) => cluster.delete(row, chunkColumn(i)));
}

async function inBatches(count: number, task: (i: number) => Promise<unknown>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < count) await task(next++);
  };
  await Promise.all(Array.from({ length: Math.min(chunksInFlightMax, count) }, worker));
}

/** Runs task over items with at most `limit` in flight, results in order. */
export async function mapLimit<T, R>(items: readonly T[], limit: number, task: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await task(items[i] as T);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}
