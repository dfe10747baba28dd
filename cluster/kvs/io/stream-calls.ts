// The node's long-lived streams: BatchStream (a client's Batches as messages, answered by id as
// each finishes), AppendStream (a primary's Appends) and HeartbeatStream (the coordinator's
// heartbeats), both answered in order. Each message is served exactly as its own call would
// be; what a stream adds is its bounds and its end:
// - BatchStream serves at most kvs.batchStreamInFlightMax batches of one stream at once and reads
//   no more of it until one is answered, so a sender cannot pile up work in the node (an
//   in-order stream likewise past requestsQueuedMax waiting requests);
// - when the node shuts down, every open stream ends with UNAVAILABLE at once (OpenStreams),
//   rather than holding the server's graceful shutdown until its grace runs out.
import * as grpc from '@grpc/grpc-js';
import { PennError } from '../../common/errors.ts';
import { toServiceError, toStatus } from '../../common/grpc.ts';
import type { Logger } from '../../common/log.ts';
import { serveBatch, type BatchContext } from './key-value-calls.ts';
import type { BatchReply, BatchRequest__Output } from './wire.ts';

/** Requests one in-order stream may have waiting to be served before the node stops reading it. */
const requestsQueuedMax = 4;

/** The streams a node has open, so its shutdown can end them. */
export class OpenStreams {
  private readonly open = new Set<(err: PennError) => void>();

  /** Registers a stream's ender; answers the function that unregisters it. */
  add(end: (err: PennError) => void): () => void {
    this.open.add(end);
    return () => this.open.delete(end);
  }

  endAll(): void {
    for (const end of [...this.open]) end(new PennError('unavailable', 'the node is shutting down'));
    this.open.clear();
  }
}

/**
 * One stream's ending, once: `fail` ends it with a status, `finish` with OK; either unregisters
 * it. A cancelled stream (its caller went away) is ended without a word.
 */
function streamEnd<Req, Res>(log: Logger, name: string, call: grpc.ServerDuplexStream<Req, Res>, streams: OpenStreams) {
  let ended = false;
  const state = {
    get ended() {
      return ended || call.cancelled;
    },
    fail: (err: unknown) => {
      if (state.ended) return;
      ended = true;
      unregister();
      // emit, not destroy: a destroyed stream never sends its status.
      call.emit('error', toServiceError(log, name, err));
    },
    finish: () => {
      if (state.ended) return;
      ended = true;
      unregister();
      call.end();
    },
  };
  const unregister = streams.add(state.fail);
  call.on('cancelled', () => {
    ended = true;
    unregister();
  });
  return state;
}

export function serveBatchStream(ctx: BatchContext, call: grpc.ServerDuplexStream<BatchRequest__Output, BatchReply>, forwarded: boolean, streams: OpenStreams): void {
  const inFlightMax = ctx.config.kvs.batchStreamInFlightMax;
  const end = streamEnd(ctx.log, 'BatchStream', call, streams);
  let inFlight = 0;
  let sendingDone = false;
  call.on('data', (request: BatchRequest__Output) => {
    inFlight++;
    if (inFlight >= inFlightMax) call.pause();
    serveBatch(ctx, request, call, forwarded)
      .catch((err: unknown) => {
        // Refused whole (too many operations, too many bytes): every operation says why.
        const status = toStatus(ctx.log, 'BatchStream', err);
        return { results: request.ops.map(() => ({ code: status.code, message: status.details })) };
      })
      .then((reply) => {
        inFlight--;
        if (end.ended) return;
        call.write({ id: request.id, results: reply.results });
        if (inFlight < inFlightMax && call.isPaused()) call.resume();
        if (sendingDone && inFlight === 0) end.finish();
      })
      .catch(end.fail);
  });
  call.on('end', () => {
    sendingDone = true;
    if (inFlight === 0) end.finish();
  });
}

/**
 * Serves a stream's requests one after another, in order (AppendStream: a primary's appends;
 * HeartbeatStream: the coordinator's heartbeats); the first failure ends the stream with its
 * status, as its own call would have answered.
 */
export function serveInOrder<Req, Res>(log: Logger, name: string, call: grpc.ServerDuplexStream<Req, Res>, streams: OpenStreams, serve: (request: Req) => Promise<Res>): void {
  const end = streamEnd(log, name, call, streams);
  let served = Promise.resolve();
  let queued = 0;
  call.on('data', (request: Req) => {
    // A primary sends one batch at a time, the coordinator one heartbeat: a sender that sends
    // more waits to be read.
    if (++queued >= requestsQueuedMax) call.pause();
    served = served.then(async () => {
      try {
        if (!end.ended) call.write(await serve(request));
      } catch (err) {
        end.fail(err);
      } finally {
        if (--queued < requestsQueuedMax && call.isPaused()) call.resume();
      }
    });
  });
  call.on('end', () => void served.then(() => end.finish()));
}
