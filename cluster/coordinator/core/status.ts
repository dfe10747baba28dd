// What ClusterStatus shows: every node as the coordinator sees it, and every group's config.
// A pure view of the membership state; the admin console and the tests read it.
import type { GroupConfig, MembershipState } from './types.ts';

export interface NodeStatus {
  id: string;
  group: number;
  address: string;
  /** down when the coordinator does not hear from it; else what its last reply said. */
  state: 'up' | 'down' | 'halted' | 'recovering' | string;
  /**
   * primary; backup (in in_sync); out-of-sync (answers, but outside in_sync: catching up or
   * waiting); none (outside in_sync and not answering).
   */
  role: 'primary' | 'backup' | 'out-of-sync' | 'none';
  /** The epoch the node last reported knowing. */
  epoch: number;
  logPosition: number;
  checkpointVersion: number;
  keyCount: number;
  memoryBytes: number;
  inSync: boolean;
}

/** A member of the coordinator group, as the leader sees it. */
export interface CoordinatorInfo {
  id: string;
  address: string;
  role: 'leader' | 'follower' | 'unreachable';
  term: number;
  /** The last log entry known to be on the member. */
  matchIndex: number;
}

export interface ClusterStatus {
  nodes: NodeStatus[];
  groups: GroupConfig[];
  /** Filled in by the member that answers (io/coordinator-member.ts). */
  coordinators: CoordinatorInfo[];
}

export function clusterStatus(s: MembershipState): ClusterStatus {
  const nodes = s.nodes.map((n): NodeStatus => {
    const h = s.health[n.id];
    const cfg = s.groups[n.group];
    const alive = h?.reach === 'alive';
    const inSync = cfg?.inSync.includes(n.id) ?? false;
    const last = h?.last;
    let role: NodeStatus['role'] = 'none';
    if (cfg?.primary === n.id) role = 'primary';
    else if (inSync) role = 'backup';
    else if (alive) role = 'out-of-sync';
    return {
      id: n.id,
      group: n.group,
      address: n.address,
      state: alive && last ? last.state : 'down',
      role,
      epoch: h?.knownEpoch ?? 0,
      logPosition: last?.lastLsn ?? 0,
      checkpointVersion: last?.checkpointVersion ?? 0,
      keyCount: last?.keyCount ?? 0,
      memoryBytes: last?.memoryBytes ?? 0,
      inSync,
    };
  });
  return { nodes, groups: s.groups.map((g) => ({ ...g, inSync: [...g.inSync] })), coordinators: [] };
}
