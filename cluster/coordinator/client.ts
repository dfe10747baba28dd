// A typed client for the coordinator, for the storage nodes, the cluster client library and
// the tests: a deadline on every call, errors as PennError, replies as plain camelCase objects
// (the same GroupConfig the coordinator's core uses).
import * as grpc from '@grpc/grpc-js';
import { coordinatorAddress, type Config } from '../common/config.ts';
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

export class CoordinatorClient {
  readonly address: string;
  private readonly client: grpc.Client;

  /** target: the coordinator's host:port, or the config that names it. */
  constructor(
    target: string | Readonly<Config>,
    private readonly timeoutMs = 2000,
  ) {
    this.address = typeof target === 'string' ? target : coordinatorAddress(target);
    this.client = new CoordinatorService(this.address, grpc.credentials.createInsecure(), channelOptions);
  }

  /** The row's group, the node assigned to this caller, the primary; UNAVAILABLE when no member is live. */
  async lookup(row: string): Promise<LookupResult> {
    return lookupFromWire(await callUnary<WireLookupReply>(this.client, 'Lookup', { row }, this.timeoutMs));
  }

  async clusterStatus(): Promise<ClusterStatus> {
    return statusFromWire(await callUnary<WireClusterStatusReply>(this.client, 'ClusterStatus', {}, this.timeoutMs));
  }

  /**
   * A primary's lease renewal. Note the clock before calling: a grant extends the lease to that
   * time + leaseMs. timeoutMs should be short (a late grant is worth nothing).
   */
  async renewLease(group: number, epoch: number, node: string, timeoutMs = this.timeoutMs): Promise<LeaseResult> {
    const r = await callUnary<{ granted: boolean; config: WireGroupConfig | null }>(
      this.client,
      'RenewLease',
      { group, epoch, node },
      timeoutMs,
    );
    return { granted: r.granted, config: configFromWire(r.config) };
  }

  /** Removes change.node from in_sync; FAILED_PRECONDITION unless the caller is the primary at the current epoch. */
  async reportFailure(change: MembershipChange): Promise<GroupConfig> {
    const request = { ...change, lsn: change.lsn ?? 0 };
    return configFromWire(await callUnary<WireGroupConfig>(this.client, 'ReportFailure', request, this.timeoutMs));
  }

  /** Adds change.node to in_sync: the primary vouches that it holds every acknowledged entry (up to lsn). */
  async requestJoin(change: MembershipChange & { lsn: number }): Promise<GroupConfig> {
    const request = { group: change.group, epoch: change.epoch, primary: change.primary, node: change.node, lsn: change.lsn, request_id: change.requestId ?? 0 };
    return configFromWire(await callUnary<WireGroupConfig>(this.client, 'RequestJoin', request, this.timeoutMs));
  }

  /** The administrator's last resort: see ForcePrimary in coordinator.proto. */
  async forcePrimary(node: string): Promise<ForceResult> {
    return forceFromWire(await callUnary<WireForcePrimaryReply>(this.client, 'ForcePrimary', { node }, this.timeoutMs));
  }

  async getConfig(group: number): Promise<GroupConfig> {
    return configFromWire(await callUnary<WireGroupConfig>(this.client, 'GetConfig', { group }, this.timeoutMs));
  }

  close(): void {
    this.client.close();
  }
}
