// The faults a schedule draws (sim-schedule.ts) and how each is injected into a running world.
//
// Storage nodes: crashes (of the primary or any node), partitions (a node cut off entirely, from
// the coordinator group or only its leader, from one peer, one way only), lossy and slow network
// windows (everywhere, or around one process, so its calls outlive their deadlines).
// Coordinator members: power cuts (of the leader or any member), partitions that isolate one
// (from the other members only, so a leader still reaches the nodes but can commit nothing; or
// from everyone), stalls (SIGSTOP then SIGCONT), and the leader killed in the middle of a KVS
// failover: just after it sends the first append of the new config, just after it applies that
// entry (committed, not yet announced), or a drawn time after the primary's crash.
//
// Which process "the primary" or "the leader" is gets decided when the fault fires; all of it is
// a function of the seed, so the seed replays the run.
import type { RaftEntry } from '../../cluster/coordinator/core/raft.ts';
import type { Command } from '../../cluster/coordinator/core/replicated.ts';
import type { RaftEvent } from './sim-coordinators.ts';
import type { SimWorld } from './sim-world.ts';

type Leader = 'leader' | 'any';

export type Fault =
  | { at: number; kind: 'crash'; who: 'primary' | 'backup' | 'any'; downMs: number }
  | { at: number; kind: 'isolate'; who: 'primary' | 'any'; withClients: boolean; forMs: number }
  | { at: number; kind: 'cutCoordinator'; who: 'primary' | 'any'; from: 'all' | 'leader'; forMs: number }
  | { at: number; kind: 'cutPeers'; forMs: number }
  | { at: number; kind: 'oneWay'; forMs: number }
  | { at: number; kind: 'lossy'; dropRate: number; forMs: number }
  | { at: number; kind: 'slow'; slowRate: number; forMs: number }
  | { at: number; kind: 'slowEndpoint'; who: 'primary' | 'leader' | 'any'; forMs: number }
  | { at: number; kind: 'crashMember'; who: Leader; downMs: number }
  | { at: number; kind: 'isolateMember'; who: Leader; fromNodes: boolean; forMs: number }
  | { at: number; kind: 'stallMember'; who: Leader; forMs: number }
  | { at: number; kind: 'failoverKill'; when: 'proposed' | 'committed' | 'timed'; delayMs: number; downMs: number; memberDownMs: number };

const kinds = [
  ...['crash', 'crash', 'isolate', 'cutCoordinator', 'cutPeers', 'oneWay', 'lossy', 'slow', 'slowEndpoint'],
  ...['crashMember', 'crashMember', 'isolateMember', 'stallMember', 'failoverKill', 'failoverKill'],
] as const;

export function drawFault(r: () => number, at: number): Fault {
  const between = (lo: number, hi: number) => lo + Math.floor(r() * (hi - lo + 1));
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;
  const downMs = r() < 0.5 ? between(50, 1_400) : between(1_500, 6_000);
  const forMs = between(200, 5_000);
  const kind = pick(kinds);
  switch (kind) {
    case 'crash':
      return { at, kind, who: pick(['primary', 'primary', 'backup', 'any'] as const), downMs };
    case 'isolate':
      return { at, kind, who: pick(['primary', 'any'] as const), withClients: r() < 0.5, forMs };
    case 'cutCoordinator':
      return { at, kind, who: pick(['primary', 'any'] as const), from: pick(['all', 'leader'] as const), forMs };
    case 'cutPeers':
    case 'oneWay':
      return { at, kind, forMs };
    case 'lossy':
      return { at, kind, dropRate: 0.02 + r() * 0.3, forMs };
    case 'slow':
      return { at, kind, slowRate: 0.05 + r() * 0.5, forMs };
    case 'slowEndpoint':
      return { at, kind, who: pick(['primary', 'leader', 'any'] as const), forMs };
    case 'crashMember':
      return { at, kind, who: pick(['leader', 'leader', 'any'] as const), downMs: between(50, 3_000) };
    case 'isolateMember':
      return { at, kind, who: pick(['leader', 'leader', 'any'] as const), fromNodes: r() < 0.5, forMs };
    case 'stallMember':
      return { at, kind, who: pick(['leader', 'leader', 'any'] as const), forMs: between(100, 3_000) };
    case 'failoverKill':
      return { at, kind, when: pick(['proposed', 'committed', 'timed'] as const), delayMs: between(0, 4_000), downMs: between(1_500, 6_000), memberDownMs: between(50, 3_000) };
  }
}

