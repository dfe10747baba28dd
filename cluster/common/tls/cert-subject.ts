// Who a certificate names: CN is the process identity (g0r0, c1, web2, lb, mail, admin) and OU
// its role, which decides what it may call. Read from whatever shape the certificate arrives in:
// node:tls and grpc-js give a PeerCertificate whose `subject` is a null-prototype object, with an
// array where a field repeats ({ CN: 'x', OU: ['node', 'lb'] }); node:crypto's X509Certificate
// gives one string, a field per line ("CN=g0r0\nO=PennCloud\nOU=node"); @peculiar/x509 gives
// "CN=g0r0, O=PennCloud, OU=node". A repeated or missing field reads as undefined: a role check
// must never pick one of two roles.
import type { X509Certificate } from 'node:crypto';
import type { PeerCertificate } from 'node:tls';

export const roles = ['node', 'coordinator', 'frontend', 'mail', 'lb', 'admin'] as const;
export type Role = (typeof roles)[number];

/** A certificate name: also its file name (<name>.crt), so nothing that could escape the dir. */
export const namePattern = /^[a-z0-9-]{1,63}$/;

export type SubjectSource = { subject: string } | PeerCertificate | X509Certificate;

export function isRole(value: unknown): value is Role {
  return typeof value === 'string' && (roles as readonly string[]).includes(value);
}

/** The role in the certificate's OU, if it names exactly one known role. */
export function roleOf(cert: SubjectSource): Role | undefined {
  const ou = field(cert, 'OU');
  return isRole(ou) ? ou : undefined;
}

/** The identity in the certificate's CN, if there is exactly one and it is a valid name. */
export function nameOf(cert: SubjectSource): string | undefined {
  const cn = field(cert, 'CN');
  return cn !== undefined && namePattern.test(cn) ? cn : undefined;
}

function field(cert: SubjectSource, key: 'CN' | 'OU'): string | undefined {
  const subject: unknown = (cert as { subject?: unknown } | null | undefined)?.subject;
  if (typeof subject === 'string') return single(parseDn(subject).get(key));
  if (subject && typeof subject === 'object') {
    const value: unknown = (subject as Record<string, unknown>)[key];
    if (typeof value === 'string') return value;
  }
  return undefined;
}

function single(values: string[] | undefined): string | undefined {
  return values?.length === 1 ? values[0] : undefined;
}

/** "A=1\nB=2" or "A=1, B=2" into A → [1], B → [2]; a comma starts a field only before "KEY=". */
function parseDn(dn: string): Map<string, string[]> {
  const fields = new Map<string, string[]>();
  for (const part of dn.split(/\n|,\s*(?=[A-Za-z][A-Za-z0-9.]*=)/)) {
    const eq = part.indexOf('=');
    if (eq <= 0) continue;
    const key = part.slice(0, eq).trim();
    fields.set(key, [...(fields.get(key) ?? []), part.slice(eq + 1).trim()]);
  }
  return fields;
}
