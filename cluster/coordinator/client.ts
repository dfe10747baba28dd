// A typed client for the coordinator group, for the storage nodes, the cluster client library,
// the frontends and the tests: it knows every member and finds the leader itself (a member that
// is not the leader answers UNAVAILABLE naming it, RAFT.md "Clients"), within one deadline per
// call; errors as PennError, replies as plain camelCase objects (the core's own types).
import * as grpc from '@grpc/grpc-js';
import { coordinatorMembers, type Config } from '../common/config.ts';
import { PennError, isPennError } from '../common/errors.ts';
import { callUnary, channelOptions } from '../common/grpc.ts';
import type { ClusterStatus } from './core/status.ts';
import type { ForceResult, GroupConfig, LeaseResult, LookupResult } from './core/types.ts';
import {
  CoordinatorService,
  configFromWire,
  forceFromWire,
  lookupFromWire,
  statusFromWire,
  type WireClusterStatusReply,
  type WireForcePrimaryReply,
  type WireGroupConfig,
  type WireLookupReply,
} from './io/wire.ts';

export type { ClusterStatus, NodeStatus } from './core/status.ts';
export type { ForceResult, GroupConfig, LeaseResult, LookupResult, NodeAddress } from './core/types.ts';
// Nodes receive GroupConfig inside replica messages too; one conversion for everyone.
export { configFromWire, configToWire, type WireGroupConfig } from './io/wire.ts';

export interface MembershipChange {
  group: number;
  /** The caller's epoch. */
  epoch: number;
  /** The caller, which must be the group's primary at that epoch. */
  primary: string;
  /** The node to remove (reportFailure) or add (requestJoin). */
  node: string;
  /** requestJoin: the lsn the node has made durable; ignored by reportFailure. */
  lsn?: number;
  /** requestJoin: rises with each attempt within an epoch (see coordinator.proto). */
  requestId?: number;
}

/** How long to wait before asking again while the group elects a leader. */
const electionPauseMs = 50;

export class CoordinatorClient {
  /** Every member's address, in config order. */
  readonly addresses: string[];
  private readonly clients: grpc.Client[];
  /** The member believed to lead. */
  private leader = 0;

  /** target: one member's host:port, several, or the config that names them all. */
  constructor(
    target: string | string[] | Readonly<Config>,
    private readonly timeoutMs = 2000,
  ) {
    this.addresses = typeof target === 'string' ? [target] : Array.isArray(target) ? [...target] : coordinatorMembers(target).map((m) => m.address);
    this.clients = this.addresses.map((a) => new CoordinatorService(a, grpc.credentials.createInsecure(), channelOptions));
  }

  /** The address of the member this client last found leading. */
  get address(): string {
    return this.addresses[this.leader] as string;
  }

  /** The row's group, the node assigned to this caller, the primary; UNAVAILABLE when no member is live. */
  async lookup(row: string): Promise<LookupResult> {
    return lookupFromWire(await this.call<WireLookupReply>('Lookup', { row }));
  }

  async clusterStatus(): Promise<ClusterStatus> {
    return statusFromWire(await this.call<WireClusterStatusReply>('ClusterStatus', {}));
  }

  /**
   * A primary's lease renewal. Note the clock before calling: a grant extends the lease to that
   * time + leaseMs. timeoutMs should be short (a late grant is worth nothing).
   */
  async renewLease(group: number, epoch: number, node: string, timeoutMs = this.timeoutMs): Promise<LeaseResult> {
    const r = await this.call<{ granted: boolean; config: WireGroupConfig | null }>('RenewLease', { group, epoch, node },
      timeoutMs,
    );
    return { granted: r.granted, config: configFromWire(r.config) };
  }

  /** Removes change.node from in_sync; FAILED_PRECONDITION unless the caller is the primary at the current epoch. */
  async reportFailure(change: MembershipChange): Promise<GroupConfig> {
    const request = { ...change, lsn: change.lsn ?? 0 };
    return configFromWire(await this.call<WireGroupConfig>('ReportFailure', request));
  }

  /** Adds change.node to in_sync: the primary vouches that it holds every acknowledged entry (up to lsn). */
  async requestJoin(change: MembershipChange & { lsn: number }): Promise<GroupConfig> {
    const request = { group: change.group, epoch: change.epoch, primary: change.primary, node: change.node, lsn: change.lsn, request_id: change.requestId ?? 0 };
    return configFromWire(await this.call<WireGroupConfig>('RequestJoin', request));
  }

  /** The administrator's last resort: see ForcePrimary in coordinator.proto. */
  async forcePrimary(node: string): Promise<ForceResult> {
    return forceFromWire(await this.call<WireForcePrimaryReply>('ForcePrimary', { node }));
  }

  async getConfig(group: number): Promise<GroupConfig> {
    return configFromWire(await this.call<WireGroupConfig>('GetConfig', { group }));
  }

  close(): void {
    for (const c of this.clients) c.close();
  }

  /**
   * Calls the leader: a member that names another as leader sends us there; one that is down,
   * stalled or knows no leader sends us to the next, pausing briefly once all were tried. A
   * member gets at most half of what is left of the deadline while others remain to be tried,
   * so a stalled one cannot use it all.
   */
  private async call<T>(method: string, request: unknown, timeoutMs = this.timeoutMs): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    let lastError: unknown;
    for (let attempt = 0; ; attempt++) {
      const left = deadline - Date.now();
      if (left <= 0) break;
      const tries = this.addresses.length > 1 && attempt < this.addresses.length * 3 ? Math.max(left / 2, Math.min(left, 250)) : left;
      try {
        return await callUnary<T>(this.clients[this.leader] as grpc.Client, method, request, tries);
      } catch (err) {
        if (!isPennError(err, 'unavailable') && !isPennError(err, 'deadline_exceeded')) throw err;
        lastError = err;
        const hint = /\[leader ([^\]]+)\]/.exec(err.message)?.[1];
        const named = hint === undefined ? -1 : this.addresses.indexOf(hint);
        if (named >= 0 && named !== this.leader) {
          this.leader = named;
          continue;
        }
        this.leader = (this.leader + 1) % this.addresses.length;
        if (this.leader === 0 || this.addresses.length === 1) await new Promise((r) => setTimeout(r, Math.min(electionPauseMs, Math.max(0, deadline - Date.now()))));
      }
    }
    const why = lastError instanceof Error ? lastError.message : 'no answer';
    throw new PennError('unavailable', `no coordinator leader answered within ${timeoutMs} ms (members ${this.addresses.join(', ')}): ${why}`);
  }
}
