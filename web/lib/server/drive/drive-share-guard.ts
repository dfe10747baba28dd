// What stands between a visitor without an account and a link: the guess limits and the
// password cookie.
//
// Guess limits (attempt-counter.ts cells in the store, so every frontend counts together):
// - a look-up of a token that names no link counts against the client address (`misses`);
//   an address whose misses are used up is answered 429 for every link, before any look-up.
//   The count is read before the look-up and a miss recorded after it, so parallel guesses
//   from one address may pass the limit by the requests in flight (bounded per address by
//   web.connectionsPerAddressMax); each guess is one in 2^192 anyway, the limit keeps a
//   scanner from costing the store.
// - a password is checked only after an attempt is reserved against the address and the link
//   (like the login limit: parallel guesses never pass it), refunded when it is right.
//
// The password cookie: once given, a link's password is remembered for
// web.sharePasswordCookieTtlSeconds by a cookie sealed with the session secret (iron), naming
// the token; HttpOnly, SameSite=Lax (a link opened from a mail is a cross-site navigation),
// Secure over HTTPS, one per link.
import { createHash } from 'node:crypto';
import { sealData, unsealData } from 'iron-session';
import { cookies, headers } from 'next/headers';
import { newAttemptId, releaseAttempt, reserveAttempt, recentAttempts, decodeAttempts, waitMs, type CounterCell } from '../../../../cluster/model/accounts/attempt-counter.ts';
import type { ServerContext } from '../context';
import { HttpError } from '../errors';
import { requestScheme } from '../request';
import { guessRow, linkFailuresColumn, linkRow } from './drive-share-rules';

function missesCell(ctx: ServerContext, address: string): CounterCell {
  const web = ctx.config.web;
  return { row: guessRow(address), column: 'misses', limit: web.shareMissesPerAddressMax, windowMs: web.shareGuessWindowMs };
}

function tooMany(retryAfterMs: number, what: string): HttpError {
  const seconds = Math.max(1, Math.ceil(retryAfterMs / 1000));
  return new HttpError(429, 'rate_limited', `Too many ${what} from your address; try again in ${seconds} s.`, { 'Retry-After': String(seconds) });
}

/** 429 when the address has used up its misses. */
export async function refuseGuesser(ctx: ServerContext, address: string): Promise<void> {
  const cell = missesCell(ctx, address);
  const now = Date.now();
  const attempts = recentAttempts(decodeAttempts(await ctx.cluster.get(cell.row, cell.column)), cell.windowMs, now);
  const wait = waitMs(attempts, cell.limit, cell.windowMs, now);
  if (wait > 0) throw tooMany(wait, 'links that do not exist');
}

/** Counts a look-up that found no link. */
export async function recordMiss(ctx: ServerContext, address: string): Promise<void> {
  await reserveAttempt(ctx.cluster, missesCell(ctx, address), newAttemptId(), Date.now());
}

/**
 * Checks a link's password under a reservation of the address and the link: 429 when either
 * is used up (nothing counted), otherwise the check's answer; a right one is refunded.
 */
export async function checkLinkPassword(ctx: ServerContext, address: string, token: string, check: () => Promise<boolean>): Promise<boolean> {
  const web = ctx.config.web;
  const windowMs = web.shareGuessWindowMs;
  const cells: CounterCell[] = [
    { row: linkRow(token), column: linkFailuresColumn, limit: web.sharePasswordFailuresPerLinkMax, windowMs },
    { row: guessRow(address), column: 'passwords', limit: web.sharePasswordFailuresPerAddressMax, windowMs },
  ];
  const id = newAttemptId();
  const reserved: CounterCell[] = [];
  const refund = () => Promise.all(reserved.map((cell) => releaseAttempt(ctx.cluster, cell, id, Date.now()).catch(() => {})));
  for (const cell of cells) {
    const wait = await reserveAttempt(ctx.cluster, cell, id, Date.now());
    if (wait > 0) {
      await refund();
      throw tooMany(wait, 'wrong passwords');
    }
    reserved.push(cell);
  }
  let ok = false;
  try {
    ok = await check();
  } finally {
    if (ok) await refund();
  }
  return ok;
}

/** The cookie's name: one per link, from a digest of the token (the token itself stays out of headers it need not be in). */
async function passwordCookie(token: string) {
  const secure = requestScheme(await headers()) === 'https';
  const digest = createHash('sha256').update(token).digest('hex').slice(0, 16);
  return { name: `${secure ? '__Host-' : ''}penncloud_link_${digest}`, options: { httpOnly: true, sameSite: 'lax' as const, secure, path: '/' } };
}

interface Unlocked {
  t: string;
}

/** True when the request carries this link's password cookie, still valid. */
export async function hasUnlocked(ctx: ServerContext, token: string): Promise<boolean> {
  const { name } = await passwordCookie(token);
  const seal = (await cookies()).get(name)?.value;
  if (!seal) return false;
  try {
    const data = await unsealData<Partial<Unlocked>>(seal, { password: ctx.sessionSecret, ttl: ctx.config.web.sharePasswordCookieTtlSeconds });
    return data.t === token;
  } catch {
    return false;
  }
}

/** Gives the password cookie for this link. */
export async function giveUnlocked(ctx: ServerContext, token: string): Promise<void> {
  const ttl = ctx.config.web.sharePasswordCookieTtlSeconds;
  const { name, options } = await passwordCookie(token);
  const seal = await sealData({ t: token } satisfies Unlocked, { password: ctx.sessionSecret, ttl });
  (await cookies()).set(name, seal, { ...options, maxAge: ttl - 30 });
}
