// When a public listener (the balancer's HTTP port, a frontend) may serve plain HTTP: on a
// loopback address always; elsewhere only with HTTPS configured, behind a TLS-terminating proxy
// named in http.trustedProxies, or when the operator said so with http.allowPlainHttp. Anything
// else would send passwords and session cookies across the network in the clear. Pure.
import net from 'node:net';
import type { Config } from '../config.ts';
import { normalizeAddress } from './forwarded.ts';

/** 127.0.0.0/8, ::1 and localhost: only this machine can reach them. 0.0.0.0 and :: are every address. */
export function isLoopbackHost(host: string): boolean {
  const address = normalizeAddress(host);
  if (address === 'localhost') return true;
  if (net.isIPv4(address)) return address.startsWith('127.');
  return address === '::1';
}

/** Why `what` (e.g. "frontend 2") must not serve on http.host:port, or undefined when it may. */
export function plainHttpRefusal(config: Pick<Readonly<Config>, 'http'>, port: number, what: string): string | undefined {
  const http = config.http;
  if (http.tls || http.trustedProxies.length > 0 || http.allowPlainHttp || isLoopbackHost(http.host)) return undefined;
  return (
    `${what} refuses to serve plain HTTP on ${http.host}:${port}: http.host is not a loopback address, so ` +
    'passwords and session cookies would cross the network unencrypted. Set http.tls.certFile and ' +
    'http.tls.keyFile to serve HTTPS, or http.trustedProxies to the addresses of the proxy that ' +
    'terminates HTTPS in front of it, or http.host to 127.0.0.1; http.allowPlainHttp: true serves plain ' +
    'HTTP anyway (docs/DEPLOY.md, "HTTPS for people").'
  );
}
