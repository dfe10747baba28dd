// Where mail for a domain goes (RFC 5321 §5.1): its MX hosts by preference; with no MX
// records, the domain itself (its A record: the "implicit MX"); a null MX (RFC 7505) or a
// domain that does not exist is a permanent failure; DNS trouble is a temporary one. Pure: the
// io side does the lookup and hands the answer in.

export type MxLookup =
  | { kind: 'records'; records: { exchange: string; priority: number }[] }
  | { kind: 'no-records' }
  | { kind: 'no-domain' }
  | { kind: 'dns-error'; detail: string };

export type Route = { kind: 'hosts'; hosts: string[] } | { kind: 'permanent'; detail: string } | { kind: 'temporary'; detail: string };

export function routeFor(domain: string, lookup: MxLookup): Route {
  switch (lookup.kind) {
    case 'no-records':
      return { kind: 'hosts', hosts: [domain] };
    case 'no-domain':
      return { kind: 'permanent', detail: `5.1.2 domain ${domain} does not exist` };
    case 'dns-error':
      return { kind: 'temporary', detail: `4.4.3 DNS lookup for ${domain} failed: ${lookup.detail}` };
    case 'records': {
      const records = lookup.records.map((r) => ({ ...r, exchange: r.exchange.replace(/\.$/, '') }));
      if (records.length === 0) return { kind: 'hosts', hosts: [domain] };
      if (records.some((r) => r.exchange === '')) return { kind: 'permanent', detail: `5.1.10 ${domain} accepts no mail (null MX)` };
      // Stable sort: equal preferences keep the resolver's order.
      const hosts = records.sort((a, b) => a.priority - b.priority).map((r) => r.exchange);
      return { kind: 'hosts', hosts: [...new Set(hosts)] };
    }
  }
}
