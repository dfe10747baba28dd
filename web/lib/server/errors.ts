// The web tier's one place that turns a throw into an HTTP answer: `{"error": message, "code"}`
// with a status. PennError codes (from the cluster or from our own checks) map to statuses here
// and only here; HttpError carries statuses that have no PennError code (413, 415, 429).
//
// Every 503 carries `Retry-After`: the store gives up on an operation after riding out a
// failover (`timeouts.interactiveOperationMs`), so "try again in a couple of seconds" is
// the honest answer, and clients that honour the header come back when it may work.
import { isPennError, type ErrorCode } from '../../../cluster/common/errors.ts';
import type { Logger } from '../../../cluster/common/log.ts';
import { isStorageUnavailable } from '../../../cluster/kvs/cluster-client.ts';
import { storageRecoveringText } from '../storage-unavailable';

export const retryAfterSeconds = 2;

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

function headersFor(status: number, headers: Record<string, string> = {}): Record<string, string> {
  return status === 503 && !('Retry-After' in headers) ? { ...headers, 'Retry-After': String(retryAfterSeconds) } : headers;
}

export function errorResponse(err: unknown, log: Logger, where: string): Response {
  if (err instanceof HttpError) {
    return Response.json(errorBody(err.code, err.message), { status: err.status, headers: headersFor(err.status, err.headers) });
  }
  if (isPennError(err)) {
    const status = statusByCode[err.code];
    if (status < 500) return Response.json(errorBody(err.code, err.message), { status });
    // Server-side trouble is told plainly; the details (node addresses, attempts) stay in the log.
    log.warn(`${where}: ${err.message}`, { code: err.code });
    const message = isStorageUnavailable(err) ? storageRecoveringText : (serverTrouble[status] ?? serverTrouble[500]!);
    return Response.json(errorBody(err.code, message), { status, headers: headersFor(status) });
  }
  log.error(`${where} failed unexpectedly`, { err });
  return Response.json(errorBody('internal', 'Something went wrong on the server.'), { status: 500 });
}
