// Where to go after logging in: the page a visitor asked for before the login page, carried as
// `?next=<path>`. Only a path of this site is taken — one "/" then a path, never "//host" or
// "/\host" (which browsers read as another site), a scheme, a backslash, or a control
// character or space (browsers drop tabs and line breaks inside URLs, so "/\t/evil" would
// become "//evil") — and never the login pages or the API. Anything else answers undefined,
// and the caller goes to the menu. Pure; used by the login page, the login form and proxy.ts.

export const nextPathCharsMax = 2048;
/**
 * The request header proxy.ts sets on the pages it lets through: the page's own path and query,
 * for a page that finds the session stale to send the visitor to the same login link.
 */
export const pagePathHeader = 'x-penncloud-page';
const base = 'http://penncloud.invalid';
/** First path segments that are no page to come back to. */
const refusedSegments = new Set(['api', 'login', 'signup', '_next']);

export function safeNextPath(raw: unknown): string | undefined {
  if (typeof raw !== 'string' || raw.length === 0 || raw.length > nextPathCharsMax) return undefined;
  if (!raw.startsWith('/') || raw.startsWith('//')) return undefined;
  // eslint-disable-next-line no-control-regex
  if (/[\\\s\u0000-\u001f\u007f]/.test(raw)) return undefined;
  let url: URL;
  try {
    url = new URL(raw, base);
  } catch {
    return undefined;
  }
  if (url.origin !== base) return undefined;
  if (url.pathname === '/' || refusedSegments.has(url.pathname.split('/')[1] ?? '')) return undefined;
  return url.pathname + url.search + url.hash;
}

/** The login page's address that comes back to `path` (a page of this site) afterwards. */
export function loginPathFor(path: string): string {
  const next = safeNextPath(path);
  return next ? `/?next=${encodeURIComponent(next)}` : '/';
}
