// The web's side of the login limit (cluster/model/accounts/login-limit.ts, shared with the mail
// daemon): which allowance an attempt uses — this browser's own when it carries a valid device
// cookie for the user (device-cookie.ts), else the user's untrusted one and the client
// address's — and the 429 when it is used up. The reservation is made before the password is
// checked; the caller refunds it when the password was right.
import { reserveLogin, webLoginLimits, type ReservedLogin } from '../../../cluster/model/accounts/login-limit.ts';
import type { ServerContext } from './context';
import { trustedDevice } from './device-cookie';
import { HttpError } from './errors';

export const wrongCredentials = 'Wrong username or password.';

/** Reserves one password check for username, or throws 429 with Retry-After. */
export async function reserveLoginAttempt(ctx: ServerContext, username: string, address: string): Promise<ReservedLogin> {
  const trusted = await trustedDevice(username);
  const reservation = await reserveLogin(ctx.cluster, webLoginLimits(ctx.config), username, { address, trusted }, Date.now());
  if (reservation.allowed) return reservation.reserved;
  const seconds = Math.ceil(reservation.retryAfterMs / 1000);
  ctx.log.info('login refused: too many failures', { user: username, address, device: trusted !== undefined });
  throw new HttpError(429, 'rate_limited', `Too many failed attempts; try again in ${seconds} s.`, { 'Retry-After': String(seconds) });
}

/** Runs the password check under a reservation: refunded when it passes or cannot be made. */
export async function underReservation(reserved: ReservedLogin, check: () => Promise<boolean>): Promise<boolean> {
  let ok: boolean;
  try {
    ok = await check();
  } catch (err) {
    await reserved.refund();
    throw err;
  }
  if (ok) await reserved.refund();
  return ok;
}
