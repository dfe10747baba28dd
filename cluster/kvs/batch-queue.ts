// Coalescing for one node: the operations a process sends that node within one turn of its event
// loop go as one Batch RPC (proto/kvs.proto), the way TiKV's client batches commands. On a
// CPU-bound primary most of a call's cost is gRPC, HTTP/2 and TLS, whatever it carries, so 64
// operations in one call cost far less than 64 calls (docs/PERFORMANCE.md, "Store").
//
// Contract, per operation, the same as its own call's:
// - a lone operation (the only one in its turn, or too large to share: over kvs.batchBytesMax)
//   goes as its own RPC, at once: no added latency when idle (on a stream, the one in its turn
//   goes as a batch of one, which costs no more);
// - its answer is its own result in the batch, its own status included; a failure of the whole
//   Batch call (node down, connection lost, deadline) fails each of its operations with that
//   error, so the caller's retries and failover handle each one as they would its own call;
// - its deadline is its own: the batch is sent with the latest of them, and an operation whose
//   own deadline passes first fails then with DEADLINE_EXCEEDED (its outcome unknown, as a call's
//   that timed out);
// - a Get the node could not fit in the reply (kvs.batchReplyBytesMax) is asked again alone.
import { PennError, fromGrpcError } from '../common/errors.ts';
import type { BatchLimits } from './core/batch.ts';
import type { BatchOperation, BatchResult__Output } from './io/wire.ts';

/** An operation as the queue holds it; `answer` turns its result into what its caller gets. */
interface Queued<T> {
  op: BatchOperation;
  bytes: number;
  deadlineMs: number;
  alone: (timeoutMs: number) => Promise<T>;
  answer: (result: BatchResult__Output) => T;
  resolve: (value: T) => void;
  reject: (err: unknown) => void;
  settled: boolean;
  timer?: NodeJS.Timeout;
}

/** Calls made, for a bench or an operator: operations sent alone, Batch calls and the operations in them. */
export interface BatchFigures {
  alone: number;
  batches: number;
  batchedOps: number;
}

export type SendBatch = (ops: BatchOperation[], timeoutMs: number) => Promise<BatchResult__Output[]>;

export class BatchQueue {
  // Operations of different result types wait together; each keeps its own answer function.
  private pending: Queued<any>[] = []; // eslint-disable-line @typescript-eslint/no-explicit-any
  private pendingBytes = 0;
  private scheduled = false;
  readonly figures: BatchFigures = { alone: 0, batches: 0, batchedOps: 0 };

  /**
   * `streamed`: batches go as messages on a stream (batch-stream.ts), where one operation costs
   * no more as a batch of one than as its own call: a lone operation goes that way too.
   */
  constructor(
    private readonly send: SendBatch,
    private readonly limits: BatchLimits,
    private readonly streamed = false,
  ) {}

  /**
   * Runs one operation, in the next Batch to this node or alone. `alone` is its own RPC, with a
   * timeout; `answer` reads its result from a Batch reply (throwing if the reply is malformed).
   */
  run<T>(op: BatchOperation, bytes: number, timeoutMs: number, alone: (timeoutMs: number) => Promise<T>, answer: (r: BatchResult__Output) => T): Promise<T> {
    if (bytes > this.limits.bytesMax) {
      this.figures.alone++;
      return alone(timeoutMs);
    }
    if (this.pendingBytes + bytes > this.limits.bytesMax) this.flush();
    return new Promise<T>((resolve, reject) => {
      this.pending.push({ op, bytes, deadlineMs: Date.now() + timeoutMs, alone, answer, resolve, reject, settled: false });
      this.pendingBytes += bytes;
      if (this.pending.length >= this.limits.opsMax) {
        this.flush();
      } else if (!this.scheduled) {
        // setImmediate, not a microtask: callers woken by the replies of one poll phase (each
        // several awaits deep) have all sent their next operation by the time it runs.
        this.scheduled = true;
        setImmediate(() => {
          this.scheduled = false;
          this.flush();
        });
      }
    });
  }

  private flush(): void {
    const batch = this.pending;
    this.pending = [];
    this.pendingBytes = 0;
    if (batch.length === 0) return;
    if (batch.length === 1 && !this.streamed) {
      this.figures.alone++;
      sendAlone(batch[0]!);
      return;
    }
    this.figures.batches++;
    this.figures.batchedOps += batch.length;
    const now = Date.now();
    const deadlineMs = Math.max(...batch.map((q) => q.deadlineMs));
    for (const q of batch) {
      if (q.deadlineMs < deadlineMs) {
        q.timer = setTimeout(() => fail(q, new PennError('deadline_exceeded', `no answer within the operation's ${q.deadlineMs - now} ms (sent in a Batch)`)), q.deadlineMs - now);
      }
    }
    this.send(
      batch.map((q) => q.op),
      deadlineMs - now,
    ).then(
      (results) => {
        if (results.length !== batch.length) {
          const err = new PennError('internal', `a Batch of ${batch.length} operations was answered with ${results.length} results`);
          for (const q of batch) fail(q, err);
          return;
        }
        batch.forEach((q, i) => settle(q, results[i]!));
      },
      (err: unknown) => {
        for (const q of batch) fail(q, err);
      },
    );
  }
}

function settle<T>(q: Queued<T>, result: BatchResult__Output): void {
  if (q.settled) return;
  if (result.send_alone) {
    clearTimeout(q.timer);
    sendAlone(q);
  } else if (result.code !== 0) {
    fail(q, fromGrpcError({ code: result.code, details: result.message }));
  } else {
    let value: T;
    try {
      value = q.answer(result);
    } catch (err) {
      fail(q, err);
      return;
    }
    q.settled = true;
    clearTimeout(q.timer);
    q.resolve(value);
  }
}

function sendAlone<T>(q: Queued<T>): void {
  q.alone(q.deadlineMs - Date.now()).then(
    (value) => {
      if (q.settled) return;
      q.settled = true;
      q.resolve(value);
    },
    (err: unknown) => fail(q, err),
  );
}

function fail<T>(q: Queued<T>, err: unknown): void {
  if (q.settled) return;
  q.settled = true;
  clearTimeout(q.timer);
  q.reject(err);
}
