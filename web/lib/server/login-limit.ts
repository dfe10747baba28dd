// Rate limits on password checks, per username and per client address: at most
// web.loginFailuresPerUserMax and web.loginFailuresPerAddressMax failures within
// web.loginWindowMs. The failures are counted in the store, so every frontend sees the same
// count and the load balancer's round robin does not multiply the limit:
//   `<user>#login`        column `failures`: the user's recent failures (JSON, ms timestamps);
//   `#login#<address>`    the same per client address (no username is empty, so no user owns it).
// Unknown users count exactly like wrong passwords and get the same answers, so neither the
// message nor the limit tells whether a name exists. A name that breaks the username rules can
// name no account: only its address counts (and its row would not be a valid user row).
import { z } from 'zod';
import { usernamePattern } from '../account-rules';
import { readCell, updateCell, type CellCodec } from './cells';
import type { ServerContext } from './context';
import { HttpError } from './errors';
import { retryAfterMs, withFailure } from '../../../cluster/data/accounts/failure-window.ts';

export const wrongCredentials = 'Wrong username or password.';

const column = 'failures';
const timesSchema = z.array(z.number().int().nonnegative()).max(1000);

/** A value that is not a list of times (damaged, or written by something else) counts as none. */
const timesCodec: CellCodec<number[]> = {
  decode(value) {
    try {
      return timesSchema.parse(JSON.parse(value.toString('utf8')));
    } catch {
      return [];
    }
  },
  encode: (times) => Buffer.from(JSON.stringify(times)),
};

interface Counter {
  row: string;
  limit: number;
}

function counters(ctx: ServerContext, username: string, address: string): Counter[] {
  const web = ctx.config.web;
  const counters = [{ row: `#login#${address}`, limit: web.loginFailuresPerAddressMax }];
  if (usernamePattern.test(username)) counters.push({ row: `${username}#login`, limit: web.loginFailuresPerUserMax });
  return counters;
}

/** Throws 429 when either the user or the address has used up its failures. */
export async function checkLoginAllowed(ctx: ServerContext, username: string, address: string, nowMs: number): Promise<void> {
  const windowMs = ctx.config.web.loginWindowMs;
  const waits = await Promise.all(
    counters(ctx, username, address).map(async (c) => retryAfterMs((await readCell(ctx.cluster, c.row, column, timesCodec)) ?? [], c.limit, windowMs, nowMs)),
  );
  const waitMs = Math.max(0, ...waits);
  if (waitMs > 0) {
    const seconds = Math.ceil(waitMs / 1000);
    throw new HttpError(429, 'rate_limited', `Too many failed attempts; try again in ${seconds} s.`, { 'Retry-After': String(seconds) });
  }
}

export async function recordLoginFailure(ctx: ServerContext, username: string, address: string, nowMs: number): Promise<void> {
  const windowMs = ctx.config.web.loginWindowMs;
  ctx.log.info('login failed', { user: username, address });
  await Promise.all(
    counters(ctx, username, address).map((c) =>
      // A failure at a time already recorded is this one, recorded by a write whose reply was
      // lost and then overwritten before the read-back (cells.ts): recording it again would
      // count it twice. (Two failures in one millisecond count once: the limit comes one later.)
      updateCell(ctx.cluster, c.row, column, timesCodec, (times) => (times?.includes(nowMs) ? undefined : withFailure(times ?? [], c.limit, windowMs, nowMs))),
    ),
  );
}
