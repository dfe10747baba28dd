// The limit on password guesses, for the web login, the web's password change, SMTP AUTH and
// POP3 alike. Every attempt is reserved in the store BEFORE its password is checked
// (attempt-counter.ts: a CPut on the counter cell), so parallel guesses on every frontend and
// the mail daemon together never check more passwords than the limit; a correct password
// refunds its reservation, so only failures (and attempts still in flight) count.
//
// Whose allowance an attempt uses follows OWASP's device cookies ("Slow Down Online Guessing
// Attacks with Device Cookies"): an attempt from a client the caller trusts for this user (a
// browser with a valid device cookie naming the user, a mail client at an address the user's
// mail logins succeeded from: LoginSource.trusted) counts against that client's own allowance
// only. Every other attempt is untrusted and counts against the user's one untrusted
// allowance and against its client address. So a guesser locks out only unknown clients; the
// user's own browser and mail client go on logging in.
//
// Cells (rows of docs/ARCHITECTURE.md's layout):
//   `<user>#login`      column `failures`           the user's untrusted attempts
//                       column `trusted:<client>`   one trusted client's attempts (one column
//                                                   per client that ever tried: only clients
//                                                   that once knew the password are trusted)
//                       column `mail-clients`       addresses the user's mail logins succeeded
//                                                   from, with when (mail-clients.ts)
//   `#login#<address>`  column `failures`           untrusted attempts from one client address
//                                                   (no username is empty, so no user owns it)
// A name that breaks the username rules names no account: only its address counts. Unknown
// users count exactly like known ones, so neither the answer nor the limit tells whether a
// name exists.
import type { Config } from '../../common/config.ts';
import { newAttemptId, releaseAttempt, reserveAttempt, type CounterCell, type CounterStore } from './attempt-counter.ts';
import { usernamePattern } from './username.ts';

export interface LoginLimits {
  windowMs: number;
  /** Untrusted attempts per user (every unknown client together). */
  perUserMax: number;
  /** Attempts per trusted client of a user. */
  perTrustedMax: number;
  /** Untrusted attempts per client address, whatever the user. */
  perAddressMax: number;
}

export function webLoginLimits(config: Readonly<Config>): LoginLimits {
  const web = config.web;
  return { windowMs: web.loginWindowMs, perUserMax: web.loginFailuresPerUserMax, perTrustedMax: web.loginFailuresPerDeviceMax, perAddressMax: web.loginFailuresPerAddressMax };
}

export function mailLoginLimits(config: Readonly<Config>): LoginLimits {
  const mail = config.mail;
  return { windowMs: mail.loginWindowMs, perUserMax: mail.loginFailuresPerUserMax, perTrustedMax: mail.loginFailuresPerClientMax, perAddressMax: mail.loginFailuresPerAddressMax };
}

export interface LoginSource {
  address: string;
  /** A client the caller trusts for this user (a device id, `mail@<address>`); absent: untrusted. */
  trusted?: string;
}

export interface ReservedLogin {
  /**
   * Gives the reservation back: call it when the password was right (or could not be checked).
   * Never throws: a refund the store cannot take leaves one attempt counted until it ages out.
   */
  refund(): Promise<void>;
}

export type LoginReservation = { allowed: true; reserved: ReservedLogin } | { allowed: false; retryAfterMs: number };

export const loginRow = (username: string) => `${username}#login`;
export const addressRow = (address: string) => `#login#${address}`;

function cellsFor(limits: LoginLimits, username: string, source: LoginSource): CounterCell[] {
  const { windowMs } = limits;
  const valid = usernamePattern.test(username);
  if (valid && source.trusted) return [{ row: loginRow(username), column: `trusted:${source.trusted}`, limit: limits.perTrustedMax, windowMs }];
  // The user's cell first: under a guessing attack on one user it is the one that is full, and
  // a refusal then costs one read and no write.
  const address = { row: addressRow(source.address), column: 'failures', limit: limits.perAddressMax, windowMs };
  return valid ? [{ row: loginRow(username), column: 'failures', limit: limits.perUserMax, windowMs }, address] : [address];
}

/**
 * Reserves one password check for `username` from `source`. Refused (nothing counted) when any
 * of its counters is full; retryAfterMs is then the longest wait among them.
 */
export async function reserveLogin(store: CounterStore, limits: LoginLimits, username: string, source: LoginSource, nowMs: number): Promise<LoginReservation> {
  const id = newAttemptId();
  const cells = cellsFor(limits, username, source);
  const held: CounterCell[] = [];
  const refund = async () => {
    await Promise.all(held.map((cell) => releaseAttempt(store, cell, id, Date.now()).catch(() => undefined)));
  };
  try {
    // One cell after the other, so a refused attempt takes back what it had reserved.
    for (const cell of cells) {
      const wait = await reserveAttempt(store, cell, id, nowMs);
      if (wait > 0) {
        await refund();
        return { allowed: false, retryAfterMs: wait };
      }
      held.push(cell);
    }
  } catch (err) {
    await refund();
    throw err;
  }
  return { allowed: true, reserved: { refund } };
}
