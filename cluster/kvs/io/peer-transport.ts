// The replicator's peers over gRPC (proto/replica.proto): one client per peer, deadlines of
// replicationTimeoutMs on the write path, longer for snapshots.
import * as grpc from '@grpc/grpc-js';
import type { Config } from '../../common/config.ts';
import { channelCredentials } from '../../common/tls/credentials.ts';
import { nodeRef } from '../../common/config.ts';
import { fromGrpcError } from '../../common/errors.ts';
import { callUnary, channelOptions, loadProto, serviceClient } from '../../common/grpc.ts';
import type { LogEntry } from '../core/types.ts';
import type { GroupConfig, LogPosition, PeerTransport, SnapshotChunk } from '../replication/ports.ts';

const proto = loadProto('replica.proto');
export const ReplicaClient = serviceClient(proto, 'penncloud.replica.Replica');

export interface WireConfig {
  group: number;
  epoch: number;
  primary: string;
  in_sync: string[];
  primary_incarnation: string;
}

export interface WireEntry {
  lsn: number;
  epoch: number;
  kind: string;
  row: string;
  column: string;
  value: Buffer;
}

export interface WirePosition {
  last_lsn: number;
  last_epoch: number;
  checkpoint_lsn: number;
  checkpoint_epoch: number;
}

export const toWireConfig = (c: GroupConfig): WireConfig => ({
  group: c.group,
  epoch: c.epoch,
  primary: c.primary,
  in_sync: c.inSync,
  primary_incarnation: c.primaryIncarnation,
});
export const fromWireConfig = (c: WireConfig): GroupConfig => ({
  group: c.group,
  epoch: Number(c.epoch),
  primary: c.primary,
  inSync: [...c.in_sync],
  primaryIncarnation: c.primary_incarnation,
});

export const toWireEntry = (e: LogEntry): WireEntry => ({
  lsn: e.lsn,
  epoch: e.epoch,
  kind: e.kind,
  row: e.row,
  column: e.column,
  value: e.kind === 'put' ? e.value : Buffer.alloc(0),
});

export function fromWireEntry(e: WireEntry): LogEntry {
  const base = { lsn: Number(e.lsn), epoch: Number(e.epoch), row: e.row, column: e.column };
  return e.kind === 'delete' ? { kind: 'delete', ...base } : { kind: 'put', ...base, value: e.value };
}

export const toWirePosition = (p: LogPosition): WirePosition => ({
  last_lsn: p.lastLsn,
  last_epoch: p.lastEpoch,
  checkpoint_lsn: p.checkpointLsn,
  checkpoint_epoch: p.checkpointEpoch,
});
const fromWirePosition = (p: WirePosition): LogPosition => ({
  lastLsn: Number(p.last_lsn),
  lastEpoch: Number(p.last_epoch),
  checkpointLsn: Number(p.checkpoint_lsn),
  checkpointEpoch: Number(p.checkpoint_epoch),
});

/** Snapshots of several GiB take a while; a stalled one still ends. */
const snapshotTimeoutMs = 10 * 60 * 1000;

export class GrpcPeerTransport implements PeerTransport {
  private readonly clients = new Map<string, grpc.Client>();

  constructor(
    private readonly config: Readonly<Config>,
    private readonly timeoutMs: number,
  ) {}

  private client(peer: string): grpc.Client {
    let client = this.clients.get(peer);
    if (!client) {
      client = new ReplicaClient(nodeRef(this.config, peer).address, channelCredentials(this.config), channelOptions);
      this.clients.set(peer, client);
    }
    return client;
  }

  async probe(peer: string, config: GroupConfig): Promise<LogPosition> {
    return fromWirePosition(await callUnary(this.client(peer), 'Probe', { config: toWireConfig(config) }, this.timeoutMs));
  }

  async truncate(peer: string, config: GroupConfig, afterLsn: number): Promise<LogPosition> {
    const request = { config: toWireConfig(config), after_lsn: afterLsn };
    return fromWirePosition(await callUnary(this.client(peer), 'Truncate', request, this.timeoutMs));
  }

  async append(peer: string, config: GroupConfig, prevLsn: number, entries: LogEntry[]): Promise<{ durableLsn: number }> {
    const request = { config: toWireConfig(config), prev_lsn: prevLsn, entries: entries.map(toWireEntry) };
    const reply = await callUnary<{ durable_lsn: number }>(this.client(peer), 'Append', request, this.timeoutMs);
    return { durableLsn: Number(reply.durable_lsn) };
  }

  async installSnapshot(peer: string, config: GroupConfig): Promise<LogPosition> {
    const request = { config: toWireConfig(config), from_address: nodeRef(this.config, config.primary).address };
    return fromWirePosition(await callUnary(this.client(peer), 'InstallSnapshot', request, snapshotTimeoutMs));
  }

  async checkpoint(peer: string, config: GroupConfig, version: number): Promise<void> {
    await callUnary(this.client(peer), 'Checkpoint', { config: toWireConfig(config), version }, snapshotTimeoutMs);
  }

  async *readSnapshot(peer: string, epoch: number): AsyncIterable<SnapshotChunk> {
    const call = (this.client(peer) as unknown as { ReadSnapshot: (req: unknown, opts: grpc.CallOptions) => grpc.ClientReadableStream<SnapshotChunk> }).ReadSnapshot(
      { epoch },
      { deadline: Date.now() + snapshotTimeoutMs },
    );
    try {
      for await (const chunk of call) {
        const c = chunk as { manifest: Buffer; file: string; offset: number; data: Buffer };
        yield c.manifest.length > 0 ? { manifest: c.manifest } : { file: c.file, offset: Number(c.offset), data: c.data };
      }
    } catch (err) {
      throw fromGrpcError(err);
    } finally {
      call.cancel();
    }
  }

  close(): void {
    for (const client of this.clients.values()) client.close();
    this.clients.clear();
  }
}
