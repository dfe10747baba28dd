// The balancer's HTTP side: every request gets a 302 (307 for methods other than GET and HEAD,
// so a form post keeps its method and body) to the same path and query on the next alive
// frontend, or a 503 page when none is alive. It never reads a request body. It speaks HTTPS
// when http.tls is set (../../common/public-http/server.ts); a redirect keeps the scheme the
// browser used, and an HTTPS answer carries Strict-Transport-Security.
import type http from 'node:http';
import type { Config } from '../../common/config.ts';
import type { Logger } from '../../common/log.ts';
import { balancerLimits } from '../../common/public-http/connection-guard.ts';
import { createPublicServer, type PublicServer } from '../../common/public-http/server.ts';
import type { FrontendTable } from '../core/frontend-table.ts';
import { redirectLocation } from '../core/redirect.ts';

export async function createRedirectServer(config: Readonly<Config>, table: FrontendTable, now: () => number, log: Logger): Promise<PublicServer> {
  // Requests arrive only after listen(), by which time `redirects` is set.
  const redirects: PublicServer = await createPublicServer(config, (req, res) => answer(req, res), log, 'load balancer', balancerLimits(config));
  function answer(req: http.IncomingMessage, res: http.ServerResponse): void {
    const safeMethod = req.method === 'GET' || req.method === 'HEAD';
    // A body we do not read is not worth keeping the connection for.
    if (!safeMethod) res.setHeader('Connection', 'close');
    res.setHeader('Cache-Control', 'no-store');
    const { scheme } = redirects.client(req);
    if (scheme === 'https') res.setHeader('Strict-Transport-Security', redirects.hsts);
    const frontend = table.pick(now());
    if (!frontend) {
      res.writeHead(503, { 'Content-Type': 'text/html; charset=utf-8', 'Retry-After': '5' });
      res.end(req.method === 'HEAD' ? undefined : unavailablePage);
      log.warn('no frontend alive; answered 503', { path: req.url });
      return;
    }
    const location = redirectLocation(scheme, frontend, req.headers.host, req.url);
    res.writeHead(safeMethod ? 302 : 307, { Location: location, 'Content-Type': 'text/plain; charset=utf-8' });
    res.end(req.method === 'HEAD' ? undefined : `Found: ${location}\n`);
  }
  return redirects;
}

const unavailablePage = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="refresh" content="5">
<title>PennCloud is unavailable</title>
<style>
  body { font-family: Lato, "Helvetica Neue", Arial, sans-serif; background: #f4f5f7; color: #222; margin: 0; }
  main { max-width: 32rem; margin: 15vh auto; padding: 2rem; background: #fff; border-radius: .5rem;
         box-shadow: 0 1px 3px rgba(0,0,0,.15); }
  h1 { font-size: 1.5rem; margin-top: 0; }
  p { line-height: 1.5; }
</style>
</head>
<body>
<main>
  <h1>PennCloud is unavailable</h1>
  <p>No PennCloud frontend is running right now, so there is nowhere to send you.</p>
  <p>This page tries again every 5 seconds; it will take you in as soon as a frontend is back.</p>
</main>
</body>
</html>
`;
