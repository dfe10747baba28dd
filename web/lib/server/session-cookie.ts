// The session cookie's name and attributes, by the scheme the browser used (request.ts,
// requestScheme). Over HTTPS it is `__Host-penncloud_session`, Secure: the prefix makes the
// browser refuse the cookie unless it is Secure, has Path=/ and no Domain, so a page on
// another subdomain, or one served over plain HTTP by whoever sits on the network, cannot
// plant or overwrite a session (RFC 6265bis §4.1.3.2). Over plain HTTP (local development,
// loopback) a Secure cookie would never come back, so it is the bare name without Secure.
// Always HttpOnly (no script reads it) and SameSite=Lax (not sent on cross-site posts).
import type { Scheme } from './request';

const baseName = 'penncloud_session';

export interface SessionCookie {
  name: string;
  options: { httpOnly: true; sameSite: 'lax'; secure: boolean; path: '/' };
}

export function sessionCookie(scheme: Scheme): SessionCookie {
  const secure = scheme === 'https';
  return {
    name: secure ? `__Host-${baseName}` : baseName,
    options: { httpOnly: true, sameSite: 'lax', secure, path: '/' },
  };
}
