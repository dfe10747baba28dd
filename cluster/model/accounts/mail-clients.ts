// Where a user's mail clients log in from. SMTP AUTH and POP3 carry no cookie, so the mail
// daemon's stand-in for OWASP's device cookie (login-limit.ts) is the client address: once a
// mail login of a user succeeds from an address, later attempts for that user from that
// address count against that address's own allowance, not the user's untrusted one. A guesser
// elsewhere then locks out only addresses the user never logged in from. Someone sharing the
// user's address (the same NAT) shares that allowance too: an address is weaker evidence than
// a cookie, but it is what a mail client has.
//
// Kept in `<user>#login`, column `mail-clients`: JSON {"<address>": <last success, ms>}, at
// most `max` addresses (the least recent dropped), each trusted for `ttlMs` after its last
// successful login.
import { loginRow } from './login-limit.ts';
import type { CounterStore } from './attempt-counter.ts';

const column = 'mail-clients';
const casAttemptsMax = 10;

export interface MailClientTrust {
  ttlMs: number;
  max: number;
}

function decode(value: Buffer | undefined): Record<string, number> {
  if (!value) return {};
  try {
    const parsed = JSON.parse(value.toString('utf8')) as unknown;
    if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) return {};
    return Object.fromEntries(Object.entries(parsed).filter((e): e is [string, number] => typeof e[1] === 'number'));
  } catch {
    return {};
  }
}

/** The key a trusted mail address counts under in login-limit.ts, or undefined when untrusted. */
export async function trustedMailClient(store: CounterStore, trust: MailClientTrust, username: string, address: string, nowMs: number): Promise<string | undefined> {
  const seen = decode(await store.get(loginRow(username), column))[address];
  return seen !== undefined && nowMs - seen < trust.ttlMs ? `mail@${address}` : undefined;
}

/** Records a successful mail login from address. Best effort: a failure only means no new trust. */
export async function rememberMailClient(store: CounterStore, trust: MailClientTrust, username: string, address: string, nowMs: number): Promise<void> {
  const row = loginRow(username);
  for (let round = 0; round < casAttemptsMax; round++) {
    const raw = await store.get(row, column);
    const known = decode(raw);
    // Only a write per address and hour or so: a client that polls every minute writes rarely.
    const last = known[address];
    if (last !== undefined && nowMs - last < Math.min(trust.ttlMs / 2, 3600_000)) return;
    const kept = Object.entries({ ...known, [address]: nowMs })
      .filter(([, at]) => nowMs - at < trust.ttlMs)
      .sort((a, b) => b[1] - a[1])
      .slice(0, trust.max);
    // The time makes the value unique enough: a read-back after a lost reply (ClusterClient.cput)
    // that finds these bytes finds this write.
    if (await store.cput(row, column, raw ?? null, JSON.stringify(Object.fromEntries(kept)))) return;
  }
}
