// One random schedule, drawn from a seed: the world's settings, a workload, and a list of faults
// at fake times — crashes (of the primary or of any node, short enough that the coordinator
// never notices or long enough that it fails over), partitions (a node cut off entirely, from the
// coordinator only, from one peer, one way only), lossy and slow network windows (everywhere, or
// around one process, so its calls outlive their deadlines), coordinator restarts. Then everything heals and sim-checks.ts judges the run.
//
// The fault list is drawn before the run; which node "the primary" is gets decided when the
// fault fires. Both are functions of the seed, so the seed replays the run.
import { checkAfterHealing } from './sim-checks.ts';
import { coordinatorId } from './sim-coordinator.ts';
import { SimWorld, stream } from './sim-world.ts';

type Fault =
  | { at: number; kind: 'crash'; who: 'primary' | 'backup' | 'any'; downMs: number }
  | { at: number; kind: 'isolate'; who: 'primary' | 'any'; withClients: boolean; forMs: number }
  | { at: number; kind: 'cutCoordinator'; who: 'primary' | 'any'; forMs: number }
  | { at: number; kind: 'cutPeers'; forMs: number }
  | { at: number; kind: 'oneWay'; forMs: number }
  | { at: number; kind: 'lossy'; dropRate: number; forMs: number }
  | { at: number; kind: 'slow'; slowRate: number; forMs: number }
  | { at: number; kind: 'slowEndpoint'; who: 'primary' | 'coordinator' | 'any'; forMs: number }
  | { at: number; kind: 'restartCoordinator'; downMs: number };

export interface Plan {
  checkpointEveryWrites: number;
  fsyncMsMax: number;
  clients: number;
  keys: number;
  thinkMsMax: number;
  faultsEndMs: number;
  faults: Fault[];
}

export interface ScheduleResult {
  seed: number;
  ok: boolean;
  problems: string[];
  inconclusive: string | null;
  traceHash: string;
  /** Fake ms the run took, operations in the history, trace lines. */
  fakeMs: number;
  operations: number;
  traceLines: number;
  tail: string[];
  plan: Plan;
}

export function drawPlan(seed: number): Plan {
  const r = stream(seed, 0);
  const between = (lo: number, hi: number) => lo + Math.floor(r() * (hi - lo + 1));
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;
  const faultsEndMs = between(6_000, 14_000);
  const faults: Fault[] = [];
  for (let at = between(800, 2_000); at < faultsEndMs; at += between(300, 2_500)) {
    const downMs = r() < 0.5 ? between(50, 1_400) : between(1_500, 6_000);
    const forMs = between(200, 5_000);
    const kind = pick(['crash', 'crash', 'crash', 'isolate', 'cutCoordinator', 'cutPeers', 'oneWay', 'lossy', 'slow', 'slowEndpoint', 'restartCoordinator'] as const);
    switch (kind) {
      case 'crash':
        faults.push({ at, kind, who: pick(['primary', 'primary', 'backup', 'any'] as const), downMs });
        break;
      case 'isolate':
        faults.push({ at, kind, who: pick(['primary', 'any'] as const), withClients: r() < 0.5, forMs });
        break;
      case 'cutCoordinator':
        faults.push({ at, kind, who: pick(['primary', 'any'] as const), forMs });
        break;
      case 'cutPeers':
      case 'oneWay':
        faults.push({ at, kind, forMs });
        break;
      case 'lossy':
        faults.push({ at, kind, dropRate: 0.02 + r() * 0.3, forMs });
        break;
      case 'slow':
        faults.push({ at, kind, slowRate: 0.05 + r() * 0.5, forMs });
        break;
      case 'slowEndpoint':
        faults.push({ at, kind, who: pick(['primary', 'coordinator', 'any'] as const), forMs });
        break;
      case 'restartCoordinator':
        faults.push({ at, kind, downMs: between(100, 3_000) });
        break;
    }
  }
  return {
    checkpointEveryWrites: r() < 0.4 ? between(3, 20) : 1000,
    fsyncMsMax: pick([0, 1, 2, 5]),
    clients: between(2, 4),
    keys: between(2, 5),
    thinkMsMax: between(20, 250),
    faultsEndMs,
    faults,
  };
}

