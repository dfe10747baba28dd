// A client's side of a long-lived stream whose requests are answered in order, one reply each
// (Replica/AppendStream, Replica/HeartbeatStream): calls sent as messages on one stream instead
// of a call each, so each does not pay for setting up a call (headers, call state, on both ends:
// most of a small call's cost). Opened on first use and again after it ends.
//
// Any failure — the stream's status, its end, or a request unanswered within its deadline —
// fails every request waiting on it, as each one's own call would have failed, and drops the
// stream, so the next request starts a new one. A late reply can never be taken for the answer
// to a later request: the stream it would come on is gone.
import type * as grpc from '@grpc/grpc-js';
import { PennError, fromGrpcError } from './errors.ts';

export type OrderedCall<Req, Rep> = grpc.ClientDuplexStream<Req, Rep>;

interface Waiting<Rep> {
  resolve: (reply: Rep) => void;
  reject: (err: unknown) => void;
  timer: NodeJS.Timeout;
}

export class OrderedStream<Req, Rep> {
  private call: OrderedCall<Req, Rep> | null = null;
  private readonly waiting: Waiting<Rep>[] = [];

  /** `what` names the request in errors ("the backup to append", "the node's heartbeat"). */
  constructor(
    private readonly open: () => OrderedCall<Req, Rep>,
    private readonly what: string,
  ) {}

  send(request: Req, timeoutMs: number): Promise<Rep> {
    const call = this.call ?? this.start();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => this.fail(call, new PennError('deadline_exceeded', `Deadline exceeded waiting for ${this.what}`)), timeoutMs);
      this.waiting.push({ resolve, reject, timer });
      call.write(request);
    });
  }

  close(): void {
    if (this.call) this.fail(this.call, new PennError('unavailable', 'the stream was closed'));
  }

  private start(): OrderedCall<Req, Rep> {
    const call = this.open();
    this.call = call;
    call.on('data', (reply: Rep) => {
      const waiter = this.waiting.shift();
      if (!waiter) return this.fail(call, new PennError('internal', `an answer came for ${this.what} that nobody asked for`));
      clearTimeout(waiter.timer);
      waiter.resolve(reply);
    });
    call.on('error', (err) => this.fail(call, fromGrpcError(err)));
    call.on('end', () => this.fail(call, new PennError('unavailable', `the stream for ${this.what} was ended by its server`)));
    return call;
  }

  private fail(call: OrderedCall<Req, Rep>, err: PennError): void {
    if (this.call !== call) return;
    this.call = null;
    call.cancel();
    for (const waiter of this.waiting.splice(0)) {
      clearTimeout(waiter.timer);
      waiter.reject(err);
    }
  }
}
