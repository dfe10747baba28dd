// Reading certificates back: whether one can still be used as it is (ensureLocalCerts), and what
// each file in a directory is (`certs list`). Uses node:crypto's X509Certificate, the same
// parser the TLS handshake trusts. Private keys are parsed only to check they match; never shown.
import { X509Certificate, createPrivateKey } from 'node:crypto';
import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { readIfExists } from './cert-files.ts';
import { canonicalHost, hostsOfAltName } from './cert-hosts.ts';
import { nameOf, roleOf, type Role } from './cert-subject.ts';

export interface CurrentCheck {
  certPem: string | undefined;
  keyPem: string | undefined;
  ca: X509Certificate;
  identity: { name: string; role: Role };
  hosts: readonly string[];
  now: Date;
  /** The certificate must stay valid past this. */
  renewAfter: Date;
}

/** True when the certificate and key exist, match, come from ca, name the identity and hosts, and stay valid past renewAfter. */
export function certIsCurrent(check: CurrentCheck): boolean {
  const { certPem, keyPem, ca, identity } = check;
  if (certPem === undefined || keyPem === undefined) return false;
  try {
    const cert = new X509Certificate(certPem);
    if (!cert.checkIssued(ca) || !cert.verify(ca.publicKey)) return false;
    if (nameOf(cert) !== identity.name || roleOf(cert) !== identity.role) return false;
    if (!cert.checkPrivateKey(createPrivateKey(keyPem))) return false;
    if (Date.parse(cert.validFrom) > check.now.getTime() || Date.parse(cert.validTo) < check.renewAfter.getTime()) return false;
    const has = new Set(hostsOfAltName(cert.subjectAltName).map(canonicalHost));
    return check.hosts.every((h) => has.has(canonicalHost(h)));
  } catch {
    // Unreadable or damaged files: a new certificate replaces them.
    return false;
  }
}

export interface CertInfo {
  /** From the file name, <name>.crt. */
  name: string;
  file: string;
  role: Role | undefined;
  hosts: string[];
  notBefore: Date;
  notAfter: Date;
  /** Signed by the ca.crt in the same directory; undefined when there is none. */
  fromCa: boolean | undefined;
  /** Set when the file does not parse as a certificate (the other fields are then empty). */
  error?: string;
}

/** Every <name>.crt in dir except ca.crt, by name. */
export async function listCerts(dir: string): Promise<CertInfo[]> {
  const caPem = await readIfExists(path.join(dir, 'ca.crt'));
  const ca = caPem === undefined ? undefined : new X509Certificate(caPem);
  const names = (await readdir(dir)).filter((f) => f.endsWith('.crt') && f !== 'ca.crt').sort();
  const out: CertInfo[] = [];
  for (const fileName of names) {
    const file = path.join(dir, fileName);
    const name = fileName.slice(0, -'.crt'.length);
    try {
      const cert = new X509Certificate((await readIfExists(file)) ?? '');
      out.push({
        name,
        file,
        role: roleOf(cert),
        hosts: hostsOfAltName(cert.subjectAltName),
        notBefore: new Date(cert.validFrom),
        notAfter: new Date(cert.validTo),
        fromCa: ca ? cert.checkIssued(ca) && cert.verify(ca.publicKey) : undefined,
      });
    } catch (err) {
      out.push({ name, file, role: undefined, hosts: [], notBefore: new Date(NaN), notAfter: new Date(NaN), fromCa: false, error: (err as Error).message });
    }
  }
  return out;
}
