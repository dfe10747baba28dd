// The web tier's one place that turns a throw into an HTTP answer: `{"error": message, "code"}`
// with a status. PennError codes (from the cluster or from our own checks) map to statuses here
// and only here; HttpError carries statuses that have no PennError code (413, 415, 429).
import { isPennError, type ErrorCode } from '../../../cluster/common/errors.ts';
import type { Logger } from '../../../cluster/common/log.ts';

export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
    this.name = 'HttpError';
  }
}

const statusByCode: Record<ErrorCode, number> = {
  invalid_argument: 400,
  unauthenticated: 401,
  permission_denied: 403,
  not_found: 404,
  already_exists: 409,
  aborted: 409,
  failed_precondition: 409,
  resource_exhausted: 503,
  unavailable: 503,
  internal: 500,
  deadline_exceeded: 504,
};

const serverTrouble: Record<number, string> = {
  500: 'Something went wrong on the server.',
  503: 'The service is unavailable right now; try again in a moment.',
  504: 'The service took too long to answer; try again.',
};

export function errorBody(code: string, message: string): { error: string; code: string } {
  return { error: message, code };
}

export function errorResponse(err: unknown, log: Logger, where: string): Response {
  if (err instanceof HttpError) {
    return Response.json(errorBody(err.code, err.message), { status: err.status, headers: err.headers });
  }
  if (isPennError(err)) {
    const status = statusByCode[err.code];
    if (status < 500) return Response.json(errorBody(err.code, err.message), { status });
    // Server-side trouble is told plainly; the details (node addresses, attempts) stay in the log.
    log.warn(`${where}: ${err.message}`, { code: err.code });
    return Response.json(errorBody(err.code, serverTrouble[status] ?? serverTrouble[500]!), {
      status,
      headers: status === 503 ? { 'Retry-After': '2' } : {},
    });
  }
  log.error(`${where} failed unexpectedly`, { err });
  return Response.json(errorBody('internal', 'Something went wrong on the server.'), { status: 500 });
}
