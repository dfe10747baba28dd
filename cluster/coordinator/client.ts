// A typed client for the coordinator group, for the storage nodes, the cluster client library,
// the frontends and the tests: it knows every member and finds the leader itself (a member that
// is not the leader answers UNAVAILABLE naming it, RAFT.md "Clients"), within one deadline per
// call; errors as PennError, replies as plain camelCase objects (the core's own types).
import * as grpc from '@grpc/grpc-js';
import { coordinatorMembers, type Config } from '../common/config.ts';
import { callUnary, channelOptions } from '../common/grpc.ts';
import { channelCredentials } from '../common/tls/credentials.ts';
import type { ClusterStatus } from './core/status.ts';
import { callLeader, type LeaderSearch } from './leader-call.ts';
import type { ForceResult, GroupConfig, LeaseResult, LookupResult } from './core/types.ts';
import {
  CoordinatorService,
  configFromWire,
  forceFromWire,
  lookupFromWire,
  statusFromWire,
  type ClusterStatusReply__Output,
  type ForcePrimaryReply__Output,
  type GroupConfig__Output,
  type LookupReply__Output,
  type RenewLeaseReply__Output,
} from './io/wire.ts';

export type { ClusterStatus, NodeStatus } from './core/status.ts';
export type { ForceResult, GroupConfig, LeaseResult, LookupResult, NodeAddress } from './core/types.ts';
// Nodes receive GroupConfig inside replica messages too; one conversion for everyone.
export { configFromWire, configToWire, type GroupConfig__Output, type WireGroupConfig } from './io/wire.ts';

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

export class CoordinatorClient {
  /** Every member's address, in config order. */
  readonly addresses: string[];
  private readonly clients: grpc.Client[];
  /** The member believed to lead, and the real clock the search runs on. */
  private readonly search: LeaderSearch;

  /** Every member the config names, reached with this process's certificate (identityOf). */
  constructor(
    config: Readonly<Config>,
    private readonly timeoutMs: number = config.timeouts.coordinatorCallMs,
  ) {
    this.addresses = coordinatorMembers(config).map((m) => m.address);
    const credentials = channelCredentials(config);
    this.clients = this.addresses.map((a) => new CoordinatorService(a, credentials, channelOptions));
    this.search = { addresses: this.addresses, leader: 0, now: () => Date.now(), sleep: (ms) => new Promise((r) => setTimeout(r, ms)) };
  }

  /** The address of the member this client last found leading. */
  get address(): string {
    return this.addresses[this.search.leader] as string;
  }

  /** The row's group, the node assigned to this caller, the primary; UNAVAILABLE when no member is live. */
  async lookup(row: string): Promise<LookupResult> {
    return lookupFromWire(await this.call<LookupReply__Output>('Lookup', { row }));
  }

  async clusterStatus(): Promise<ClusterStatus> {
    return statusFromWire(await this.call<ClusterStatusReply__Output>('ClusterStatus', {}));
  }

  /**
   * A primary's lease renewal. Note the clock before calling: a grant extends the lease to that
   * time + leaseMs. timeoutMs should be short (a late grant is worth nothing).
   */
  async renewLease(group: number, epoch: number, node: string, timeoutMs = this.timeoutMs): Promise<LeaseResult> {
    const r = await this.call<RenewLeaseReply__Output>('RenewLease', { group, epoch, node },
      timeoutMs,
    );
    return { granted: r.granted, config: configFromWire(r.config) };
  }

  /** Removes change.node from in_sync; FAILED_PRECONDITION unless the caller is the primary at the current epoch. */
  async reportFailure(change: MembershipChange): Promise<GroupConfig> {
    const request = { ...change, lsn: change.lsn ?? 0 };
    return configFromWire(await this.call<GroupConfig__Output>('ReportFailure', request));
  }

  /** Adds change.node to in_sync: the primary vouches that it holds every acknowledged entry (up to lsn). */
  async requestJoin(change: MembershipChange & { lsn: number }): Promise<GroupConfig> {
    const request = { group: change.group, epoch: change.epoch, primary: change.primary, node: change.node, lsn: change.lsn, request_id: change.requestId ?? 0 };
    return configFromWire(await this.call<GroupConfig__Output>('RequestJoin', request));
  }

  /** The administrator's last resort: see ForcePrimary in coordinator.proto. */
  async forcePrimary(node: string): Promise<ForceResult> {
    return forceFromWire(await this.call<ForcePrimaryReply__Output>('ForcePrimary', { node }));
  }

  async getConfig(group: number): Promise<GroupConfig> {
    return configFromWire(await this.call<GroupConfig__Output>('GetConfig', { group }));
  }

  close(): void {
    for (const c of this.clients) c.close();
  }

  /** Calls the leader, wherever it is (leader-call.ts). */
  private call<T>(method: string, request: unknown, timeoutMs = this.timeoutMs): Promise<T> {
    return callLeader(this.search, timeoutMs, (member, tries) => callUnary<T>(this.clients[member] as grpc.Client, method, request, tries));
  }
}
