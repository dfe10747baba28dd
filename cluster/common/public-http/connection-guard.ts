// What a frontend's listener refuses or cuts before a request reaches the app, so that slow or
// numerous clients cannot hold it (docs/API.md, "Limits on requests and connections"):
// - connections: at most connectionsMax open, and connectionsPerAddressMax per client address.
//   One over either cap is answered 503 with Retry-After and closed (over HTTPS, where nothing
//   can be said before the handshake, it is closed). Behind a trusted proxy every client shares
//   the proxy's connections, so there the per-address cap counts the client's requests in flight
//   (the address named in X-Forwarded-For, forwarded.ts) and answers the extra ones 503.
// - time: the request head must arrive within headersMs; a request body that stops arriving for
//   bodyIdleMs is cut (an upload may take long, up to requestMs in all, but must keep moving); a
//   kept-alive connection with no request is closed after keepAliveIdleMs.
// - an answer given before the body was read (401, 413, 503): at most drainBytesMax more of the
//   body is read and dropped, so the connection can serve the next request; past that, or
//   stalled for keepAliveIdleMs, the connection is closed.
import type http from 'node:http';
import type net from 'node:net';
import { AddressCounts } from '../address-counts.ts';
import type { Config } from '../config.ts';
import { normalizeAddress, resolveClient, type TrustedProxies } from './forwarded.ts';

export interface ConnectionLimits {
  connectionsMax: number;
  connectionsPerAddressMax: number;
  headersMs: number;
  bodyIdleMs: number;
  keepAliveIdleMs: number;
  /** Time to receive a whole request, body included (Node's requestTimeout). */
  requestMs: number;
  drainBytesMax: number;
  /** Retry-After on a refusal. */
  retryAfterSeconds: number;
}

/** A frontend's limits, from its config. */
export function frontendLimits(config: Readonly<Config>): ConnectionLimits {
  return {
    connectionsMax: config.web.connectionsMax,
    connectionsPerAddressMax: config.web.connectionsPerAddressMax,
    headersMs: config.timeouts.requestHeadersMs,
    bodyIdleMs: config.timeouts.requestBodyIdleMs,
    keepAliveIdleMs: config.timeouts.keepAliveIdleMs,
    requestMs: config.web.requestTimeoutMs,
    drainBytesMax: config.web.bodyBytesMax,
    retryAfterSeconds: 2,
  };
}

/**
 * The balancer's limits: its own caps, the frontends' header and idle rules. It never reads a
 * body, so a request is whole once its head is in: the head's deadline plus one keep-alive.
 */
export function balancerLimits(config: Readonly<Config>): ConnectionLimits {
  return {
    connectionsMax: config.lb.connectionsMax,
    connectionsPerAddressMax: config.lb.connectionsPerAddressMax,
    headersMs: config.timeouts.requestHeadersMs,
    bodyIdleMs: config.timeouts.requestBodyIdleMs,
    keepAliveIdleMs: config.timeouts.keepAliveIdleMs,
    requestMs: config.timeouts.requestHeadersMs + config.timeouts.keepAliveIdleMs,
    drainBytesMax: config.web.bodyBytesMax,
    retryAfterSeconds: 2,
  };
}

export interface ConnectionGuard {
  /** Open connections per socket peer (a trusted proxy's are in the total only). */
  connections: AddressCounts;
  /** The request listener to give the server: refusals and the cut of unread bodies, then `listener`. */
  listener(listener: http.RequestListener): http.RequestListener;
}

function refusal(retryAfterSeconds: number): string {
  const body = '{"error":"This server has too many connections open; try again in a moment.","code":"unavailable"}';
  return (
    'HTTP/1.1 503 Service Unavailable\r\nContent-Type: application/json\r\n' +
    `Retry-After: ${retryAfterSeconds}\r\nConnection: close\r\nContent-Length: ${body.length}\r\n\r\n${body}`
  );
}

