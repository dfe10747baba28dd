// The hosts a certificate is valid for: DNS names and IP addresses in its subjectAltName, which
// a client checks against the host it dialed (RFC 6125; node's tls.checkServerIdentity). Node
// prints the extension as "DNS:localhost, IP Address:127.0.0.1" with IPv6 fully expanded in
// upper case ("0:0:0:0:0:0:0:1"), so hosts are compared in that one canonical form.
import { isIP } from 'node:net';
import { PennError } from '../errors.ts';

export interface HostName {
  type: 'dns' | 'ip';
  value: string;
}

const label = '[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?';
const dnsPattern = new RegExp(`^(?=.{1,253}$)${label}(?:\\.${label})*$`);

/** A host given by a person (`--host`): a DNS name or an IP address, lower-cased; throws if neither. */
export function parseHost(host: string): HostName {
  const value = host.trim().toLowerCase();
  if (isIP(value)) return { type: 'ip', value };
  if (dnsPattern.test(value)) return { type: 'dns', value };
  throw new PennError('invalid_argument', `"${host}" is not a DNS name or an IP address (give the bare host: no port, no scheme, no wildcard)`);
}

/** The hosts, parsed, without duplicates (by canonical form). */
export function parseHosts(hosts: readonly string[]): HostName[] {
  const seen = new Set<string>();
  const out: HostName[] = [];
  for (const host of hosts) {
    const parsed = parseHost(host);
    const key = canonicalHost(parsed.value);
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(parsed);
  }
  return out;
}

/** The hosts in a subjectAltName as node prints it. */
export function hostsOfAltName(subjectAltName: string | undefined): string[] {
  if (!subjectAltName) return [];
  return subjectAltName
    .split(/,\s*/)
    .map((entry) => /^(?:DNS|IP Address):(.+)$/.exec(entry)?.[1])
    .filter((h): h is string => h !== undefined)
    .map((h) => (isIP(h) === 6 ? h.toLowerCase() : h));
}

/** One spelling per host: DNS names lower-cased, IPv6 expanded as node prints it. */
export function canonicalHost(host: string): string {
  const h = host.toLowerCase();
  return isIP(h) === 6 ? expandIpv6(h) : h;
}

function expandIpv6(ip: string): string {
  let text = ip;
  // An IPv4 tail (::ffff:10.0.0.1) is two more 16-bit groups.
  const v4 = /(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(text);
  if (v4) {
    const [a, b, c, d] = v4.slice(1).map(Number) as [number, number, number, number];
    text = text.slice(0, v4.index) + `${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head = '', tail] = text.split('::');
  const left = head ? head.split(':') : [];
  const right = tail ? tail.split(':') : [];
  const zeros = tail === undefined ? [] : Array<string>(8 - left.length - right.length).fill('0');
  return [...left, ...zeros, ...right].map((g) => parseInt(g, 16).toString(16).toUpperCase()).join(':');
}
