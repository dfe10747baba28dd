// Accounts as the mail daemon uses them: SMTP AUTH and POP3 check exactly the accounts (rows and
// scrypt hashes) the web login checks, through the same code (cluster/model/accounts/).
import type { Config } from '../../common/config.ts';
import { accountRow, checkPassword, createAccount, type AccountStore } from '../../model/accounts/accounts.ts';
import { PasswordHasher } from '../../model/accounts/password-hash.ts';
import type { ClusterClient } from '../../kvs/cluster-client.ts';
import { mailLoginLimits, reserveLogin, type LoginReservation } from '../../model/accounts/login-limit.ts';
import { rememberMailClient, trustedMailClient, type MailClientTrust } from '../../model/accounts/mail-clients.ts';
import { usernamePattern } from '../../model/accounts/username.ts';

/**
 * How long a "this user exists" answer is trusted. Every local RCPT TO asks, and the store read
 * was a third of a delivery's store operations. Accounts are never deleted today, so a cached
 * yes cannot be wrong; the bound keeps it short should deletion come. A no is never cached: a
 * user who has just signed up gets mail at once.
 */
export const existsCacheMs = 60_000;
/** Users remembered as existing (the oldest is forgotten first). */
const existsCacheMax = 10_000;

export class Accounts {
  /** Users known to exist, with when that was read (Map order: oldest first). */
  private readonly known = new Map<string, number>();

  private readonly trust: MailClientTrust;

  private constructor(
    private readonly store: AccountStore,
    private readonly config: Readonly<Config>,
    private readonly now: () => number = Date.now,
  ) {
    this.trust = { ttlMs: config.mail.trustedClientTtlMs, max: config.mail.trustedClientsPerUserMax };
  }

  static open(cluster: ClusterClient, config: Readonly<Config>): Accounts {
    const web = config.web;
    const hasher = new PasswordHasher({ costLog2: web.scryptCostLog2, concurrencyMax: web.scryptConcurrencyMax, queueMax: web.scryptQueueMax });
    return new Accounts({ cluster, hasher }, config);
  }

  /**
   * Reserves one password check in the store's login limit (cluster/model/accounts/login-limit.ts),
   * the web's code and counters: from an address the user's mail logins succeeded from, against
   * that address's own allowance; otherwise against the user's untrusted one and the address's.
   * A malformed name counts against its address only.
   */
  async reserveLogin(username: string, address: string): Promise<LoginReservation> {
    const nowMs = this.now();
    const valid = usernamePattern.test(username);
    const trusted = valid ? await trustedMailClient(this.store.cluster, this.trust, username, address, nowMs) : undefined;
    return reserveLogin(this.store.cluster, mailLoginLimits(this.config), valid ? username : '', { address, trusted }, nowMs);
  }

  /** Trusts address for the user's later mail logins (best effort). */
  async rememberClient(username: string, address: string): Promise<void> {
    await rememberMailClient(this.store.cluster, this.trust, username, address, this.now()).catch(() => undefined);
  }

  /** True when the user exists and the password is theirs; an unknown or malformed name costs the same time. */
  async checkPassword(username: string, password: string): Promise<boolean> {
    if (!usernamePattern.test(username)) return this.store.hasher.verifyNobody(password);
    return checkPassword(this.store, username, password);
  }

  async exists(username: string): Promise<boolean> {
    if (!usernamePattern.test(username)) return false;
    const seenMs = this.known.get(username);
    if (seenMs !== undefined && this.now() - seenMs < existsCacheMs) return true;
    const readMs = this.now();
    const found = (await this.store.cluster.get(accountRow(username), 'password')) !== undefined;
    if (found) {
      this.known.delete(username);
      this.known.set(username, readMs);
      if (this.known.size > existsCacheMax) this.known.delete(this.known.keys().next().value as string);
    }
    return found;
  }

  /** Signs up a user exactly as the web does (tests and benchmarks seed users with it). */
  async create(username: string, password: string, now = new Date()): Promise<void> {
    await createAccount(this.store, username, password, now);
  }
}
