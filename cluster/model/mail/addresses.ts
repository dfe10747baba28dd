// Mail addresses as the daemon and the webmail see them: `<user>@<domain>` is local when the
// domain is ours (mail.domain, case-insensitive). The local part must be a valid username
// (../accounts/username.ts) before it is ever used in a row key, so a crafted address cannot
// name another row ("a#files@localhost").
import { usernamePattern } from '../accounts/username.ts';

/** RFC 5321 §4.5.3.1.3: a path is at most 256 octets; the address inside it at most 254. */
export const addressBytesMax = 254;

export interface ParsedAddress {
  local: string;
  domain: string;
}

/** Splits `local@domain` (the last @), domain lower-cased; undefined when malformed. */
export function parseAddress(address: string): ParsedAddress | undefined {
  if (Buffer.byteLength(address) > addressBytesMax) return undefined;
  const at = address.lastIndexOf('@');
  if (at <= 0 || at === address.length - 1) return undefined;
  const local = address.slice(0, at);
  const domain = address.slice(at + 1).toLowerCase();
  if (/[\s<>()\\,;:"[\]]/.test(domain) || /[\s<>]/.test(local)) return undefined;
  return { local, domain };
}

export function isLocalDomain(domain: string, ourDomain: string): boolean {
  return domain.toLowerCase() === ourDomain.toLowerCase();
}

export type AddressKind =
  | { kind: 'local'; user: string }
  /** In our domain, but the local part cannot be a username. */
  | { kind: 'local-invalid' }
  | { kind: 'remote'; domain: string }
  | { kind: 'invalid' };

/** Local users are matched case-insensitively: usernames are lower-case. */
export function classifyAddress(address: string, ourDomain: string): AddressKind {
  const parsed = parseAddress(address);
  if (!parsed) return { kind: 'invalid' };
  if (!isLocalDomain(parsed.domain, ourDomain)) return { kind: 'remote', domain: parsed.domain };
  const user = parsed.local.toLowerCase();
  return usernamePattern.test(user) ? { kind: 'local', user } : { kind: 'local-invalid' };
}

export function addressOf(user: string, domain: string): string {
  return `${user}@${domain}`;
}

/** The address the daemon sends bounces from (RFC 3464 reports come from the mail system). */
export function mailerDaemon(domain: string): string {
  return `MAILER-DAEMON@${domain}`;
}

/**
 * The username a login names: mail clients often send the whole address ("alice@localhost")
 * and may capitalise it. Undefined when it cannot be a username (never looked up then).
 */
export function loginName(input: string, ourDomain: string): string | undefined {
  let name = input.trim().toLowerCase();
  const at = name.lastIndexOf('@');
  if (at !== -1) {
    if (!isLocalDomain(name.slice(at + 1), ourDomain)) return undefined;
    name = name.slice(0, at);
  }
  return usernamePattern.test(name) ? name : undefined;
}
