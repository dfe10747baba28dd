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
//
// Applied exactly once, though the store may fail mid-call: a CPut whose reply was lost may
// have applied, and the client's retry then finds our value instead of the one it expected.
// Each value written here ends with a stamp unique to the attempt (stamped()), and the
// ClusterClient reads the column back after such a retry, reporting "applied" exactly when it
// holds our stamped bytes — so a change is neither applied twice (a login failure counted
// twice, a quota reservation doubled) nor reported as failed when it happened. Without the
// stamp, another writer's identical bytes would pass for ours and its change would be lost.
// One case remains: our write applied and another writer changed the cell before the read-
// back; then the change runs again on the newer value. Change functions are therefore written
// to be no-ops where their effect is already there (drive-model.ts, drive-usage.ts key every
// change by an id; login-limit.ts records a failure time once).
import { randomBytes } from 'node:crypto';
import { PennError } from '../../../cluster/common/errors.ts';
import type { ClusterClient } from '../../../cluster/kvs/cluster-client.ts';

const attemptsMax = 100;
const batchMax = 256;

/** Stamp characters: JSON whitespace (RFC 8259 §2), so every reader's JSON.parse ignores the stamp. */
const stampAlphabet = [' ', '\t', '\n', '\r'];
const stampBytes = 8;

/**
 * The encoded value followed by 64 random bits as 32 whitespace characters: unique to this
 * write. Every codec used with updateCell is JSON (folders, usage, login failures), which
 * allows whitespace after the value; readers decode it unchanged.
 */
export function stamped(encoded: Buffer): Buffer {
  const random = randomBytes(stampBytes);
  let stamp = '';
  for (const byte of random) for (let shift = 6; shift >= 0; shift -= 2) stamp += stampAlphabet[(byte >> shift) & 3];
  return Buffer.concat([encoded, Buffer.from(stamp, 'latin1')]);
}

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
    if (value === current || (await cluster.cput(row, column, raw ?? null, stamped(codec.encode(value))))) {
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
