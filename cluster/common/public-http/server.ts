// The server behind every public listener (the balancer's HTTP port, each frontend): HTTPS with
// the certificate chain and key in http.tls when set, plain HTTP otherwise, bound to http.host
// only once the plain-HTTP rule (listen-rule.ts) allows it. It also answers, per request, who
// the client is and over which scheme (forwarded.ts), and the Strict-Transport-Security value
// an HTTPS response carries. A frontend's server also has limits on its connections
// (connection-guard.ts).
//
// Certificates are renewed while the system runs (Let's Encrypt's every 60–90 days): the files
// are looked at every minute and a changed pair is served to new connections without a restart.
// A pair that does not load — say the key was written and the certificate not yet — is logged
// and the one in use kept, so a renewal never takes the site down.
import { readFile, stat } from 'node:fs/promises';
import http from 'node:http';
import https from 'node:https';
import tls from 'node:tls';
import type { Config } from '../config.ts';
import { PennError } from '../errors.ts';
import type { Logger } from '../log.ts';
import { guardConnections, type ConnectionLimits } from './connection-guard.ts';
import { resolveClient, TrustedProxies, type Client, type Scheme } from './forwarded.ts';
import { plainHttpRefusal } from './listen-rule.ts';

/** How often the certificate files are looked at for a renewal. */
export const certificateCheckMs = 60_000;

export interface PublicServer {
  server: http.Server;
  /** What this listener itself speaks. */
  scheme: Scheme;
  /** The Strict-Transport-Security value for responses the browser received over HTTPS. */
  hsts: string;
  /** Who sent the request and over which scheme: the socket's word, or a trusted proxy's. */
  client(req: http.IncomingMessage): Client;
  /** Serves a changed certificate pair from now on; false when nothing changed or it did not load. */
  reloadCertificate(): Promise<boolean>;
  /** Binds to http.host:port (0: any free port) unless plain HTTP is refused there; the port bound. */
  listen(port: number): Promise<number>;
  close(): Promise<void>;
}

interface CertificatePair {
  key: string;
  cert: string;
  /** mtime and size of both files, to notice a renewal. */
  stamp: string;
}

async function readPair(files: { certFile: string; keyFile: string }): Promise<CertificatePair> {
  const read = async (setting: string, file: string) => {
    try {
      const [text, info] = await Promise.all([readFile(file, 'utf8'), stat(file)]);
      return { text, stamp: `${info.mtimeMs}:${info.size}` };
    } catch (err) {
      throw new PennError('invalid_argument', `cannot read ${setting} ${file}: ${(err as Error).message}`);
    }
  };
  // Both read at once; when both fail, the certificate's error is the one told, whichever failed first.
  const [certRead, keyRead] = await Promise.allSettled([read('http.tls.certFile', files.certFile), read('http.tls.keyFile', files.keyFile)]);
  if (certRead.status === 'rejected') throw certRead.reason;
  if (keyRead.status === 'rejected') throw keyRead.reason;
  const [cert, key] = [certRead.value, keyRead.value];
  try {
    // Loads and matches the pair now, so a bad one is refused here rather than at a handshake.
    tls.createSecureContext({ key: key.text, cert: cert.text });
  } catch (err) {
    throw new PennError('invalid_argument', `http.tls: cannot use the certificate ${files.certFile} with the key ${files.keyFile}: ${(err as Error).message}`);
  }
  return { key: key.text, cert: cert.text, stamp: `${cert.stamp}/${key.stamp}` };
}

async function stampOf(files: { certFile: string; keyFile: string }): Promise<string> {
  const [cert, key] = await Promise.all([stat(files.certFile), stat(files.keyFile)]);
  return `${cert.mtimeMs}:${cert.size}/${key.mtimeMs}:${key.size}`;
}

/** Throws, with a message naming the settings, when `what` must not serve plain HTTP on http.host:port. */
export function refusePlainHttp(config: Readonly<Config>, port: number, what: string): void {
  const refusal = plainHttpRefusal(config, port, what);
  if (refusal) throw new PennError('failed_precondition', refusal);
}

/**
 * `what` names the listener in messages ("load balancer", "frontend 2"). With `limits`, the
 * server refuses connections over its caps and cuts slow ones (connection-guard.ts).
 */
export async function createPublicServer(config: Readonly<Config>, listener: http.RequestListener, log: Logger, what: string, limits?: ConnectionLimits): Promise<PublicServer> {
  const files = config.http.tls;
  let pair = files ? await readPair(files) : undefined;
  // Node looks at its connections' header and request deadlines this often (30 s by default):
  // each second, so a limit of seconds is kept to about a second.
  const options: http.ServerOptions = limits ? { connectionsCheckingInterval: 1000 } : {};
  let handle = listener;
  const serve: http.RequestListener = (req, res) => handle(req, res);
  // A TLS handshake is part of a request's head: it has the same deadline.
  const tlsOptions: https.ServerOptions = limits ? { ...options, handshakeTimeout: limits.headersMs } : options;
  const server: http.Server = pair ? https.createServer({ ...tlsOptions, key: pair.key, cert: pair.cert }, serve) : http.createServer(options, serve);
  const proxies = TrustedProxies.parse(config.http.trustedProxies);
  if (limits) handle = guardConnections(server, proxies, limits, pair !== undefined).listener(listener);
  let timer: NodeJS.Timeout | undefined;

  const reloadCertificate = async (): Promise<boolean> => {
    if (!files || !pair) return false;
    try {
      if ((await stampOf(files)) === pair.stamp) return false;
      const next = await readPair(files);
      (server as https.Server).setSecureContext({ key: next.key, cert: next.cert });
      pair = next;
      log.info(`${what}: serving the renewed certificate ${files.certFile}`);
      return true;
    } catch (err) {
      log.warn(`${what}: keeping the certificate in use: ${(err as Error).message}`);
      return false;
    }
  };

  return {
    server,
    scheme: pair ? 'https' : 'http',
    hsts: `max-age=${config.http.hstsMaxAgeSeconds}`,
    client: (req) =>
      resolveClient(
        {
          remoteAddress: req.socket.remoteAddress,
          encrypted: (req.socket as { encrypted?: boolean }).encrypted === true,
          forwardedFor: req.headers['x-forwarded-for'],
          forwardedProto: req.headers['x-forwarded-proto'],
        },
        proxies,
      ),
    reloadCertificate,
    async listen(port) {
      refusePlainHttp(config, port, what);
      const bound = await new Promise<number>((resolve, reject) => {
        server.once('error', reject);
        server.listen(port, config.http.host, () => {
          server.off('error', reject);
          resolve((server.address() as { port: number }).port);
        });
      });
      if (files) {
        timer = setInterval(() => void reloadCertificate(), certificateCheckMs);
        timer.unref();
      }
      return bound;
    },
    close() {
      clearInterval(timer);
      return new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
}
