// Rate limits on password checks, per username and per client address, counted in failures
// over web.loginWindowMs. Unknown users count exactly like wrong passwords and get the same
// answers, so neither the message nor the limit tells whether a name exists. Counters live in
// each frontend's memory: four frontends allow up to four times the limit in total.
import { HttpError } from './errors';
import type { ServerContext } from './context';

export const wrongCredentials = 'Wrong username or password.';

function keys(username: string, address: string): { user: string; address: string } {
  return { user: `user:${username}`, address: `addr:${address}` };
}

/** Throws 429 when either the user or the address has used up its failures. */
export function checkLoginAllowed(ctx: ServerContext, username: string, address: string, nowMs: number): void {
  const k = keys(username, address);
  const waitMs = Math.max(ctx.userFailures.retryAfterMs(k.user, nowMs), ctx.addressFailures.retryAfterMs(k.address, nowMs));
  if (waitMs > 0) {
    const seconds = Math.ceil(waitMs / 1000);
    throw new HttpError(429, 'rate_limited', `Too many failed attempts; try again in ${seconds} s.`, { 'Retry-After': String(seconds) });
  }
}

export function recordLoginFailure(ctx: ServerContext, username: string, address: string, nowMs: number): void {
  const k = keys(username, address);
  ctx.userFailures.recordFailure(k.user, nowMs);
  ctx.addressFailures.recordFailure(k.address, nowMs);
  ctx.log.info('login failed', { user: username, address });
}
