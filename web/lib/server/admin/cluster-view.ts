// GET /api/admin/status: the whole cluster in one answer, read in parallel from the coordinator
// (every storage node and group), the load balancer (frontends) and the mail daemon, each with a
// one-second deadline, so one part that hangs shows as down instead of stalling the console.
// When the coordinator does not answer, each storage node is asked directly. The processes'
// restarts come from `npm start`'s supervisor, by file (process-table.ts).
//
// The builders are pure functions of what those services answered, tested without sockets.
import { frontendAddress, type Config } from '../../../../cluster/common/config.ts';
import type { ClusterStatus, NodeStatus } from '../../../../cluster/coordinator/client.ts';
import type { NodeStatusReply } from '../../../../cluster/kvs/client.ts';
import type { BalancerStatus } from '../../../../cluster/lb/client.ts';
import type { MailStatus } from '../../../../cluster/smtp/client.ts';
import type { AdminFrontend, AdminGroup, AdminNode, ClusterView, NodeRole, NodeState } from '../../queries/admin';
import { serverContext } from '../context';
import { adminClients } from './admin-clients';
import { readProcesses } from './process-table';

/** The console's state of a node, from the coordinator's view (see NodeState in queries/admin.ts). */
export function displayState(state: string, inSync: boolean): NodeState {
  if (state === 'down' || state === 'halted' || state === 'recovering') return state;
  if (state === 'up') return inSync ? 'up' : 'recovering';
  return 'unknown';
}

function roleOf(role: string): NodeRole {
  return role === 'primary' || role === 'backup' || role === 'out-of-sync' ? role : 'none';
}

export function rowRange(config: Readonly<Config>, group: number): AdminGroup['rows'] {
  const b = config.kvs.groupBoundaries;
  return { from: group === 0 ? null : (b[group - 1] ?? null), before: b[group] ?? null };
}

function adminNode(n: NodeStatus): AdminNode {
  return {
    id: n.id,
    group: n.group,
    address: n.address,
    state: displayState(n.state, n.inSync),
    role: roleOf(n.role),
    inSync: n.inSync,
    epoch: n.epoch,
    logPosition: n.logPosition,
    checkpointVersion: n.checkpointVersion,
    keyCount: n.keyCount,
    memoryBytes: n.memoryBytes,
  };
}

export function groupsFromCoordinator(config: Readonly<Config>, status: ClusterStatus): AdminGroup[] {
  return status.groups
    .map((g) => ({
      group: g.group,
      rows: rowRange(config, g.group),
      epoch: g.epoch,
      primary: g.primary || null,
      inSync: [...g.inSync].sort(),
      nodes: status.nodes.filter((n) => n.group === g.group).map(adminNode).sort((a, b) => a.id.localeCompare(b.id)),
    }))
    .sort((a, b) => a.group - b.group);
}

/**
 * Without the coordinator: what each node says of itself (an Error for one that did not answer).
 * A node's own role stands in for the in-sync set; the group's epoch is the newest any knows.
 */
export function groupsFromNodes(
  config: Readonly<Config>,
  nodes: { id: string; group: number; address: string }[],
  replies: (NodeStatusReply | Error)[],
): AdminGroup[] {
  const byGroup = new Map<number, AdminNode[]>();
  nodes.forEach((ref, i) => {
    const r = replies[i];
    const answered = r !== undefined && !(r instanceof Error);
    const role = answered ? roleOf(r.role) : 'none';
    const inSync = role === 'primary' || role === 'backup';
    const node: AdminNode = {
      id: ref.id,
      group: ref.group,
      address: ref.address,
      state: answered ? displayState(r.state, inSync) : 'down',
      role,
      inSync,
      epoch: answered ? r.epoch : 0,
      logPosition: answered ? r.log_position : 0,
      checkpointVersion: answered ? r.checkpoint_version : 0,
      keyCount: answered ? r.key_count : 0,
      memoryBytes: answered ? r.memory_bytes : 0,
    };
    byGroup.set(ref.group, [...(byGroup.get(ref.group) ?? []), node]);
  });
  return [...byGroup.entries()]
    .sort(([a], [b]) => a - b)
    .map(([group, members]) => ({
      group,
      rows: rowRange(config, group),
      epoch: Math.max(0, ...members.map((n) => n.epoch)),
      primary: members.find((n) => n.role === 'primary' && n.state === 'up')?.id ?? null,
      inSync: members.filter((n) => n.inSync).map((n) => n.id),
      nodes: members,
    }));
}

/** Every configured frontend, up or down by the balancer's heartbeats (unknown without it). */
export function frontendsView(config: Readonly<Config>, lb: BalancerStatus | undefined): AdminFrontend[] {
  return Array.from({ length: config.web.frontends }, (_, i) => {
    const n = i + 1;
    const seen = lb?.frontends.find((f) => f.frontend === n);
    return {
      frontend: n,
      address: seen?.address || frontendAddress(config, n),
      state: !lb ? 'unknown' : seen?.alive ? 'up' : 'down',
      lastHeartbeatAgoMs: lb && seen && seen.lastHeartbeatAtMs > 0 ? Math.max(0, lb.nowMs - seen.lastHeartbeatAtMs) : null,
      rssBytes: seen?.rssBytes ?? 0,
      redirects: seen?.redirects ?? 0,
      self: n === config.web.frontend,
    };
  });
}

function message(reason: unknown): string {
  return reason instanceof Error ? reason.message : String(reason);
}

export async function readClusterView(now = new Date()): Promise<ClusterView> {
  const { config } = serverContext();
  const clients = adminClients();
  const processes = readProcesses(config.dataDir, now);
  const [coordinator, lb, mail] = await Promise.allSettled([clients.coordinator.clusterStatus(), clients.lb.frontendStatus(), clients.mail.status()]);
  let groups: AdminGroup[];
  if (coordinator.status === 'fulfilled') {
    groups = groupsFromCoordinator(config, coordinator.value);
  } else {
    const replies = await Promise.all(clients.nodes.map((n) => clients.nodeStatus(n.id).status().catch((err: Error) => err)));
    groups = groupsFromNodes(config, clients.nodes, replies);
  }
  const mailStatus: MailStatus | undefined = mail.status === 'fulfilled' ? mail.value : undefined;
  return {
    checkedAt: now.toISOString(),
    coordinator: {
      state: coordinator.status === 'fulfilled' ? 'up' : 'down',
      address: clients.coordinator.address,
      members: coordinator.status === 'fulfilled' ? coordinator.value.coordinators.map((c) => ({ id: c.id, role: c.role, term: c.term })) : [],
      ...(coordinator.status === 'rejected' ? { error: message(coordinator.reason) } : {}),
    },
    groups,
    loadBalancer: {
      state: lb.status === 'fulfilled' ? 'up' : 'down',
      address: clients.lb.address,
      ...(lb.status === 'rejected' ? { error: message(lb.reason) } : {}),
    },
    frontends: frontendsView(config, lb.status === 'fulfilled' ? lb.value : undefined),
    mail: {
      state: mailStatus ? 'up' : 'down',
      address: clients.mailAddress,
      queueLength: mailStatus?.queueLength ?? null,
      ...(mailStatus ? { domain: mailStatus.domain } : {}),
      ...(mail.status === 'rejected' ? { error: message(mail.reason) } : {}),
    },
    processes: await processes,
  };
}
