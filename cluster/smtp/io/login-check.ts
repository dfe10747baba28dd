// One password check for SMTP AUTH, POP3 and IMAP alike, under the login limit the web uses
// (cluster/model/accounts/login-limit.ts): the attempt is reserved in the store before the
// password is checked, so parallel guesses over many connections never check more than the
// limit, and the counters are the web's, so switching protocol (or to the web) does not reset
// them. A right password refunds its reservation and makes its address a trusted mail client of
// the user (mail-clients.ts). Unknown users count exactly like wrong passwords.
import type { Config } from '../../common/config.ts';
import type { Logger } from '../../common/log.ts';
import { loginName } from '../../model/mail/addresses.ts';
import type { Accounts } from './accounts.ts';

export type LoginResult = { outcome: 'ok'; user: string } | { outcome: 'wrong' | 'rate-limited' | 'unavailable' };

export class LoginCheck {
  constructor(
    private readonly config: Readonly<Config>,
    private readonly accounts: Accounts,
    private readonly log: Logger,
  ) {}

  async check(input: string, password: string, address: string, protocol: 'smtp' | 'pop3' | 'imap'): Promise<LoginResult> {
    const user = loginName(input, this.config.mail.domain);
    const shown = user ?? `invalid:${input.slice(0, 64)}`;
    let ok: boolean;
    try {
      const reservation = await this.accounts.reserveLogin(user ?? '', address);
      if (!reservation.allowed) {
        this.log.info('login refused: too many failures', { protocol, user: shown, address });
        return { outcome: 'rate-limited' };
      }
      try {
        ok = await this.accounts.checkPassword(user ?? '', password);
      } catch (err) {
        await reservation.reserved.refund();
        throw err;
      }
      if (ok) await reservation.reserved.refund();
    } catch (err) {
      this.log.warn('login check failed', { protocol, err });
      return { outcome: 'unavailable' };
    }
    if (ok && user !== undefined) {
      await this.accounts.rememberClient(user, address);
      return { outcome: 'ok', user };
    }
    this.log.info('login failed', { protocol, user: shown, address });
    return { outcome: 'wrong' };
  }
}
