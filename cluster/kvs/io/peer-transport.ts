// The replicator's peers over gRPC (proto/replica.proto): one client per peer, deadlines of
// `timeouts.replicationMs` on the write path, longer for snapshots. Appends go as messages on one
// AppendStream per backup rather than a call each: at a few hundred group commits a second the
// set-up of a call (headers, call state, on both ends) was a large share of the primary's CPU
// (common/ordered-stream.ts).
import * as grpc from '@grpc/grpc-js';
import type { Config } from '../../common/config.ts';
import { channelCredentials } from '../../common/tls/credentials.ts';
import { nodeRef } from '../../common/config.ts';
import { fromGrpcError } from '../../common/errors.ts';
import { OrderedStream, type OrderedCall } from '../../common/ordered-stream.ts';
import { callUnary, channelOptions } from '../../common/grpc.ts';
import type { LogEntry } from '../core/types.ts';
import type { GroupConfig, LogPosition, PeerTransport, SnapshotChunk } from '../replication/ports.ts';
import { configToWire } from '../../coordinator/client.ts';
import {
  ReplicaService,
  chunkFromWire,
  entryToWire,
  positionFromWire,
  type AppendReply__Output,
  type AppendRequest,
  type CheckpointRequest,
  type InstallSnapshotRequest,
  type ProbeReply__Output,
  type ProbeRequest,
  type ReadSnapshotRequest,
  type SnapshotChunk__Output,
  type TruncateRequest,
} from './replica-wire.ts';

type AppendCall = OrderedCall<AppendRequest, AppendReply__Output>;

export class GrpcPeerTransport implements PeerTransport {
  private readonly clients = new Map<string, grpc.Client>();
  private readonly appendStreams = new Map<string, OrderedStream<AppendRequest, AppendReply__Output>>();

  constructor(
    private readonly config: Readonly<Config>,
    private readonly timeoutMs: number,
  ) {}

  private client(peer: string): grpc.Client {
    let client = this.clients.get(peer);
    if (!client) {
      client = new ReplicaService(nodeRef(this.config, peer).address, channelCredentials(this.config), channelOptions);
      this.clients.set(peer, client);
    }
    return client;
  }

  async probe(peer: string, config: GroupConfig): Promise<LogPosition> {
    const request: ProbeRequest = { config: configToWire(config) };
    return positionFromWire(await callUnary<ProbeReply__Output>(this.client(peer), 'Probe', request, this.timeoutMs));
  }

  async truncate(peer: string, config: GroupConfig, afterLsn: number): Promise<LogPosition> {
    const request: TruncateRequest = { config: configToWire(config), after_lsn: afterLsn };
    return positionFromWire(await callUnary<ProbeReply__Output>(this.client(peer), 'Truncate', request, this.timeoutMs));
  }

  async append(peer: string, config: GroupConfig, prevLsn: number, entries: LogEntry[]): Promise<{ durableLsn: number }> {
    const request: AppendRequest = { config: configToWire(config), prev_lsn: prevLsn, entries: entries.map(entryToWire) };
    let stream = this.appendStreams.get(peer);
    if (!stream) {
      const client = this.client(peer) as unknown as { AppendStream: () => AppendCall };
      stream = new OrderedStream(() => client.AppendStream(), 'the backup to append');
      this.appendStreams.set(peer, stream);
    }
    const reply = await stream.send(request, this.timeoutMs);
    return { durableLsn: Number(reply.durable_lsn) };
  }

  async installSnapshot(peer: string, config: GroupConfig): Promise<LogPosition> {
    const request: InstallSnapshotRequest = { config: configToWire(config), from_address: nodeRef(this.config, config.primary).address };
    return positionFromWire(await callUnary<ProbeReply__Output>(this.client(peer), 'InstallSnapshot', request, this.config.timeouts.snapshotMs));
  }

  async checkpoint(peer: string, config: GroupConfig, version: number): Promise<void> {
    const request: CheckpointRequest = { config: configToWire(config), version };
    await callUnary(this.client(peer), 'Checkpoint', request, this.config.timeouts.snapshotMs);
  }

  async *readSnapshot(peer: string, epoch: number): AsyncIterable<SnapshotChunk> {
    type ReadSnapshot = (request: ReadSnapshotRequest, options: grpc.CallOptions) => grpc.ClientReadableStream<SnapshotChunk__Output>;
    const client = this.client(peer) as unknown as { ReadSnapshot: ReadSnapshot };
    const call = client.ReadSnapshot({ epoch }, { deadline: Date.now() + this.config.timeouts.snapshotMs });
    try {
      for await (const chunk of call) yield chunkFromWire(chunk as SnapshotChunk__Output);
    } catch (err) {
      throw fromGrpcError(err);
    } finally {
      call.cancel();
    }
  }

  close(): void {
    for (const stream of this.appendStreams.values()) stream.close();
    this.appendStreams.clear();
    for (const client of this.clients.values()) client.close();
    this.clients.clear();
  }
}
