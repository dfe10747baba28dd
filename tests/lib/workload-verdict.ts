// How a fault test run under a Workload ends: every key is read once more, then no acknowledged
// write may be missing from that final state and the whole history must be linearizable. A
// failure names the seed, so the same run can be replayed.
import assert from 'node:assert/strict';
import type { ClusterClient } from '../../cluster/kvs/cluster-client.ts';
import { checkLinearizable, type LinearizabilityResult } from './linearizability.ts';
import type { Workload } from './workload.ts';

export interface WorkloadVerdict {
  /** Acknowledged writes whose value the final reads did not find. */
  lost: number;
  linearizable: LinearizabilityResult;
}

/** Reads every key once more through `client` (the load stopped first), then checks the history. */
export async function judgeWorkload(load: Workload, client: ClusterClient): Promise<WorkloadVerdict> {
  await load.finalReads(client);
  return { lost: load.lostWrites(), linearizable: checkLinearizable(load.history, { timeoutMs: 60_000 }) };
}

export function assertWorkloadSound({ lost, linearizable }: WorkloadVerdict, seed: number): void {
  assert.equal(lost, 0, `seed ${seed}`);
  assert.equal(linearizable.ok, true, JSON.stringify(linearizable));
}

/** Stops the clients, then the cluster: what a test's `finally` owes however far it got. */
export async function closeWorkload(load: Workload, cluster: { close(): Promise<void> }): Promise<void> {
  await load.stop();
  load.close();
  await cluster.close();
}
