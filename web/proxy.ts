// Before a page that needs a login: a visitor without a session cookie goes to the login page
// with `?next=<the page>` (lib/next-path.ts), so that after logging in they land where they
// were going (a deep link to a folder, a mail), instead of the page's own redirect to `/`,
// which cannot know the address. With a cookie the page is served, told its own address in
// `x-penncloud-page` (a page cannot read its URL), so that a page finding the cookie stale
// can send the visitor to the same login link.
// Only those pages pass through here (config.matcher): the API, the assets and the login page
// cost nothing more. /admin answers 401 itself (app/admin/page.tsx) and is left alone.
import { NextResponse, type NextRequest } from 'next/server';
import { loginPathFor, pagePathHeader } from './lib/next-path';

/** Both names session-cookie.ts gives the session cookie (plain HTTP and HTTPS). */
const sessionCookies = ['penncloud_session', '__Host-penncloud_session'];

export function proxy(request: NextRequest): NextResponse {
  const { pathname, search } = request.nextUrl;
  if (sessionCookies.some((name) => request.cookies.has(name))) {
    const headers = new Headers(request.headers);
    headers.set(pagePathHeader, pathname + search);
    return NextResponse.next({ request: { headers } });
  }
  // Next wants an absolute Location; the request's own URL (the host the browser asked) is its base.
  return NextResponse.redirect(new URL(loginPathFor(pathname + search), request.nextUrl), 307);
}

export const config = {
  matcher: ['/menu', '/drive', '/drive/:path*', '/shared', '/mail', '/mail/:path*', '/password'],
};
