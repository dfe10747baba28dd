// A logged-in POP3 or SMTP session ends when its account's session version moves on (a
// password change or "log out everywhere", cluster/model/accounts/accounts.ts). The version is
// read when the session logs in — before the password is checked, so a change racing the login
// still ends the session — and read again before a command at most once per
// timeouts.mailSessionCheckMs, which keeps the cost to one store read per session every few
// seconds. A store that cannot answer within timeouts.mailSessionCheckWaitMs does not end
// sessions, nor hold up the command: the next check asks again.
import { sessionVersion } from '../../model/accounts/accounts.ts';
import type { ClusterClient } from '../../kvs/cluster-client.ts';

export class SessionCheck {
  private checkedAtMs: number;

  private constructor(
    private readonly cluster: ClusterClient,
    private readonly user: string,
    private version: number | undefined,
    private readonly timing: SessionCheckTiming,
    private readonly now: () => number,
  ) {
    this.checkedAtMs = now();
  }

  /** The version as it is now, read before the password check; undefined when it could not be read in time. */
  static versionBeforeLogin(cluster: ClusterClient, user: string | undefined, timing: SessionCheckTiming): Promise<number | undefined> {
    if (user === undefined) return Promise.resolve(undefined);
    return withinMs(sessionVersion(cluster, user), timing.waitMs);
  }

  static start(cluster: ClusterClient, user: string, version: number | undefined, timing: SessionCheckTiming, now: () => number = Date.now): SessionCheck {
    // A version that could not be read is taken from the first check that can read it.
    return new SessionCheck(cluster, user, version, timing, now);
  }

  /** False once the account's sessions were ended after this one logged in. */
  async stillValid(): Promise<boolean> {
    if (this.now() - this.checkedAtMs < this.timing.intervalMs) return true;
    const current = await withinMs(sessionVersion(this.cluster, this.user), this.timing.waitMs);
    if (current === undefined) return true;
    this.checkedAtMs = this.now();
    this.version ??= current;
    return current <= this.version;
  }
}

/** timeouts.mailSessionCheckMs and timeouts.mailSessionCheckWaitMs. */
export interface SessionCheckTiming {
  intervalMs: number;
  waitMs: number;
}

export function sessionCheckTiming(timeouts: { mailSessionCheckMs: number; mailSessionCheckWaitMs: number }): SessionCheckTiming {
  return { intervalMs: timeouts.mailSessionCheckMs, waitMs: timeouts.mailSessionCheckWaitMs };
}

/** The value, or undefined when it fails or takes longer than ms (the read goes on, unheeded). */
function withinMs<T>(promise: Promise<T>, ms: number): Promise<T | undefined> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(undefined), ms);
    promise.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      () => {
        clearTimeout(timer);
        resolve(undefined);
      },
    );
  });
}
