// `npm run web -- <n>`: frontend n of web.frontends, serving the built Next app over HTTP, or
// HTTPS with http.tls, on web.hosts[n - 1] (else http.host) port web.basePort + n - 1, and
// heartbeating the load balancer every web.heartbeatIntervalMs.
//
// Why a small custom server around Next (its public `next()` API) rather than `next start`:
// - one process per frontend, so the pid a test or operator holds is the server (kill -9 and
//   SIGTERM reach it; a wrapper spawning `next start` could leave it orphaned);
// - the heartbeat runs here, beside the server it vouches for, and stops with it;
// - this is the one place that sees the socket, so it decides who the client is and over which
//   scheme (cluster/common/public-http/forwarded.ts): the socket's word, or a trusted proxy's.
//   X-Forwarded-For and X-Forwarded-Proto are overwritten with that verdict before Next sees
//   the request, so the per-address login limit cannot be dodged with a forged header (`next
//   start` keeps a client-sent one), and the session cookie's Secure flag and the origin check
//   (lib/server/session.ts, request.ts) follow the scheme the browser really used;
// - and it is where slow and numerous connections are refused or cut, before Next parses
//   anything (cluster/common/public-http/connection-guard.ts).
import { EventEmitter } from 'node:events';
import { existsSync } from 'node:fs';
import type http from 'node:http';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import next from 'next';
import { loadConfig, parseConfig } from '../cluster/common/config.ts';
import { createLogger, type Logger } from '../cluster/common/log.ts';
import { failedToStart, startOrExit, stopOnSignals } from '../cluster/common/process-main.ts';
import { frontendLimits } from '../cluster/common/public-http/connection-guard.ts';
import { createPublicServer, refusePlainHttp, type PublicServer } from '../cluster/common/public-http/server.ts';
import { LbClient } from '../cluster/lb/client.ts';
import { refusalOf } from './lib/server/request-target.ts';
import { loadSessionSecret } from './lib/server/session-secret.ts';

const webDir = path.dirname(fileURLToPath(import.meta.url));

function frontendNumber(arg: string | undefined, frontends: number): number {
  const n = Number(arg);
  if (!Number.isInteger(n) || n < 1 || n > frontends) {
    process.stderr.write(`usage: npm run web -- <n>   (n = 1…${frontends}, the frontend to start)\n`);
    process.exit(2);
  }
  return n;
}

