// Where the load balancer sends a browser: the same path and query on the picked frontend, at
// the host name the browser already uses (so the session cookie, which is per host name and not
// per port, goes along), unless the frontend names a public host of its own, and over the scheme
// the browser used (an https visit must never be sent on over plain http, where the Secure
// session cookie would not follow and a network attacker could read the page).
import type { Scheme } from '../../common/public-http/forwarded.ts';

const hostHeaderPattern = /^(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9.-]+)(?::\d{1,5})?$/;

/** The host name of a Host header, or undefined when it is missing or malformed. */
export function hostnameOf(hostHeader: string | undefined): string | undefined {
  if (!hostHeader) return undefined;
  const match = hostHeaderPattern.exec(hostHeader.trim());
  return match?.[1];
}

export interface RedirectTarget {
  /** host:port the frontend serves on. */
  address: string;
  /** '' unless the frontend was configured with a public host name. */
  publicHost: string;
}

/**
 * The Location for a request with this Host header and request-target (path and query), that
 * arrived over `scheme` (as the browser used it: forwarded.ts decides when a proxy stands between).
 */
export function redirectLocation(scheme: Scheme, target: RedirectTarget, hostHeader: string | undefined, requestTarget: string | undefined): string {
  const colon = target.address.lastIndexOf(':');
  const frontendHost = target.address.slice(0, colon);
  const port = target.address.slice(colon + 1);
  const host = target.publicHost || hostnameOf(hostHeader) || frontendHost;
  // Only origin-form targets ("/path?query") are passed on; anything else goes to the root.
  const pathAndQuery = requestTarget && requestTarget.startsWith('/') ? requestTarget : '/';
  return `${scheme}://${host}:${port}${pathAndQuery}`;
}
