// What the frontend refuses before Next sees a request, because Next would answer it with a 500
// or never answer at all (each found by tests/abuse/bad-input-http.test.ts):
//   - methods no route serves and Next cannot represent (TRACE, TRACK, CONNECT, WebDAV's …): 405;
//   - a target that is not a path (`*`, or a full URL, which Next would even redirect to): 400;
//   - a path segment that is not valid percent-encoding (`%E0`, `%ZZ`): Next decodes the route's
//     parameters before any handler runs and fails with a 500: 400;
//   - an Upgrade (WebSocket and the like): nothing here speaks another protocol, and Next leaves
//     some of them unanswered, holding the socket: 400, and the connection closed;
//   - a Server Action call (a `Next-Action` header), or any other method than GET and HEAD asking
//     for a React Server Components answer (`RSC`): the app defines no Server Actions, and Next
//     fails on them with a 500: 400;
//   - a method with a body (POST, PUT, …) on a page: pages take none, and a client that drops the
//     connection while the proxy (proxy.ts) is copying the body makes Next throw an uncaught
//     "aborted" error: 405. Only the API (/api/…) takes other methods than GET and HEAD.
// A refusal is the API's JSON error shape (docs/API.md, "Errors").

export const allowedMethods = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'] as const;

export interface Refusal {
  status: 400 | 405;
  code: string;
  error: string;
  headers: Record<string, string>;
}

/** The headers that decide a refusal (node's lower-cased names). */
export interface TargetHeaders {
  upgrade?: string | string[];
  'next-action'?: string | string[];
  rsc?: string | string[];
}

export function refusalOf(method: string | undefined, target: string | undefined, headers: TargetHeaders): Refusal | undefined {
  if (!(allowedMethods as readonly string[]).includes(method ?? '')) {
    return { status: 405, code: 'method_not_allowed', error: `The method ${method ?? ''} is not served here.`, headers: { Allow: allowedMethods.join(', ') } };
  }
  if (headers.upgrade !== undefined) {
    return { status: 400, code: 'bad_request', error: 'No protocol upgrade is served here.', headers: { Connection: 'close' } };
  }
  if (headers['next-action'] !== undefined || (headers.rsc !== undefined && method !== 'GET' && method !== 'HEAD')) {
    return { status: 400, code: 'bad_request', error: 'No server actions are served here.', headers: {} };
  }
  const url = target ?? '';
  if (!url.startsWith('/') || url.startsWith('//')) {
    return { status: 400, code: 'bad_request', error: 'The request target must be a path.', headers: {} };
  }
  const path = url.split('?', 1)[0]!;
  for (const segment of path.split('/')) {
    try {
      decodeURIComponent(segment);
    } catch {
      return { status: 400, code: 'bad_request', error: 'The path is not valid percent-encoding.', headers: {} };
    }
  }
  if (method !== 'GET' && method !== 'HEAD' && !path.startsWith('/api/')) {
    return { status: 405, code: 'method_not_allowed', error: `A page is only read (GET or HEAD), never sent ${method ?? ''}.`, headers: { Allow: 'GET, HEAD' } };
  }
  return undefined;
}