/**
 * Puts `limits` on `server` (its timeouts, its connection caps); the caller creates the server
 * with the returned listener. `encrypted`: the server speaks TLS.
 */
export function guardConnections(server: http.Server, proxies: TrustedProxies, limits: ConnectionLimits, encrypted: boolean): ConnectionGuard {
  const connections = new AddressCounts(limits.connectionsMax, limits.connectionsPerAddressMax);
  // A proxy's clients, by the address it names: their requests in flight.
  const proxied = new AddressCounts(Number.MAX_SAFE_INTEGER, limits.connectionsPerAddressMax);
  const refused = new WeakSet<net.Socket>();
  // The request each connection is receiving or answering, to tell a stalled body from a slow handler.
  const current = new WeakMap<net.Socket, http.IncomingMessage>();

  server.headersTimeout = limits.headersMs;
  server.requestTimeout = limits.requestMs;
  server.keepAliveTimeout = limits.keepAliveIdleMs;
  // Any connection silent this long is looked at here (Node closes it when nobody listens).
  server.timeout = limits.bodyIdleMs;
  server.on('timeout', (socket: net.Socket) => {
    const req = current.get(socket);
    // The request is received and the app is working on it (a revive can take minutes): not the
    // client's doing. Anything else silent this long — a body that stopped, a head that never
    // came — is cut.
    if (req?.complete) return;
    socket.destroy();
  });

  // Counted on the TCP connection, before TLS: a refused one costs no handshake.
  server.on('connection', (socket: net.Socket) => {
    const peer = normalizeAddress(socket.remoteAddress ?? '');
    const address = proxies.has(peer) ? undefined : peer;
    if (connections.open(address) !== undefined) {
      refused.add(socket);
      socket.on('error', () => {});
      if (encrypted) socket.destroy();
      else socket.end(refusal(limits.retryAfterSeconds));
      return;
    }
    socket.once('close', () => connections.close(address));
  });

  return {
    connections,
    listener: (listener) => (req, res) => {
      const socket = req.socket;
      // A request parsed on a refused connection: its 503 is already on the way.
      if (refused.has(socket)) return void socket.destroy();
      current.set(socket, req);
      // Before Node's own end of a response, which would drop the rest of an unread body
      // unseen, however large.
      // Once answered, Node gives the connection keepAliveIdleMs for its next request: the rest
      // of an unread body must come within that too.
      res.once('prefinish', () => drainUnread(req, limits));
      res.once('close', () => {
        if (current.get(socket) === req) current.delete(socket);
      });
      const client = proxiedClient(req);
      if (client !== undefined) {
        if (proxied.open(client) !== undefined) {
          res.writeHead(503, { 'Content-Type': 'application/json', 'Retry-After': String(limits.retryAfterSeconds) });
          return void res.end('{"error":"Too many requests from your address at once; try again in a moment.","code":"unavailable"}');
        }
        res.once('close', () => proxied.close(client));
      }
      listener(req, res);
    },
  };

  /** The client a trusted proxy names, for a request that came through one; else undefined. */
  function proxiedClient(req: http.IncomingMessage): string | undefined {
    const peer = normalizeAddress(req.socket.remoteAddress ?? '');
    if (!proxies.has(peer)) return undefined;
    return resolveClient({ remoteAddress: peer, encrypted, forwardedFor: req.headers['x-forwarded-for'], forwardedProto: undefined }, proxies).address;
  }
}

/**
 * The answer is going out before the body was read (a refusal does not wait for it): at most
 * drainBytesMax more of it is read and dropped, then the connection is closed. A body that
 * stops instead is cut once the connection has been idle for keepAliveIdleMs.
 */
function drainUnread(req: http.IncomingMessage, limits: ConnectionLimits): void {
  if (req.complete) return;
  let drained = 0;
  // Whatever the app attached to read the body is done with it.
  req.removeAllListeners('data');
  req.on('data', (chunk: Buffer) => {
    drained += chunk.length;
    if (drained > limits.drainBytesMax) req.socket.destroy();
  });
  req.resume();
}
