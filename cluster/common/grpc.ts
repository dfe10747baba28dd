// gRPC plumbing every service shares: loading a proto with the same options everywhere, one
// adapter that turns an async handler into a unary handler answering exactly once, and
// promise-returning calls with a deadline.
import type { Http2Server, ServerHttp2Session } from 'node:http2';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import { PennError, fromGrpcError, toGrpcStatus } from './errors.ts';
import type { Config } from './config.ts';
import type { Logger } from './log.ts';
import { serverCredentials, tlsEnabled } from './tls/credentials.ts';

const protoDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../proto');

/** Messages up to this size cross the wire: a 4 MiB value plus framing, and checkpoint chunks. */
export const grpcMessageBytesMax = 16 * 1024 * 1024;

/**
 * HTTP/2 flow-control window, per stream and per connection, that every channel and server of
 * ours advertises. HTTP/2's default, 64 KiB, made a 1 MiB value wait for 16 window updates, each
 * a turn of both event loops, on every hop (client to primary, primary to backup): the store took
 * 1 MiB puts at ~35 MB/s with its processes half idle, ~47 MB/s with 2 MiB (4 and 8 MiB gained
 * nothing more; docs/PERFORMANCE.md, "Drive: transfers"). It also bounds what a peer sends
 * ahead of a reader that has paused (a BatchStream at its in-flight bound): at most this much
 * per connection sits unread.
 */
export const flowControlWindowBytes = 2 * 1024 * 1024;

export const channelOptions: grpc.ChannelOptions = {
  'grpc.max_receive_message_length': grpcMessageBytesMax,
  'grpc.max_send_message_length': grpcMessageBytesMax,
  // Reconnect quickly after a peer restarts instead of backing off for seconds.
  'grpc.initial_reconnect_backoff_ms': 100,
  'grpc.max_reconnect_backoff_ms': 1000,
  // What this side, as a client, lets the server send ahead: the stream's and the connection's window.
  'grpc-node.flow_control_window': flowControlWindowBytes,
};

/**
 * A proto file's services and messages. The message types in proto-types/ are generated with
 * the same options (scripts/gen-proto.ts): change them in both places, then `npm run gen:proto`.
 */
export function loadProto(file: string): grpc.GrpcObject {
  const definition = protoLoader.loadSync(path.join(protoDir, file), {
    keepCase: true,
    longs: Number,
    enums: String,
    defaults: true,
    oneofs: true,
  });
  return grpc.loadPackageDefinition(definition);
}

/** The service definition at a dotted path of a loaded package, e.g. 'penncloud.kvs.KeyValue'. */
export function serviceClient(pkg: grpc.GrpcObject, dotted: string): grpc.ServiceClientConstructor {
  let node: unknown = pkg;
  for (const part of dotted.split('.')) node = (node as Record<string, unknown>)[part];
  if (typeof node !== 'function') throw new Error(`no service ${dotted} in proto`);
  return node as grpc.ServiceClientConstructor;
}

type AsyncHandler<Req, Res> = (request: Req, call: grpc.ServerUnaryCall<Req, Res>) => Promise<Res> | Res;

/**
 * Wraps an async handler: its result or its PennError becomes the one answer; any other throw
 * becomes INTERNAL with the cause logged. A second answer is impossible by construction.
 */
export function unary<Req, Res>(log: Logger, name: string, handler: AsyncHandler<Req, Res>) {
  return (call: grpc.ServerUnaryCall<Req, Res>, callback: grpc.sendUnaryData<Res>): void => {
    let answered = false;
    const answer = (err: grpc.ServiceError | null, value?: Res) => {
      if (answered) return;
      answered = true;
      callback(err, value);
    };
    Promise.resolve()
      .then(() => handler(call.request, call))
      .then(
        (value) => answer(null, value),
        (err: unknown) => answer(toServiceError(log, name, err)),
      );
  };
}

export function toServiceError(log: Logger, name: string, err: unknown): grpc.ServiceError {
  const { code, details } = toStatus(log, name, err);
  return Object.assign(new Error(details), { code, details, metadata: new grpc.Metadata() }) as grpc.ServiceError;
}