export async function runSchedule(seed: number, echo?: (line: string) => void): Promise<ScheduleResult> {
  const plan = drawPlan(seed);
  const world = new SimWorld({ seed, checkpointEveryWrites: plan.checkpointEveryWrites, fsyncMsMax: plan.fsyncMsMax, keys: plan.keys, clients: plan.clients, ...(echo ? { echo } : {}) });
  let outcome: { problems: string[]; inconclusive: string | null };
  try {
    outcome = await run(world, plan, stream(seed, 3));
  } catch (err) {
    // A livelock, a step that never settles, a harness bug: still a failure of this seed.
    outcome = { problems: [...world.violations, `the run stopped: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`], inconclusive: null };
  }
  return {
    seed,
    ok: outcome.problems.length === 0,
    ...outcome,
    traceHash: world.trace.digest(),
    fakeMs: world.clock.now(),
    operations: world.history.length,
    traceLines: world.trace.lines,
    tail: world.trace.tail(),
    plan,
  };
}

async function run(world: SimWorld, plan: Plan, r: () => number): Promise<{ problems: string[]; inconclusive: string | null }> {
  world.trace.add(`plan ${JSON.stringify(plan)}`);
  world.start();
  let stopClients = false;
  const running = world.clients.map((c) => c.run(() => stopClients, plan.thinkMsMax));
  for (const f of plan.faults) world.clock.after(f.at, () => inject(world, f, r));
  await world.clock.runUntil(plan.faultsEndMs);
  world.heal();
  // A little more work on the healed group, then the clients stop.
  await world.clock.runFor(1_000);
  stopClients = true;
  await world.settle(Promise.all(running), 60_000);
  return checkAfterHealing(world);
}

function inject(world: SimWorld, f: Fault, r: () => number): void {
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;
  const primary = world.coordinator.up ? world.coordinator.current().primary : '';
  const target = (who: 'primary' | 'backup' | 'any'): string => {
    const backups = world.ids.filter((id) => id !== primary);
    if (who === 'primary' && primary !== '') return primary;
    if (who === 'backup') return pick(backups);
    return pick(world.ids);
  };
  const later = (ms: number, fn: () => void) => world.clock.after(ms, fn);
  world.trace.add(`fault ${JSON.stringify(f)}`);
  switch (f.kind) {
    case 'crash': {
      const id = target(f.who);
      world.crash(id);
      later(f.downMs, () => void world.startNode(id));
      break;
    }
    case 'isolate': {
      const id = target(f.who);
      const others = [...world.ids, coordinatorId, ...(f.withClients ? world.clients.map((c) => c.name) : [])];
      world.net.isolate(id, others);
      later(f.forMs, () => others.forEach((o) => o !== id && world.net.heal(id, o)));
      break;
    }
    case 'cutCoordinator': {
      const id = target(f.who);
      world.net.cut(id, coordinatorId);
      later(f.forMs, () => world.net.heal(id, coordinatorId));
      break;
    }
    case 'cutPeers': {
      const [a, b] = twoOf(world.ids, r);
      world.net.cut(a, b);
      later(f.forMs, () => world.net.heal(a, b));
      break;
    }
    case 'oneWay': {
      const [a, b] = twoOf([...world.ids, coordinatorId], r);
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
      const id = f.who === 'coordinator' ? coordinatorId : target(f.who);
      world.net.conditions = { ...world.net.conditions, slowEndpoint: id };
      later(f.forMs, () => {
        if (world.net.conditions.slowEndpoint === id) world.net.conditions = { dropRate: world.net.conditions.dropRate, slowRate: world.net.conditions.slowRate };
      });
      break;
    }
    case 'restartCoordinator':
      world.coordinator.crash();
      later(f.downMs, () => {
        if (!world.coordinator.up) world.coordinator.start();
      });
      break;
  }
}

function twoOf(xs: readonly string[], r: () => number): [string, string] {
  const i = Math.floor(r() * xs.length);
  const j = (i + 1 + Math.floor(r() * (xs.length - 1))) % xs.length;
  return [xs[i]!, xs[j]!];
}
