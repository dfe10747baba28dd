// The session cookie's name and attributes, by the scheme the browser used (request.ts,
// requestScheme). Over HTTPS it is `__Host-penncloud_session`, Secure: the prefix makes the
// browser refuse the cookie unless it is Secure, has Path=/ and no Domain, so a page on
// another subdomain, or one served over plain HTTP by whoever sits on the network, cannot
// plant or overwrite a session (RFC 6265bis §4.1.3.2). Over plain HTTP (local development,
// loopback) a Secure cookie would never come back, so it is the bare name without Secure.
// Always HttpOnly (no script reads it) and SameSite=Lax (not sent on cross-site posts).
//
// The device cookie (device-cookie.ts) follows the same rules under its own name, with
// SameSite=Strict: it only matters on the login and password forms, which are our own pages.
import type { Scheme } from './request';

/** A cookie's name and attributes by the rules above, with its own SameSite. */
export interface HostCookie<SameSite extends 'lax' | 'strict'> {
  name: string;
  options: { httpOnly: true; sameSite: SameSite; secure: boolean; path: '/' };
}

export type SessionCookie = HostCookie<'lax'>;
export type DeviceCookie = HostCookie<'strict'>;

function hostCookie<SameSite extends 'lax' | 'strict'>(baseName: string, sameSite: SameSite, scheme: Scheme): HostCookie<SameSite> {
  const secure = scheme === 'https';
  return {
    name: secure ? `__Host-${baseName}` : baseName,
    options: { httpOnly: true, sameSite, secure, path: '/' },
  };
}

export function sessionCookie(scheme: Scheme): SessionCookie {
  return hostCookie('penncloud_session', 'lax', scheme);
}

export function deviceCookie(scheme: Scheme): DeviceCookie {
  return hostCookie('penncloud_device', 'strict', scheme);
}
