// Read-modify-write of one JSON cell with CPut, retried when another writer got there first: how
// concurrent changes to one cell (a drive folder, a usage record, login failures) never lose
// one. A change function sees the current value and returns the new one, `undefined` for
// "already so, write nothing", or throws to refuse. It must be a pure function of its input: it
// may run several times.
//
// Changes to one cell from one frontend are batched: while a CPut of that cell is in flight,
// new changes queue, and the next round applies all of them in order to one read and writes the
// result with one CPut (each caller still gets its own outcome). Twenty uploads finishing at
// once in one folder then cost a few CPuts instead of twenty rounds of collisions; across
// frontends, CPut and retry keep them safe as before.
import { PennError } from '../../../cluster/common/errors.ts';
import type { ClusterClient } from '../../../cluster/kvs/cluster-client.ts';

const attemptsMax = 100;
const batchMax = 256;

export interface CellCodec<T> {
  decode(value: Buffer): T;
  encode(value: T): Buffer;
}

export async function readCell<T>(cluster: ClusterClient, row: string, column: string, codec: CellCodec<T>): Promise<T | undefined> {
  const raw = await cluster.get(row, column);
  return raw ? codec.decode(raw) : undefined;
}

type Change = (current: unknown) => unknown;

interface Waiting {
  change: Change;
  resolve(value: unknown): void;
  reject(err: unknown): void;
}

interface Queue {
  waiting: Waiting[];
}

const queues = new Map<string, Queue>();

/**
 * Applies change until its CPut wins; answers the value now stored (the old one when the change
 * had nothing to write). `busy` is the message when writers keep colliding past attemptsMax.
 */
export function updateCell<T>(
  cluster: ClusterClient,
  row: string,
  column: string,
  codec: CellCodec<T>,
  change: (current: T | undefined) => T | undefined,
  busy = 'Too many changes at once; try again.',
): Promise<T | undefined> {
  const key = `${row}\0${column}`;
  return new Promise((resolve, reject) => {
    let queue = queues.get(key);
    const waiting: Waiting = { change: change as Change, resolve: resolve as (v: unknown) => void, reject };
    if (queue) {
      queue.waiting.push(waiting);
      return;
    }
    queue = { waiting: [waiting] };
    queues.set(key, queue);
    void drain(queue, key, cluster, row, column, codec as CellCodec<unknown>, busy);
  });
}

async function drain(queue: Queue, key: string, cluster: ClusterClient, row: string, column: string, codec: CellCodec<unknown>, busy: string): Promise<void> {
  while (queue.waiting.length > 0) {
    const batch = queue.waiting.splice(0, batchMax);
    try {
      await applyBatch(batch, cluster, row, column, codec, busy);
    } catch (err) {
      for (const w of batch) w.reject(err);
    }
  }
  queues.delete(key);
}

async function applyBatch(batch: Waiting[], cluster: ClusterClient, row: string, column: string, codec: CellCodec<unknown>, busy: string): Promise<void> {
  for (let attempt = 0; attempt < attemptsMax; attempt++) {
    const raw = await cluster.get(row, column);
    const current = raw ? codec.decode(raw) : undefined;
    let value = current;
    const outcomes = batch.map((w) => {
      try {
        const next = w.change(value);
        if (next !== undefined) value = next;
        return { ok: true as const, value };
      } catch (err) {
        return { ok: false as const, err };
      }
    });
    if (value === current || (await cluster.cput(row, column, raw ?? null, codec.encode(value)))) {
      batch.forEach((w, i) => {
        const outcome = outcomes[i]!;
        if (outcome.ok) w.resolve(outcome.value);
        else w.reject(outcome.err);
      });
      return;
    }
    // Another frontend won: back off a little (more with each loss, with jitter) and read again.
    await new Promise((r) => setTimeout(r, Math.random() * Math.min(2 + attempt * 2, 50)));
  }
  throw new PennError('aborted', busy);
}
