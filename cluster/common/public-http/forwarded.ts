// Who sent a request to a public listener (the balancer, a frontend) and over which scheme.
// X-Forwarded-For and X-Forwarded-Proto are believed only when the socket's peer is one of
// http.trustedProxies: anyone else can write those headers, and would then choose the address
// the login limiter counts against, or whether a session cookie is marked Secure. Pure: the
// caller passes what the socket says.
import net from 'node:net';

export type Scheme = 'http' | 'https';

interface Block {
  address: string;
  prefix: number;
  family: 'ipv4' | 'ipv6';
}

/** "10.0.0.5", "fd00::1", "10.0.0.0/8" or "fd00::/8", or undefined when it is none of these. */
function parseEntry(entry: string): Block | undefined {
  const [address = '', prefixText, extra] = entry.trim().split('/');
  if (extra !== undefined) return undefined;
  const version = net.isIP(address);
  if (version === 0) return undefined;
  const bits = version === 4 ? 32 : 128;
  if (prefixText !== undefined && !/^\d{1,3}$/.test(prefixText)) return undefined;
  const prefix = prefixText === undefined ? bits : Number(prefixText);
  if (prefix > bits) return undefined;
  return { address, prefix, family: version === 4 ? 'ipv4' : 'ipv6' };
}

/** Whether `entry` is an IP address or a CIDR block: what http.trustedProxies accepts. */
export function isAddressOrBlock(entry: string): boolean {
  return parseEntry(entry) !== undefined;
}

/**
 * An address as written for comparison: an IPv4 client of a server listening on "::" shows up
 * as "::ffff:10.0.0.5", and is the same client as "10.0.0.5".
 */
export function normalizeAddress(address: string): string {
  const bare = address.trim().replace(/^\[(.*)\]$/, '$1');
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(bare);
  return mapped ? mapped[1]! : bare.toLowerCase();
}

export class TrustedProxies {
  private constructor(
    private readonly list: net.BlockList,
    readonly size: number,
  ) {}

  /** The config's entries (already validated by its schema; a bad one here is a programmer error). */
  static parse(entries: readonly string[]): TrustedProxies {
    const list = new net.BlockList();
    for (const entry of entries) {
      const block = parseEntry(entry);
      if (!block) throw new Error(`not an IP address or CIDR block: "${entry}"`);
      list.addSubnet(block.address, block.prefix, block.family);
    }
    return new TrustedProxies(list, entries.length);
  }

  has(address: string): boolean {
    const normalized = normalizeAddress(address);
    const version = net.isIP(normalized);
    if (version === 0) return false;
    return this.list.check(normalized, version === 4 ? 'ipv4' : 'ipv6');
  }
}

export interface SocketFacts {
  /** The socket's peer (req.socket.remoteAddress). */
  remoteAddress: string | undefined;
  /** Whether this connection is TLS (req.socket.encrypted). */
  encrypted: boolean;
  /** The request's X-Forwarded-For and X-Forwarded-Proto headers, as Node gives them. */
  forwardedFor: string | string[] | undefined;
  forwardedProto: string | string[] | undefined;
}

export interface Client {
  /** The client's address: the socket's peer, unless a trusted proxy named another. */
  address: string;
  /** The scheme the browser used: this connection's, unless a trusted proxy said otherwise. */
  scheme: Scheme;
}

/**
 * The client behind a request. From a trusted proxy, X-Forwarded-For is read from the right
 * (each proxy appends the peer it saw) past every trusted hop: the first address no trusted
 * proxy vouches for is the client, and entries to its left are the client's own word. A hop that
 * is not an IP address ends the walk at the last trusted one. X-Forwarded-Proto's first value is
 * the scheme the outermost proxy saw (proxies set it rather than append to it).
 */
export function resolveClient(facts: SocketFacts, proxies: TrustedProxies): Client {
  const peer = normalizeAddress(facts.remoteAddress ?? '');
  const own: Scheme = facts.encrypted ? 'https' : 'http';
  if (!proxies.has(peer)) return { address: peer || 'unknown', scheme: own };
  let address = peer;
  const hops = joined(facts.forwardedFor).split(',').map(normalizeAddress).filter(Boolean);
  for (let i = hops.length - 1; i >= 0; i--) {
    const hop = hops[i]!;
    if (net.isIP(hop) === 0) break;
    address = hop;
    if (!proxies.has(hop)) break;
  }
  const said = joined(facts.forwardedProto).split(',')[0]!.trim().toLowerCase();
  const scheme: Scheme = said === 'https' || said === 'http' ? said : own;
  return { address, scheme };
}

function joined(value: string | string[] | undefined): string {
  return Array.isArray(value) ? value.join(',') : (value ?? '');
}
