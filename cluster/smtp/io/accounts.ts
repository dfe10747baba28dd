// Accounts as the mail daemon uses them: SMTP AUTH and POP3 check exactly the accounts (rows and
// scrypt hashes) the web login checks, through the same code (common/accounts/).
import type { Config } from '../../common/config.ts';
import { accountRow, checkPassword, createAccount, type AccountStore } from '../../common/accounts/accounts.ts';
import { PasswordHasher } from '../../common/accounts/password-hash.ts';
import type { ClusterClient } from '../../kvs/cluster-client.ts';
import { usernamePattern } from '../core/addresses.ts';

export class Accounts {
  private constructor(private readonly store: AccountStore) {}

  static open(cluster: ClusterClient, config: Readonly<Config>): Accounts {
    const web = config.web;
    const hasher = new PasswordHasher({ costLog2: web.scryptCostLog2, concurrencyMax: web.scryptConcurrencyMax, queueMax: web.scryptQueueMax });
    return new Accounts({ cluster, hasher });
  }

  /** True when the user exists and the password is theirs; an unknown or malformed name costs the same time. */
  async checkPassword(username: string, password: string): Promise<boolean> {
    if (!usernamePattern.test(username)) return this.store.hasher.verifyNobody(password);
    return checkPassword(this.store, username, password);
  }

  async exists(username: string): Promise<boolean> {
    if (!usernamePattern.test(username)) return false;
    return (await this.store.cluster.get(accountRow(username), 'password')) !== undefined;
  }

  /** Signs up a user exactly as the web does (tests and benchmarks seed users with it). */
  async create(username: string, password: string, now = new Date()): Promise<void> {
    await createAccount(this.store, username, password, now);
  }
}