export function inject(world: SimWorld, f: Fault, r: () => number): void {
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;
  const coord = world.coordinator;
  const primary = coord.up ? coord.current().primary : '';
  const target = (who: 'primary' | 'backup' | 'any'): string => {
    if (who === 'primary' && primary !== '') return primary;
    if (who === 'backup') return pick(world.ids.filter((id) => id !== primary));
    return pick(world.ids);
  };
  const member = (who: Leader): string => (who === 'leader' ? coord.leader()?.id : undefined) ?? pick(coord.ids);
  const later = (ms: number, fn: () => void) => world.clock.after(ms, fn);
  const cutFor = (a: string, others: readonly string[], ms: number) => {
    for (const b of others) if (b !== a) world.net.cut(a, b);
    later(ms, () => others.forEach((b) => b !== a && world.net.heal(a, b)));
  };
  world.trace.add(`fault ${JSON.stringify(f)}`);
  switch (f.kind) {
    case 'crash': {
      const id = target(f.who);
      world.crash(id);
      later(f.downMs, () => void world.startNode(id));
      break;
    }
    case 'isolate':
      cutFor(target(f.who), [...world.ids, ...coord.ids, ...(f.withClients ? world.clients.map((c) => c.name) : [])], f.forMs);
      break;
    case 'cutCoordinator':
      cutFor(target(f.who), f.from === 'all' ? coord.ids : [member('leader')], f.forMs);
      break;
    case 'cutPeers': {
      const [a, b] = twoOf(world.ids, r);
      cutFor(a, [b], f.forMs);
      break;
    }
    case 'oneWay': {
      const [a, b] = twoOf([...world.ids, ...coord.ids], r);
      world.net.cut(a, b, false);
      later(f.forMs, () => world.net.heal(a, b));
      break;
    }
    case 'lossy':
    case 'slow': {
      const before = world.net.conditions;
      world.net.conditions = f.kind === 'lossy' ? { ...before, dropRate: f.dropRate } : { ...before, slowRate: f.slowRate };
      later(f.forMs, () => {
        world.net.conditions = f.kind === 'lossy' ? { ...world.net.conditions, dropRate: 0 } : { ...world.net.conditions, slowRate: 0 };
      });
      break;
    }
    case 'slowEndpoint': {
      const id = f.who === 'leader' ? member('leader') : target(f.who);
      world.net.conditions = { ...world.net.conditions, slowEndpoint: id };
      later(f.forMs, () => {
        if (world.net.conditions.slowEndpoint === id) world.net.conditions = { dropRate: world.net.conditions.dropRate, slowRate: world.net.conditions.slowRate };
      });
      break;
    }
    case 'crashMember':
      crashMember(world, member(f.who), f.downMs);
      break;
    case 'isolateMember': {
      const id = member(f.who);
      cutFor(id, [...coord.ids, ...(f.fromNodes ? world.ids : [])], f.forMs);
      break;
    }
    case 'stallMember':
      coord.member(member(f.who)).stall(f.forMs);
      break;
    case 'failoverKill':
      failoverKill(world, f, target('primary'));
      break;
  }
}

function crashMember(world: SimWorld, id: string, downMs: number): void {
  const m = world.coordinator.member(id);
  m.crash();
  world.clock.after(downMs, () => void m.start());
}

/** Crashes the KVS primary, then the coordinator leader as it handles the failover. */
function failoverKill(world: SimWorld, f: Extract<Fault, { kind: 'failoverKill' }>, primary: string): void {
  const coord = world.coordinator;
  world.crash(primary);
  world.clock.after(f.downMs, () => void world.startNode(primary));
  if (f.when === 'timed') {
    world.clock.after(f.delayMs, () => {
      const leader = coord.leader();
      if (leader) crashMember(world, leader.id, f.memberDownMs);
    });
    return;
  }
  // The first membership change after the crash is the failover (or its first step).
  const committedBefore = world.raftChecks.committedIndex;
  const isChange = (x: RaftEntry) => x.index > committedBefore && x.data !== '' && (JSON.parse(x.data) as Command).type === 'membership';
  const watch = (e: RaftEvent) => {
    const hit = f.when === 'proposed' ? e.kind === 'sent' && e.message.type === 'append' && e.message.entries.some(isChange) : e.kind === 'committed' && isChange(e.entry);
    if (!hit) return;
    coord.observers.delete(watch);
    world.trace.add(`failover under way: ${f.when}; killing ${e.member}`);
    crashMember(world, e.member, f.memberDownMs);
  };
  coord.observers.add(watch);
  // No failover within a while (the primary was already gone, say): stop waiting for one.
  world.clock.after(f.delayMs + 6_000, () => coord.observers.delete(watch));
}

function twoOf(xs: readonly string[], r: () => number): [string, string] {
  const i = Math.floor(r() * xs.length);
  const j = (i + 1 + Math.floor(r() * (xs.length - 1))) % xs.length;
  return [xs[i]!, xs[j]!];
}
