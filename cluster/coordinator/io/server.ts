// The coordinator's gRPC face: penncloud.coordinator.Coordinator, every handler through the
// shared adapter so each call answers exactly once with a known status. The handlers only
// translate; the rules live in core/membership.ts and the ordering in membership-loop.ts. Only
// the group's leader answers; the other members refuse with UNAVAILABLE naming the leader.
import type * as grpc from '@grpc/grpc-js';
import { unary } from '../../common/grpc.ts';
import type { Config } from '../../common/config.ts';
import type { Logger } from '../../common/log.ts';
import { addGuardedService, requireCaller, type AccessPolicy } from '../../common/tls/credentials.ts';
import type { CoordinatorMember } from './coordinator-member.ts';
import {
  CoordinatorService,
  configToWire,
  forceToWire,
  lookupToWire,
  statusToWire,
  type ForcePrimaryRequest__Output,
  type GetConfigRequest__Output,
  type LookupRequest__Output,
  type MembershipRequest__Output,
  type RenewLeaseReply,
  type RenewLeaseRequest__Output,
} from './wire.ts';

// Who may call what (docs/DEPLOY.md, "Roles"): the lease and membership calls only from the
// storage nodes, forcing a primary only for administrators, lookups for every service.
const anyService = ['node', 'frontend', 'mail', 'admin', 'lb', 'coordinator'] as const;
const policy: AccessPolicy = {
  Lookup: anyService,
  ClusterStatus: anyService,
  RenewLease: ['node'],
  ReportFailure: ['node'],
  RequestJoin: ['node'],
  GetConfig: ['node', 'admin'],
  ForcePrimary: ['admin'],
};

export function addCoordinatorService(server: grpc.Server, config: Readonly<Config>, member: CoordinatorMember, log: Logger): void {
  const loop = () => member.membership();
  addGuardedService(server, config, CoordinatorService.service, policy, {
    Lookup: unary(log, 'Lookup', async (r: LookupRequest__Output) => lookupToWire(await loop().lookup(r.row))),
    ClusterStatus: unary(log, 'ClusterStatus', async () => statusToWire({ ...(await loop().clusterStatus()), coordinators: member.coordinators() })),
    // Each names its sender (the primary), whose certificate must say it is that node.
    RenewLease: unary(log, 'RenewLease', async (r: RenewLeaseRequest__Output, call): Promise<RenewLeaseReply> => {
      requireCaller(call, [r.node], `renew the lease of ${r.node || 'no node'}`);
      const result = await loop().renewLease(r.group, r.epoch, r.node);
      return { granted: result.granted, config: configToWire(result.config) };
    }),
    ReportFailure: unary(log, 'ReportFailure', async (r: MembershipRequest__Output, call) => {
      requireCaller(call, [r.primary], `report a failure as the primary ${r.primary || 'none'}`);
      return configToWire(await loop().reportFailure(r.group, r.epoch, r.primary, r.node));
    }),
    RequestJoin: unary(log, 'RequestJoin', async (r: MembershipRequest__Output, call) => {
      requireCaller(call, [r.primary], `vouch for a join as the primary ${r.primary || 'none'}`);
      return configToWire(await loop().requestJoin(r.group, r.epoch, r.primary, r.node, r.lsn, r.request_id));
    }),
    GetConfig: unary(log, 'GetConfig', async (r: GetConfigRequest__Output) => configToWire(await loop().getConfig(r.group))),
    ForcePrimary: unary(log, 'ForcePrimary', async (r: ForcePrimaryRequest__Output) => forceToWire(await loop().forcePrimary(r.node))),
  });
}
