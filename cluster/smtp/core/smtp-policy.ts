// What the SMTP server allows, as decisions without sockets. smtp-server asks; these answer
// or throw an SmtpError that carries the reply code the client gets (smtp-server reads
// `responseCode`). The rules (docs/ARCHITECTURE.md, "Web, mail and balancer"):
//   - unauthenticated sessions deliver only to existing local users: an unknown local user is
//     550, another domain is 554 (never an open relay); they may not claim a local sender;
//   - an authenticated user may send anywhere, but only as themselves (553);
//   - AUTH in plain text only from loopback; elsewhere only after STARTTLS (RFC 4954 §4, 538).
import { classifyAddress } from '../../model/mail/addresses.ts';

export class SmtpError extends Error {
  readonly responseCode: number;

  constructor(responseCode: number, message: string) {
    super(message);
    this.name = 'SmtpError';
    this.responseCode = responseCode;
  }
}

export interface SessionFacts {
  /** The authenticated username, null before AUTH. */
  user: string | null;
  remoteAddress: string;
  /** The connection is TLS (STARTTLS done). */
  secure: boolean;
}

/** 127.0.0.0/8, ::1 and their IPv4-mapped forms. */
export function isLoopback(address: string): boolean {
  const a = address.startsWith('::ffff:') ? address.slice(7) : address;
  return a === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(a);
}

export type AuthAllowed = 'ok' | 'starttls-first' | 'refused';

/** Whether this connection may send a password now. */
export function authAllowed(facts: Pick<SessionFacts, 'remoteAddress' | 'secure'>, tlsAvailable: boolean): AuthAllowed {
  if (facts.secure || isLoopback(facts.remoteAddress)) return 'ok';
  return tlsAvailable ? 'starttls-first' : 'refused';
}

export function authNotAllowedError(allowed: Exclude<AuthAllowed, 'ok'>): SmtpError {
  return allowed === 'starttls-first'
    ? new SmtpError(538, 'Encryption required: issue STARTTLS before AUTH')
    : new SmtpError(538, 'AUTH is accepted only over TLS or from this machine, and TLS is off');
}

/** MAIL FROM: throws when this session may not use that sender. */
export function checkSender(address: string, facts: SessionFacts, domain: string): void {
  const kind = classifyAddress(address, domain);
  if (facts.user !== null) {
    if (kind.kind !== 'local' || kind.user !== facts.user) {
      throw new SmtpError(553, `You may send only as ${facts.user}@${domain}`);
    }
    return;
  }
  // The null sender (bounces from other servers) and outside senders are fine unauthenticated.
  if (address === '') return;
  if (kind.kind === 'invalid') throw new SmtpError(553, `Bad sender address <${address}>`);
  if (kind.kind === 'local' || kind.kind === 'local-invalid') {
    throw new SmtpError(530, `Authentication required to send as <${address}>`);
  }
}

export type RecipientRoute = { kind: 'local'; user: string; address: string } | { kind: 'remote'; domain: string; address: string };

/**
 * RCPT TO, before the account lookup: where the recipient goes, or the refusal. The caller
 * still checks that a local user exists (noSuchUser).
 */
export function routeRecipient(address: string, facts: SessionFacts, domain: string, alreadyAccepted: number, recipientsMax: number): RecipientRoute {
  if (alreadyAccepted >= recipientsMax) throw new SmtpError(452, `Too many recipients (at most ${recipientsMax} per message)`);
  const kind = classifyAddress(address, domain);
  switch (kind.kind) {
    case 'invalid':
      throw new SmtpError(501, `Bad recipient address <${address}>`);
    case 'local-invalid':
      throw noSuchUser(address);
    case 'local':
      return { kind: 'local', user: kind.user, address: `${kind.user}@${domain}` };
    case 'remote':
      if (facts.user === null) throw new SmtpError(554, `Relay access denied: <${address}> is not a local address; log in to send elsewhere`);
      return { kind: 'remote', domain: kind.domain, address };
  }
}

export function noSuchUser(address: string): SmtpError {
  return new SmtpError(550, `No such user here: <${address}>`);
}

/** The Received protocol name (RFC 3848). */
export function transmissionType(facts: Pick<SessionFacts, 'user' | 'secure'>): string {
  return `ESMTP${facts.secure ? 'S' : ''}${facts.user !== null ? 'A' : ''}`;
}
