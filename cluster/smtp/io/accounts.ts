// The one place the mail daemon reaches into the web tier's account code, so SMTP AUTH and
// POP3 check exactly the accounts (rows and scrypt hashes) the web login checks. When that code
// moves to cluster/common/, this file is the only one to change.
//
// Why a dynamic import: web/lib/server/accounts.ts and password-hash.ts import their neighbours
// without a file extension (fine for Next's bundler and for tsx at run time), which the root
// tsconfig (NodeNext) rejects — a static import here would pull them into `tsc -p .`. The
// interfaces below restate the parts used; `loadAccountCode` checks them at start-up. Once the
// web files use `.ts` extensions (or move), replace this with two static imports.
import type { Config } from '../../common/config.ts';
import type { ClusterClient } from '../../kvs/cluster-client.ts';
import { FailureWindow } from '../../../web/lib/server/failure-window.ts';
import { usernamePattern } from '../core/addresses.ts';

export { FailureWindow };

interface PasswordHasher {
  hash(password: string): Promise<string>;
  verify(password: string, stored: string): Promise<boolean>;
  verifyNobody(password: string): Promise<false>;
}

interface AccountStore {
  cluster: ClusterClient;
  hasher: PasswordHasher;
}

interface AccountCode {
  checkPassword(store: AccountStore, username: string, password: string): Promise<boolean>;
  createAccount(store: AccountStore, username: string, password: string, now: Date): Promise<void>;
  accountRow(username: string): string;
  PasswordHasher: new (options: { costLog2: number; concurrencyMax: number; queueMax: number }) => PasswordHasher;
}

const accountsUrl = new URL('../../../web/lib/server/accounts.ts', import.meta.url).href;
const hashUrl = new URL('../../../web/lib/server/password-hash.ts', import.meta.url).href;

let loaded: Promise<AccountCode> | undefined;

function loadAccountCode(): Promise<AccountCode> {
  loaded ??= (async () => {
    const accounts = (await import(accountsUrl)) as Partial<AccountCode>;
    const hash = (await import(hashUrl)) as Partial<AccountCode>;
    const code = { ...accounts, PasswordHasher: hash.PasswordHasher };
    for (const name of ['checkPassword', 'createAccount', 'accountRow', 'PasswordHasher'] as const) {
      if (typeof code[name] !== 'function') throw new Error(`web account code has no ${name}`);
    }
    return code as AccountCode;
  })();
  return loaded;
}

/** Accounts as the mail daemon uses them: password checks and existence of a username. */
export class Accounts {
  private constructor(
    private readonly code: AccountCode,
    private readonly store: AccountStore,
  ) {}

  static async open(cluster: ClusterClient, config: Readonly<Config>): Promise<Accounts> {
    const code = await loadAccountCode();
    const web = config.web;
    const hasher = new code.PasswordHasher({ costLog2: web.scryptCostLog2, concurrencyMax: web.scryptConcurrencyMax, queueMax: web.scryptQueueMax });
    return new Accounts(code, { cluster, hasher });
  }

  /** True when the user exists and the password is theirs; an unknown or malformed name costs the same time. */
  async checkPassword(username: string, password: string): Promise<boolean> {
    if (!usernamePattern.test(username)) return this.store.hasher.verifyNobody(password);
    return this.code.checkPassword(this.store, username, password);
  }

  async exists(username: string): Promise<boolean> {
    if (!usernamePattern.test(username)) return false;
    return (await this.store.cluster.get(this.code.accountRow(username), 'password')) !== undefined;
  }

  /** Signs up a user exactly as the web does (tests and benchmarks seed users with it). */
  async create(username: string, password: string, now = new Date()): Promise<void> {
    await this.code.createAccount(this.store, username, password, now);
  }
}