/**
 * The status a failed handler answers: a PennError's own, anything else INTERNAL with the cause
 * logged. Also for answers that carry a status per part (the store's Batch).
 */
export function toStatus(log: Logger, name: string, err: unknown): { code: grpc.status; details: string } {
  if (err instanceof PennError) return { code: toGrpcStatus(err.code), details: err.message };
  log.error(`${name} failed unexpectedly`, { err });
  return { code: grpc.status.INTERNAL, details: `internal error in ${name}` };
}

/** Calls a unary method with a deadline and turns failures into PennError. */
export function callUnary<Res>(
  client: grpc.Client,
  method: string,
  request: unknown,
  timeoutMs: number,
  metadata: grpc.Metadata = new grpc.Metadata(),
): Promise<Res> {
  return new Promise((resolve, reject) => {
    const fn = (client as unknown as Record<string, (...args: unknown[]) => void>)[method];
    if (typeof fn !== 'function') {
      reject(new PennError('internal', `no gRPC method ${method}`));
      return;
    }
    fn.call(client, request, metadata, { deadline: Date.now() + timeoutMs }, (err: grpc.ServiceError | null, res: Res) => {
      if (err) reject(fromGrpcError(err));
      else resolve(res);
    });
  });
}

/**
 * Binds an internal service with the cluster's credentials (mutual TLS unless `tls.mode` is
 * plaintext). Without TLS only a loopback address is allowed: anyone who reaches a plaintext
 * internal port could read and change everything.
 */
export function bindServer(server: grpc.Server, address: string, config: Readonly<Config>): Promise<number> {
  if (!tlsEnabled(config) && !isLoopback(address)) {
    return Promise.reject(
      new PennError('failed_precondition', `refusing to serve ${address} without TLS: tls.mode is "plaintext", which is only for loopback addresses; set tls.mode to "mutual" (docs/DEPLOY.md) or bind to 127.0.0.1`),
    );
  }
  const widen = widenServerWindows(server);
  return new Promise((resolve, reject) => {
    server.bindAsync(address, serverCredentials(config), (err, port) => {
      if (err) return reject(err);
      widen();
      resolve(port);
    });
  });
}

/**
 * grpc-js has no server option for the flow-control window (its client has
 * 'grpc-node.flow_control_window'), so this reaches into two of its fields: the HTTP/2 settings
 * its listeners are made with (the per-stream window) and its listeners, whose every new session
 * gets the connection window. Call before bindAsync; call what it returns after. A grpc-js
 * without those fields keeps the default windows: slower, not wrong; grpc-window.test.ts fails then.
 */
function widenServerWindows(server: grpc.Server): () => void {
  const internals = server as unknown as {
    commonServerOptions?: { settings?: Record<string, unknown> };
    http2Servers?: Map<Http2Server, unknown>;
  };
  if (internals.commonServerOptions) {
    internals.commonServerOptions.settings = { ...internals.commonServerOptions.settings, initialWindowSize: flowControlWindowBytes };
  }
  return () => {
    for (const listener of internals.http2Servers?.keys() ?? []) {
      if (listener.listeners('session').some((l) => l === widenSession)) continue;
      listener.on('session', widenSession);
    }
  };
}

function widenSession(session: ServerHttp2Session): void {
  // Sent once the session is up; a session that closes first has nothing to widen.
  try {
    session.setLocalWindowSize(flowControlWindowBytes);
  } catch {
    /* the session ended before its settings were exchanged */
  }
}

/** host:port on 127.0.0.0/8, ::1 or localhost. */
export function isLoopback(address: string): boolean {
  const host = address.replace(/:\d+$/, '').replace(/^\[|\]$/g, '');
  return host === 'localhost' || host === '::1' || /^127\.\d+\.\d+\.\d+$/.test(host);
}

export function shutdownServer(server: grpc.Server, graceMs = 2000): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      server.forceShutdown();
      resolve();
    }, graceMs);
    server.tryShutdown(() => {
      clearTimeout(timer);
      resolve();
    });
  });
}
