// The checks after healing, on a world whose faults have ended:
// 1. it converges: a serving primary, all three in sync, every log durable and ending alike;
// 2. a final read of every key is answered (and joins the history);
// 3. the three stores hold the same cells, read through scanRows and get;
// 4. the whole history, final reads included, is linearizable (tests/lib/linearizability.ts):
//    no acknowledged write is lost, no read sees a write that never committed;
// 5. the coordinator group converges: every member up at the same commit index, holding the
//    state the committed entries make, one of them leading.
// Plus whatever the world recorded while it ran (two leased primaries, an epoch with two
// primaries, a handler that threw something other than a PennError).
import type { Store } from '../../cluster/kvs/io/store.ts';
import { checkLinearizable } from '../lib/linearizability.ts';
import { storeCells } from '../lib/store-cells.ts';
import { show } from './sim-coordinators.ts';
import type { SimWorld } from './sim-world.ts';

export interface CheckOptions {
  /** Fake time allowed for convergence after healing. */
  convergeMs?: number;
  /** Real time allowed for the linearizability search. */
  linearizabilityTimeoutMs?: number;
}

export interface CheckOutcome {
  problems: string[];
  /** The linearizability search ran out of budget: neither pass nor failure. */
  inconclusive: string | null;
}

export async function checkAfterHealing(world: SimWorld, o: CheckOptions = {}): Promise<CheckOutcome> {
  const problems = [...world.violations];
  const outcome = (inconclusive: string | null = null): CheckOutcome => ({ problems, inconclusive });
  const convergeMs = o.convergeMs ?? 60_000;
  if (!(await world.clock.runUntilTrue(() => world.inSync(), convergeMs))) {
    problems.push(`did not converge within ${convergeMs} ms of healing: ${describeWorld(world)}`);
    return outcome();
  }
  const reader = world.clients[0]!;
  for (const key of world.keys) {
    if (!(await world.settle(reader.readUntilAnswered(key, 20_000), 40_000))) problems.push(`the final read of ${key} was never answered`);
  }
  if (!(await world.clock.runUntilTrue(() => world.inSync(), convergeMs))) {
    problems.push(`fell out of sync after the final reads: ${describeWorld(world)}`);
    return outcome();
  }
  const dumps = await world.settle(Promise.all(world.allNodes.map((n) => dump(n.store!))));
  const [first, ...rest] = dumps;
  rest.forEach((d, i) => {
    if (d !== first) problems.push(`replicas differ after healing: ${world.ids[0]} holds ${first}, ${world.ids[i + 1]} holds ${d}`);
  });
  if (!(await world.clock.runUntilTrue(() => world.coordinator.converged(), convergeMs))) {
    problems.push(`the coordinator group did not converge within ${convergeMs} ms: ${world.coordinator.describe()}`);
  }
  const lin = checkLinearizable(world.history, { timeoutMs: o.linearizabilityTimeoutMs ?? 10_000 });
  if (lin.ok === false) problems.push(`not linearizable: ${lin.explanation}`);
  return outcome(lin.ok === 'unknown' ? `linearizability check gave up on ${lin.key} (${lin.reason})` : null);
}

/** Every cell of a store as one line: row/column=value, in order. */
export async function dump(store: Store): Promise<string> {
  const cells: string[] = [];
  for await (const { row, column, value } of storeCells(store, 100)) cells.push(`${row}/${column}=${value === undefined ? '(none)' : value.toString()}`);
  return cells.join(' ') || '(empty)';
}

/** Where every node stands, for a failure message. */
export function describeWorld(world: SimWorld): string {
  const coord = `${world.coordinator.up ? show(world.coordinator.current()) : 'no coordinator leader'} (${world.coordinator.describe()})`;
  const nodes = world.allNodes.map((n) => {
    if (n.status !== 'up' || !n.store || !n.replicator) return `${n.id} ${n.status}`;
    const f = n.store.figures();
    const r = n.replicator;
    return `${n.id} ${r.role()} e${r.config.epoch} lease=${r.leaseValid()} lsn ${f.lastLsn}/e${f.lastEpoch} durable ${f.durableLsn} checkpoint ${f.checkpointLsn}`;
  });
  return [coord, ...nodes].join('; ');
}