async function main(): Promise<void> {
  const frontend = frontendNumber(process.argv[2], loadConfig().web.frontends);
  // The Next side reads the same config; this tells it which frontend it is.
  process.env.PENNCLOUD__web__frontend = String(frontend);
  const shared = loadConfig();
  // Its own address (web.hosts, on another machine) is its http.host: the listener, the rule for
  // plain HTTP and the address it heartbeats all follow it.
  const config = parseConfig({ ...shared, http: { ...shared.http, host: shared.web.hosts[frontend - 1] ?? shared.http.host } });
  const log = createLogger({ component: 'web', frontend }, { level: config.logLevel });
  const port = config.web.basePort + frontend - 1;
  // Before the slow start of Next: a frontend that may not serve plain HTTP here, or whose
  // certificate does not load, says why now. Requests arrive only after listen(), once `serve`
  // below is set.
  const site: PublicServer = await startOrExit(log, () => {
    refusePlainHttp(config, port, `frontend ${frontend}`);
    return createPublicServer(config, (req, res) => serve(req, res), log, `frontend ${frontend}`, frontendLimits(config));
  });
  if (!existsSync(path.join(webDir, '.next', 'BUILD_ID'))) {
    log.error('the web app is not built: run `npm run build:web` (npm start builds it when needed)');
    process.exit(1);
  }
  // Created (once, atomically) before the first request rather than during it.
  loadSessionSecret(config);

  // tsx turned source maps on for this file; left on, Node would also parse and keep the source
  // map (with every source it embeds) of each module Next loads: some 30–50 MB of a frontend's
  // memory. Stack traces from here on name the built files.
  process.setSourceMapsEnabled(false);
  // Next attaches a WebSocket handler to the server of the first request it sees (its
  // `upgrade` event), after which Node hands every Upgrade request to it instead of to `serve`
  // — and it leaves most of them unanswered, holding the socket. Nothing here speaks WebSocket:
  // Next gets a stand-in server to attach to, and `serve` refuses Upgrades (request-target.ts).
  const upgradesGoNowhere = new EventEmitter() as http.Server;
  const app = next({ dev: false, dir: webDir, hostname: config.http.host, port, customServer: true, httpServer: upgradesGoNowhere });
  await app.prepare();
  const handle = app.getRequestHandler();
  const serve = (req: http.IncomingMessage, res: http.ServerResponse) => {
    const refused = refusalOf(req.method, req.url, req.headers);
    if (refused) {
      res.writeHead(refused.status, { 'Content-Type': 'application/json', ...refused.headers });
      res.end(JSON.stringify({ code: refused.code, error: refused.error }));
      return;
    }
    const client = site.client(req);
    req.headers['x-forwarded-for'] = client.address;
    req.headers['x-forwarded-proto'] = client.scheme;
    delete req.headers['x-forwarded-host'];
    delete req.headers['x-forwarded-port'];
    if (client.scheme === 'https') res.setHeader('Strict-Transport-Security', site.hsts);
    restoreContentLength(res);
    res.flushHeaders = headersGoWithBody;
    handle(req, res).catch((err: unknown) => {
      log.error('request failed', { err, path: req.url });
      if (!res.headersSent) res.writeHead(500).end();
    });
  };
  const server = site.server;
  await site.listen(port);
  log.info(`frontend ${frontend} serving ${site.scheme}://${config.http.host}:${port}`);

  const heartbeat = startHeartbeat(config, frontend, `${config.http.host}:${port}`, log);
  stopOnSignals(log, `frontend ${frontend}`, async () => {
    await heartbeat.stop();
    server.close();
    server.closeIdleConnections();
    const force = setTimeout(() => server.closeAllConnections(), 5_000);
    force.unref();
    await app.close().catch(() => {});
  });
}

/**
 * Next drops Content-Length from a route handler's response (its send-response.js), so a large
 * download would go out chunked and HEAD could not tell a file's size. A handler that knows the
 * exact length (the drive's downloads) names it in X-Content-Length; it becomes Content-Length here,
 * as the headers are written.
 */
function restoreContentLength(res: http.ServerResponse): void {
  const writeHead = res.writeHead;
  res.writeHead = function (this: http.ServerResponse, ...args: Parameters<typeof writeHead>) {
    const length = this.getHeader('x-content-length');
    if (length !== undefined) {
      this.removeHeader('x-content-length');
      // A compressed body has another length: then it stays chunked.
      if (/^\d+$/.test(String(length)) && !this.getHeader('content-encoding')) this.setHeader('Content-Length', String(length));
    }
    return writeHead.apply(this, args);
  } as typeof writeHead;
}

/**
 * Next flushes a response's headers on their own just before writing its first chunk
 * (next/dist/server/pipe-readable.js): one more write to the socket per request, ~9 % of a
 * small answer's CPU in a profile of bench:web. Left to the first write, Node sends headers and
 * body together; nothing is delayed, since that write follows at once.
 */
function headersGoWithBody(): void {}

/** Heartbeats until stopped; the last one says the frontend is leaving, so the LB skips it at once. */
function startHeartbeat(config: ReturnType<typeof loadConfig>, frontend: number, address: string, log: Logger) {
  const lb = new LbClient(config, Math.min(1000, config.web.heartbeatIntervalMs));
  const startedAtMs = Date.now();
  let failing = false;
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;
  const send = (leaving: boolean) =>
    lb.heartbeat({ frontend, address, publicHost: config.web.publicHost ?? '', startedAtMs, rssBytes: process.memoryUsage.rss(), leaving });
  const beat = async () => {
    try {
      await send(false);
      if (failing) log.info(`load balancer at ${lb.address} reachable again`);
      failing = false;
    } catch (err) {
      if (!failing) log.warn(`cannot reach the load balancer at ${lb.address}: ${(err as Error).message}`);
      failing = true;
    }
    if (!stopped) timer = setTimeout(() => void beat(), config.web.heartbeatIntervalMs);
  };
  void beat();
  return {
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await send(true).catch(() => {});
      lb.close();
    },
  };
}

main().catch(failedToStart('frontend'));
