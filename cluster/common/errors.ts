// One error type for every service, with a closed set of codes. A code is mapped once to a
// gRPC status (toGrpcStatus) and once back (fromGrpcError); the web tier maps it to HTTP.
// Throw PennError for operating errors (bad input, a peer down); anything else that reaches a
// handler is a bug and becomes INTERNAL.
import { status as GrpcStatus, type ServiceError } from '@grpc/grpc-js';

export const errorCodes = [
  'invalid_argument',
  'not_found',
  'already_exists',
  'failed_precondition',
  'unavailable',
  'deadline_exceeded',
  'resource_exhausted',
  'permission_denied',
  'unauthenticated',
  'aborted',
  'internal',
] as const;
export type ErrorCode = (typeof errorCodes)[number];

const grpcByCode: Record<ErrorCode, GrpcStatus> = {
  invalid_argument: GrpcStatus.INVALID_ARGUMENT,
  not_found: GrpcStatus.NOT_FOUND,
  already_exists: GrpcStatus.ALREADY_EXISTS,
  failed_precondition: GrpcStatus.FAILED_PRECONDITION,
  unavailable: GrpcStatus.UNAVAILABLE,
  deadline_exceeded: GrpcStatus.DEADLINE_EXCEEDED,
  resource_exhausted: GrpcStatus.RESOURCE_EXHAUSTED,
  permission_denied: GrpcStatus.PERMISSION_DENIED,
  unauthenticated: GrpcStatus.UNAUTHENTICATED,
  aborted: GrpcStatus.ABORTED,
  internal: GrpcStatus.INTERNAL,
};

export class PennError extends Error {
  readonly code: ErrorCode;

  constructor(code: ErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'PennError';
    this.code = code;
  }
}

export function toGrpcStatus(code: ErrorCode): GrpcStatus {
  return grpcByCode[code];
}

/** Turns an error from a gRPC call back into a PennError; unknown statuses become 'internal'. */
export function fromGrpcError(err: unknown): PennError {
  if (isPennError(err)) return err;
  const e = err as Partial<ServiceError>;
  if (typeof e?.code === 'number') {
    const code =
      (Object.keys(grpcByCode) as ErrorCode[]).find((c) => grpcByCode[c] === e.code) ??
      (e.code === GrpcStatus.CANCELLED ? 'unavailable' : 'internal');
    return new PennError(code, e.details || e.message || 'gRPC error', { cause: err });
  }
  return new PennError('internal', err instanceof Error ? err.message : String(err), { cause: err });
}

/**
 * By shape, not only instanceof: a bundler (Next's route bundles) may load this module more than
 * once, and an error made by one copy is not an instance of another copy's class.
 */
export function isPennError(err: unknown, code?: ErrorCode): err is PennError {
  const penn =
    err instanceof PennError ||
    (err instanceof Error && err.name === 'PennError' && (errorCodes as readonly string[]).includes((err as PennError).code));
  return penn && (code === undefined || (err as PennError).code === code);
}
