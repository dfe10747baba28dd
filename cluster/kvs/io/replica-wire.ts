// proto/replica.proto, loaded once: the Replica service the storage nodes serve (to the
// coordinator's heartbeats and to their group's primary), and the conversions between its
// messages and the plain objects of the replicator and of the coordinator's core. Message
// types are generated (cluster/common/proto-types/, `npm run gen:proto`): `__Output` for what
// arrives, the plain form for what is sent. GroupConfig is the coordinator's message, converted
// by the coordinator's functions (configToWire, configFromWire in ../../coordinator/client.ts).
import { loadProto, serviceClient } from '../../common/grpc.ts';
import type { Entry, Entry__Output } from '../../common/proto-types/penncloud/replica/Entry.ts';
import type { HeartbeatReply, HeartbeatReply__Output } from '../../common/proto-types/penncloud/replica/HeartbeatReply.ts';
import type { ProbeReply, ProbeReply__Output } from '../../common/proto-types/penncloud/replica/ProbeReply.ts';
import type { SnapshotChunk as WireSnapshotChunk, SnapshotChunk__Output } from '../../common/proto-types/penncloud/replica/SnapshotChunk.ts';
import type { NodeFigures } from '../../coordinator/core/types.ts';
import type { LogEntry } from '../core/types.ts';
import type { LogPosition, SnapshotChunk } from '../replication/ports.ts';

export type { AppendReply, AppendReply__Output } from '../../common/proto-types/penncloud/replica/AppendReply.ts';
export type { AppendRequest, AppendRequest__Output } from '../../common/proto-types/penncloud/replica/AppendRequest.ts';
export type { CheckpointRequest, CheckpointRequest__Output } from '../../common/proto-types/penncloud/replica/CheckpointRequest.ts';
export type { HeartbeatRequest, HeartbeatRequest__Output } from '../../common/proto-types/penncloud/replica/HeartbeatRequest.ts';
export type { InstallSnapshotRequest, InstallSnapshotRequest__Output } from '../../common/proto-types/penncloud/replica/InstallSnapshotRequest.ts';
export type { ProbeRequest, ProbeRequest__Output } from '../../common/proto-types/penncloud/replica/ProbeRequest.ts';
export type { ReadSnapshotRequest, ReadSnapshotRequest__Output } from '../../common/proto-types/penncloud/replica/ReadSnapshotRequest.ts';
export type { TruncateRequest, TruncateRequest__Output } from '../../common/proto-types/penncloud/replica/TruncateRequest.ts';
export type { HeartbeatReply, HeartbeatReply__Output, ProbeReply, ProbeReply__Output, SnapshotChunk__Output, WireSnapshotChunk };

export const ReplicaService = serviceClient(loadProto('replica.proto'), 'penncloud.replica.Replica');

export const entryToWire = (e: LogEntry): Entry => ({
  lsn: e.lsn,
  epoch: e.epoch,
  kind: e.kind,
  row: e.row,
  column: e.column,
  value: e.kind === 'put' ? e.value : Buffer.alloc(0),
});

export function entryFromWire(e: Entry__Output): LogEntry {
  const base = { lsn: Number(e.lsn), epoch: Number(e.epoch), row: e.row, column: e.column };
  return e.kind === 'delete' ? { kind: 'delete', ...base } : { kind: 'put', ...base, value: e.value };
}

export const positionToWire = (p: LogPosition): ProbeReply => ({
  last_lsn: p.lastLsn,
  last_epoch: p.lastEpoch,
  checkpoint_lsn: p.checkpointLsn,
  checkpoint_epoch: p.checkpointEpoch,
});

export const positionFromWire = (p: ProbeReply__Output): LogPosition => ({
  lastLsn: Number(p.last_lsn),
  lastEpoch: Number(p.last_epoch),
  checkpointLsn: Number(p.checkpoint_lsn),
  checkpointEpoch: Number(p.checkpoint_epoch),
});

/** The first chunk of a snapshot carries the manifest and nothing else; later ones a file's bytes. */
export const chunkFromWire = (c: SnapshotChunk__Output): SnapshotChunk =>
  c.manifest.length > 0 ? { manifest: c.manifest } : { file: c.file, offset: Number(c.offset), data: c.data };

export const figuresToWire = (f: NodeFigures): HeartbeatReply => ({
  state: f.state,
  epoch: f.epoch,
  last_lsn: f.lastLsn,
  last_epoch: f.lastEpoch,
  checkpoint_version: f.checkpointVersion,
  key_count: f.keyCount,
  memory_bytes: f.memoryBytes,
  role: f.role,
  incarnation: f.incarnation,
});

export const figuresFromWire = (r: HeartbeatReply__Output): NodeFigures => ({
  state: r.state,
  epoch: r.epoch,
  lastLsn: r.last_lsn,
  lastEpoch: r.last_epoch,
  checkpointVersion: r.checkpoint_version,
  keyCount: r.key_count,
  memoryBytes: r.memory_bytes,
  role: r.role,
  incarnation: r.incarnation,
});
