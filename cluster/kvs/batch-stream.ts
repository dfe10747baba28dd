// A client's BatchStream to one node (proto/kvs.proto): Batches sent as messages on one
// long-lived stream instead of a call each, so a batch does not pay for setting up a call (on a
// CPU-bound node, most of a small call's cost). Opened on first use and again after it ends.
//
// Each batch gets a number its reply repeats; replies come in any order. A batch unanswered
// within its deadline fails alone with DEADLINE_EXCEEDED (its outcome unknown, as a call's that
// timed out; a late reply is dropped). Anything that ends the stream — the node's status (it
// says UNAVAILABLE when it shuts down), a lost connection — fails every batch waiting on it with
// that error, as each one's own call would have failed, and the next batch opens a new stream.
import type * as grpc from '@grpc/grpc-js';
import { PennError, fromGrpcError } from '../common/errors.ts';
import type { BatchOperation, BatchReply__Output, BatchRequest, BatchResult__Output } from './io/wire.ts';

export type BatchCall = grpc.ClientDuplexStream<BatchRequest, BatchReply__Output>;

interface Waiting {
  resolve: (results: BatchResult__Output[]) => void;
  reject: (err: unknown) => void;
  timer: NodeJS.Timeout;
}

export class BatchStream {
  private call: BatchCall | null = null;
  private nextId = 1;
  private readonly waiting = new Map<number, Waiting>();

  constructor(private readonly open: () => BatchCall) {}

  send(ops: BatchOperation[], timeoutMs: number): Promise<BatchResult__Output[]> {
    const call = this.call ?? this.start();
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        if (this.waiting.delete(id)) reject(new PennError('deadline_exceeded', `no answer within ${timeoutMs} ms (sent on a BatchStream)`));
      }, timeoutMs);
      this.waiting.set(id, { resolve, reject, timer });
      call.write({ id, ops });
    });
  }

  close(): void {
    if (this.call) this.fail(this.call, new PennError('unavailable', 'the client was closed'));
  }

  private start(): BatchCall {
    const call = this.open();
    this.call = call;
    call.on('data', (reply: BatchReply__Output) => {
      const id = Number(reply.id);
      const waiting = this.waiting.get(id);
      if (!waiting) return; // timed out meanwhile
      this.waiting.delete(id);
      clearTimeout(waiting.timer);
      waiting.resolve(reply.results);
    });
    call.on('error', (err) => this.fail(call, fromGrpcError(err)));
    call.on('end', () => this.fail(call, new PennError('unavailable', 'the node ended the batch stream')));
    return call;
  }

  private fail(call: BatchCall, err: PennError): void {
    if (this.call !== call) return;
    this.call = null;
    call.cancel();
    const waiting = [...this.waiting.values()];
    this.waiting.clear();
    for (const w of waiting) {
      clearTimeout(w.timer);
      w.reject(err);
    }
  }
}
