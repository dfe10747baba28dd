// Steps for scripted scenarios on a SimWorld: start a group in sync, write until acknowledged,
// read from a given node, watch who leads. Each step runs the fake clock until it is done, and
// every client call lands in the world's history, so a scenario ends with the same checks as a
// random schedule (sim-checks.ts).
import assert from 'node:assert/strict';
import type { KvResult } from '../lib/linearizability.ts';
import { checkAfterHealing } from './sim-checks.ts';
import { SimWorld, type WorldOptions } from './sim-world.ts';
import type { SimClient } from './sim-workload.ts';

export interface Started {
  world: SimWorld;
  primary: string;
  /** The other two, in id order. */
  backups: [string, string];
}

export async function startInSync(o: Partial<WorldOptions> = {}): Promise<Started> {
  const world = new SimWorld({ seed: 1, ...o });
  world.start();
  assert.ok(await world.clock.runUntilTrue(() => world.inSync(), 20_000), 'the group never got in sync');
  const primary = world.servingPrimary();
  const [a, b] = world.ids.filter((id) => id !== primary);
  return { world, primary, backups: [a!, b!] };
}

/** A put of a fresh value to the primary, retried (with new values) until one is acknowledged. */
export async function putUntilAcked(world: SimWorld, client: SimClient, key: string, value: string, forMs = 30_000): Promise<string> {
  const end = world.now() + forMs;
  for (let attempt = 0; world.now() < end; attempt++) {
    const v = `${value}#${attempt}`;
    const target = world.primary();
    if (target !== '' && (await world.settle(client.once({ kind: 'put', key, value: v }, target))) !== null) return v;
    await world.settle(world.sleep(100));
  }
  throw new Error(`no put on ${key} was acknowledged within ${forMs} ms`);
}

/** A get sent to node (the primary by default); null when it was not answered. */
export function get(world: SimWorld, client: SimClient, key: string, node = world.primary()): Promise<KvResult | null> {
  return world.settle(client.once({ kind: 'get', key }, node));
}

/** Every primary the coordinator names at a quiet instant from now on, in order, without repeats. */
export function watchPrimaries(world: SimWorld): string[] {
  const seen: string[] = [];
  const before = world.clock.onQuiet;
  world.clock.onQuiet = () => {
    before();
    const p = world.coordinator.up ? world.coordinator.current().primary : '';
    if (p !== '' && seen.at(-1) !== p) seen.push(p);
  };
  return seen;
}

/** Calls delivered of one kind to one node so far (e.g. 'installSnapshot', 'g0r1'). */
export function delivered(world: SimWorld, kind: string, to: string): number {
  return world.net.delivered.get(`${kind}>${to}`) ?? 0;
}

/** The checks every scenario ends with: heal, converge, replicas equal, history linearizable. */
export async function healed(world: SimWorld): Promise<void> {
  world.heal();
  const { problems } = await checkAfterHealing(world);
  assert.deepEqual(problems, [], problems.join('\n'));
}
