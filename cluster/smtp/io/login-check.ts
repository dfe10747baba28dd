// One password check for SMTP AUTH and POP3 alike: the failed-login limits per user and per
// client address (shared by both protocols, so switching protocol does not reset them), then
// the account check of the web login. Unknown users count exactly like wrong passwords.
import type { Config } from '../../common/config.ts';
import type { Logger } from '../../common/log.ts';
import { loginName } from '../../data/mail/addresses.ts';
import { FailureWindow } from '../../data/accounts/failure-window.ts';
import type { Accounts } from './accounts.ts';

export type LoginResult = { outcome: 'ok'; user: string } | { outcome: 'wrong' | 'rate-limited' | 'unavailable' };

export class LoginCheck {
  private readonly users: FailureWindow;
  private readonly addresses: FailureWindow;

  constructor(
    private readonly config: Readonly<Config>,
    private readonly accounts: Accounts,
    private readonly log: Logger,
    private readonly now: () => number = Date.now,
  ) {
    this.users = new FailureWindow(config.mail.loginFailuresPerUserMax, config.mail.loginWindowMs);
    this.addresses = new FailureWindow(config.mail.loginFailuresPerAddressMax, config.mail.loginWindowMs);
  }

  async check(input: string, password: string, address: string, protocol: 'smtp' | 'pop3'): Promise<LoginResult> {
    const user = loginName(input, this.config.mail.domain);
    const userKey = user ?? `invalid:${input.slice(0, 64)}`;
    const now = this.now();
    if (this.users.retryAfterMs(userKey, now) > 0 || this.addresses.retryAfterMs(address, now) > 0) {
      this.log.info('login refused: too many failures', { protocol, user: userKey, address });
      return { outcome: 'rate-limited' };
    }
    let ok: boolean;
    try {
      ok = user !== undefined ? await this.accounts.checkPassword(user, password) : await this.accounts.checkPassword('', password);
    } catch (err) {
      this.log.warn('login check failed', { protocol, err });
      return { outcome: 'unavailable' };
    }
    if (ok && user !== undefined) return { outcome: 'ok', user };
    this.users.recordFailure(userKey, this.now());
    this.addresses.recordFailure(address, this.now());
    this.log.info('login failed', { protocol, user: userKey, address });
    return { outcome: 'wrong' };
  }
}
