// Attempts counted in one cell of the store, reserved before the work they guard. A counter is a
// JSON object {"n": <nonce>, "a": [[<ms>, "<id>"], …]}: the attempts younger than the window,
// oldest first, each with an id unique to it. reserve() adds one with a CPut on the cell only
// while fewer than `limit` are in the window, so of any number of attempts racing on any number
// of processes at most `limit` get through; release() takes one back out by its id (a refund).
//
// Both are read-modify-write loops with CPut, and both are safe to run twice: an id already
// present (reserve) or already gone (release) writes nothing. That matters because a CPut whose
// reply was lost may have applied; the ClusterClient reads the cell back after such a retry and
// reports "applied" only when it holds exactly our bytes, which the nonce makes unique to the
// attempt (cluster/kvs/cluster-client.ts).
//
// Older values written as a bare JSON list of times (the failure lists of the first login limit)
// still decode: each time becomes an attempt with an empty id, which ages out with the window.
import { randomBytes } from 'node:crypto';
import { PennError } from '../../common/errors.ts';

/** The two cell operations a counter needs; the ClusterClient has them. */
export interface CounterStore {
  get(row: string, column: string): Promise<Buffer | undefined>;
  cput(row: string, column: string, expected: Buffer | string | null, value: Buffer | string): Promise<boolean>;
}

export interface CounterCell {
  row: string;
  column: string;
  /** Attempts allowed within windowMs. */
  limit: number;
  windowMs: number;
}

/** One counted attempt: when it was reserved, and its id. */
export type Attempt = [atMs: number, id: string];

/** A damaged cell must not lock anyone out for good, nor grow: at most this many are read. */
const attemptsReadMax = 1000;
const casAttemptsMax = 60;

export function decodeAttempts(value: Buffer | undefined): Attempt[] {
  if (!value) return [];
  let parsed: unknown;
  try {
    parsed = JSON.parse(value.toString('utf8'));
  } catch {
    return [];
  }
  const list = Array.isArray(parsed) ? parsed : (parsed as { a?: unknown } | null)?.a;
  if (!Array.isArray(list)) return [];
  const attempts: Attempt[] = [];
  for (const item of list.slice(-attemptsReadMax)) {
    if (typeof item === 'number' && Number.isFinite(item)) attempts.push([item, '']);
    else if (Array.isArray(item) && typeof item[0] === 'number' && typeof item[1] === 'string') attempts.push([item[0], item[1]]);
  }
  return attempts;
}

export function encodeAttempts(attempts: readonly Attempt[]): string {
  return JSON.stringify({ n: randomBytes(8).toString('hex'), a: attempts });
}

/** The attempts still inside the window at nowMs. */
export function recentAttempts(attempts: readonly Attempt[], windowMs: number, nowMs: number): Attempt[] {
  return attempts.filter(([at]) => nowMs - at < windowMs);
}

/** Milliseconds until one more attempt fits; 0 when it fits now. */
export function waitMs(attempts: readonly Attempt[], limit: number, windowMs: number, nowMs: number): number {
  const recent = recentAttempts(attempts, windowMs, nowMs);
  if (recent.length < limit) return 0;
  return Math.max(1, recent[recent.length - limit]![0] + windowMs - nowMs);
}

export function newAttemptId(): string {
  return randomBytes(9).toString('base64url');
}

type Change = (attempts: Attempt[]) => Attempt[] | undefined;

interface Waiting {
  change: Change;
  done(err?: unknown): void;
}

/**
 * Changes waiting per cell in this process. While one read-and-CPut of a cell is under way, new
 * changes of it wait, and the next round applies all of them, in order, to one read and writes
 * the result with one CPut: a hundred guesses arriving at once on one frontend cost a few store
 * rounds, not a hundred colliding ones (across processes, CPut keeps them apart as before).
 */
const queues = new Map<string, Waiting[]>();

/**
 * Applies `change` to the cell (undefined: write nothing) with a CPut, again from a fresh read
 * when another writer got there first. `change` may run several times: it must be pure.
 */
function update(store: CounterStore, cell: CounterCell, change: Change): Promise<void> {
  const key = `${cell.row}\0${cell.column}`;
  return new Promise((resolve, reject) => {
    const waiting: Waiting = { change, done: (err) => (err === undefined ? resolve() : reject(err)) };
    const queue = queues.get(key);
    if (queue) {
      queue.push(waiting);
      return;
    }
    const fresh = [waiting];
    queues.set(key, fresh);
    void drain(store, cell, key, fresh);
  });
}

async function drain(store: CounterStore, cell: CounterCell, key: string, queue: Waiting[]): Promise<void> {
  while (queue.length > 0) {
    const batch = queue.splice(0, queue.length);
    try {
      await applyBatch(store, cell, batch);
      for (const w of batch) w.done();
    } catch (err) {
      for (const w of batch) w.done(err);
    }
  }
  queues.delete(key);
}

async function applyBatch(store: CounterStore, cell: CounterCell, batch: Waiting[]): Promise<void> {
  for (let round = 0; round < casAttemptsMax; round++) {
    const raw = await store.get(cell.row, cell.column);
    let attempts = decodeAttempts(raw);
    let changed = false;
    for (const w of batch) {
      const next = w.change(attempts);
      if (next !== undefined) {
        attempts = next;
        changed = true;
      }
    }
    if (!changed || (await store.cput(cell.row, cell.column, raw ?? null, encodeAttempts(attempts)))) return;
    // Lost to another writer: back off a little, more with each loss, with jitter.
    await new Promise((r) => setTimeout(r, Math.random() * Math.min(2 + round * 2, 40)));
  }
  throw new PennError('aborted', 'Too many attempts at once; try again.');
}

/**
 * Reserves attempt `id` at nowMs: 0 when it is counted (or already was), else the milliseconds
 * until one would fit, with nothing written.
 */
export async function reserveAttempt(store: CounterStore, cell: CounterCell, id: string, nowMs: number): Promise<number> {
  let wait = 0;
  await update(store, cell, (attempts) => {
    wait = 0;
    if (attempts.some(([, known]) => known === id)) return undefined;
    wait = waitMs(attempts, cell.limit, cell.windowMs, nowMs);
    if (wait > 0) return undefined;
    return [...recentAttempts(attempts, cell.windowMs, nowMs), [nowMs, id]];
  });
  return wait;
}

/** Takes attempt `id` back out of the count; nothing when it is not there (aged out, or released). */
export async function releaseAttempt(store: CounterStore, cell: CounterCell, id: string, nowMs: number): Promise<void> {
  await update(store, cell, (attempts) => {
    if (!attempts.some(([, known]) => known === id)) return undefined;
    return recentAttempts(attempts, cell.windowMs, nowMs).filter(([, known]) => known !== id);
  });
}
