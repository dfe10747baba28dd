// The limit on new accounts: each costs a password hash (scrypt: tens of ms of a core and 32 MiB)
// and gets a quota and the right to send mail, so they are not free for the asking. A sign-up is
// counted before its password is hashed, against two allowances within `windowMs`:
//   per client address  `#signup#<address>` column `signups` (attempt-counter.ts, in the store:
//                       every frontend sees one count, so round robin does not multiply it);
//   per frontend        every address together, in this process's memory: a ceiling on the
//                       hashing and the accounts one frontend gives out, whatever the addresses.
// Counted sign-ups stay counted, whether they succeed or not (a refund would let a client that
// loses the race for a name try again for free). Sign-ups of a name already taken are refused
// before this is asked, and are not counted.
import { FailureWindow } from './failure-window.ts';
import { newAttemptId, releaseAttempt, reserveAttempt, type CounterStore } from './attempt-counter.ts';

export interface SignupLimits {
  windowMs: number;
  perAddressMax: number;
  perFrontendMax: number;
}

const everyone = 'all';

export class SignupLimit {
  private readonly frontend: FailureWindow;

  constructor(
    private readonly limits: SignupLimits,
    private readonly now: () => number = Date.now,
  ) {
    this.frontend = new FailureWindow(limits.perFrontendMax, limits.windowMs, 1);
  }

  /** Counts one sign-up from address: 0 when it may go ahead, else the milliseconds to wait. */
  async reserve(store: CounterStore, address: string): Promise<number> {
    // The frontend's count is checked first, without counting: it costs nothing, and it must
    // not count a sign-up that the address's limit then refuses.
    const frontendWait = this.frontend.retryAfterMs(everyone, this.now());
    if (frontendWait > 0) return frontendWait;
    const cell = { row: `#signup#${address}`, column: 'signups', limit: this.limits.perAddressMax, windowMs: this.limits.windowMs };
    const id = newAttemptId();
    const addressWait = await reserveAttempt(store, cell, id, this.now());
    if (addressWait > 0) return addressWait;
    // Other sign-ups may have been counted here while the store answered: check again, and
    // count this one in the same synchronous step.
    const nowMs = this.now();
    const wait = this.frontend.retryAfterMs(everyone, nowMs);
    if (wait > 0) {
      await releaseAttempt(store, cell, id, nowMs).catch(() => undefined);
      return wait;
    }
    this.frontend.recordFailure(everyone, nowMs);
    return 0;
  }
}
