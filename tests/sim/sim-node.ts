// One storage node in the simulation: a Store on its own disk and a Replicator, wired to the
// fake network as cluster/kvs/io/node.ts and server.ts wire them to gRPC. A crash is a power
// cut: the replicator stops, the store is abandoned, and only what was fsync'd survives; a
// restart opens the store on what survived and makes a new Replicator, which knows nothing
// until the coordinator's heartbeat tells it. While down or recovering it answers nothing.
//
// Every argument and reply crosses the fake network as a copy, as it would through protobuf: no
// object is shared between two nodes.
import type { Config } from '../../cluster/common/config.ts';
import { PennError } from '../../cluster/common/errors.ts';
import type { Logger } from '../../cluster/common/log.ts';
import type { NodeFigures } from '../../cluster/coordinator/core/types.ts';
import type { LogEntry } from '../../cluster/kvs/core/types.ts';
import { Store } from '../../cluster/kvs/io/store.ts';
import type { CoordinatorPort, GroupConfig, LogPosition, PeerTransport, SnapshotChunk } from '../../cluster/kvs/replication/ports.ts';
import { Replicator, type ReplicatorOptions } from '../../cluster/kvs/replication/replicator.ts';
import type { ProcessClock } from './sim-clock.ts';
import { SimDisk } from './sim-disk.ts';
import { SimProcess } from './sim-process.ts';
import type { SimNetwork } from './sim-network.ts';
import type { SimScheduler } from './sim-scheduler.ts';
import type { Trace } from './sim-trace.ts';

export interface NodeWorld {
  clock: SimScheduler;
  net: SimNetwork;
  trace: Trace;
  log: Logger;
  config: Readonly<Config>;
  /** The group's nodes, this one included. */
  members: string[];
  /** The coordinator group as a node process reaches it (SimCoordinators.port). */
  coordinatorPort(node: string, inc: number, clock: ProcessClock): CoordinatorPort;
  /** A new process's clock on this node's machine (its drift, a fresh origin). */
  newClock(node: string): ProcessClock;
  node(id: string): SimNode;
  /** Seeded randomness for the disks: fsync latencies, how much of a torn append survives. */
  diskRandom: () => number;
  fsyncMsMax: number;
  checkpointEveryWrites: number;
  /**
   * Deadline of InstallSnapshot, Checkpoint and each ReadSnapshot chunk. The real one
   * (peer-transport.ts) is 10 minutes; shorter here so a lost call ends within a schedule. It
   * only changes how long a stalled snapshot blocks its follower, not what it may do.
   */
  snapshotTimeoutMs: number;
  snapshotChunkBytes: number;
  /** Every config a replicator takes; leader is set when that process now acts as the primary. */
  onAdopt(node: string, config: GroupConfig, leader: string | null): void;
}

export type ClientOp =
  | { kind: 'put'; row: string; column: string; value: string }
  | { kind: 'cput'; row: string; column: string; expected: string | null; value: string }
  | { kind: 'delete'; row: string; column: string }
  | { kind: 'get'; row: string; column: string };

export type ClientReply = { found: boolean; value?: string } | { applied: boolean } | { existed: boolean } | { ok: true };

/** Reports every config the replicator adopts, for the one-primary-per-epoch checker. */
class SimReplicator extends Replicator {
  constructor(
    o: ReplicatorOptions,
    private readonly adopted: (config: GroupConfig, leader: string | null) => void,
  ) {
    super(o);
  }

  override adoptConfig(next: GroupConfig): void {
    const before = this.config.epoch;
    super.adoptConfig(next);
    // The process (node and incarnation) that leads, not just the name the config carries.
    if (this.config.epoch !== before) this.adopted(this.config, this.isPrimary() ? `${this.o.id}/${this.incarnation}` : null);
  }
}

export class SimNode extends SimProcess {
  store: Store | null = null;
  replicator: Replicator | null = null;
  clock: ProcessClock | null = null;
  readonly disk: SimDisk;

  constructor(
    readonly id: string,
    private readonly w: NodeWorld,
  ) {
    super();
    this.disk = new SimDisk(w.clock, w.diskRandom, w.fsyncMsMax);
  }

  async start(): Promise<void> {
    const inc = this.beginStart();
    if (inc === null) return;
    this.w.trace.add(`${this.id} starting (incarnation ${inc})`);
    const store = await Store.open({
      dir: `/data/kvs/${this.id}`,
      fs: this.disk.fileSystem(),
      log: this.w.log,
      memoryBytesMax: 64 * 1024,
      tabletBytesMax: 16 * 1024,
      checkpointEveryWrites: this.w.checkpointEveryWrites,
      autoCheckpoint: false,
    });
    if (this.incarnation !== inc) {
      // Crashed while recovering: this store belongs to a dead process.
      await store.abandon();
      return;
    }
    const clock = this.w.newClock(this.id);
    this.clock = clock;
    this.store = store;
    this.replicator = new SimReplicator(
      {
        id: this.id,
        group: 0,
        members: this.w.members,
        store,
        transport: this.transport(inc),
        coordinator: this.w.coordinatorPort(this.id, inc, clock),
        // The lease is counted on this machine's clock, drift included.
        clock,
        log: this.w.log,
        leaseMs: this.w.config.coordinator.leaseMs,
        commitTimeoutMs: this.w.config.timeouts.commitMs,
        checkpointEveryWrites: this.w.checkpointEveryWrites,
        // Random in production; here a function of the run, so the seed replays it.
        incarnation: `${this.id}.${inc}`,
      },
      (config, leader) => this.w.onAdopt(this.id, config, leader),
    );
    this.status = 'up';
    const f = store.figures();
    this.w.trace.add(`${this.id} up: lsn ${f.lastLsn} (epoch ${f.lastEpoch}) checkpoint ${f.checkpointLsn} keys ${f.keyCount}`);
  }

  /** Power cut: memory and unsynced bytes are gone. */
  crash(): void {
    if (!this.endIncarnation()) return;
    const store = this.store;
    this.replicator?.stop();
    this.replicator = null;
    this.clock?.kill();
    this.clock = null;
    this.store = null;
    this.disk.powerCut();
    // The dead process's files: the store may finish its step in progress, on the old disk.
    void store?.abandon().catch(() => {});
    this.w.trace.add(`${this.id} crashed`);
  }

  // ---- Handlers, run at delivery ----

  /** Replica/Heartbeat (node.ts heartbeat() and server.ts): take the config, report figures. */
  async heartbeat(config: GroupConfig | null): Promise<NodeFigures> {
    const r = this.replica();
    if (config && config.group === 0) r.adoptConfig(copyConfig(config));
    const f = this.store!.figures();
    return {
      state: 'up',
      epoch: r.config.epoch,
      lastLsn: f.lastLsn,
      lastEpoch: f.lastEpoch,
      checkpointVersion: f.checkpointVersion,
      keyCount: f.keyCount,
      memoryBytes: f.memoryBytes,
      role: r.role(),
      incarnation: r.incarnation,
    };
  }

  replica(): Replicator {
    if (this.status !== 'up' || !this.replicator) throw new PennError('unavailable', `${this.id} is ${this.status}`);
    return this.replicator;
  }

  /** A client call on the KeyValue service, as node.ts serves it on the primary (no forwarding here). */
  async client(op: ClientOp): Promise<ClientReply> {
    const r = this.replica();
    if (!r.isPrimary()) throw new PennError('unavailable', `${this.id} is not the primary`);
    switch (op.kind) {
      case 'get': {
        const value = await r.read((store) => store.get(op.row, op.column));
        return value === undefined ? { found: false } : { found: true, value: value.toString() };
      }
      case 'put':
        await r.write({ kind: 'put', row: op.row, column: op.column, value: Buffer.from(op.value) });
        return { ok: true };
      case 'cput': {
        const expect = op.expected === null ? { absent: true as const } : { value: Buffer.from(op.expected) };
        const { applied } = await r.write({ kind: 'put', row: op.row, column: op.column, value: Buffer.from(op.value), expect });
        return { applied };
      }
      case 'delete':
        return { existed: (await r.write({ kind: 'delete', row: op.row, column: op.column })).existed };
    }
  }

  // ---- This node's ports, bound to one incarnation ----

  private transport(inc: number): PeerTransport {
    const { net } = this.w;
    const timeout = this.w.config.timeouts.replicationMs;
    const call = <T>(peer: string, kind: string, ms: number, fn: (r: Replicator) => Promise<T>) =>
      net.call(this.id, inc, peer, kind, ms, () => fn(this.w.node(peer).replica()));
    const w = this.w;
    const self = this.id;
    return {
      probe: (peer, config) => call(peer, 'probe', timeout, (r) => r.onProbe(copyConfig(config))).then(copyPosition),
      truncate: (peer, config, afterLsn) => call(peer, 'truncate', timeout, (r) => r.onTruncate(copyConfig(config), afterLsn)).then(copyPosition),
      append: (peer, config, prevLsn, entries) =>
        call(peer, 'append', timeout, (r) => r.onAppend(copyConfig(config), prevLsn, entries.map(copyEntry))).then((x) => ({ durableLsn: x.durableLsn })),
      installSnapshot: (peer, config) => call(peer, 'installSnapshot', w.snapshotTimeoutMs, (r) => r.onInstallSnapshot(copyConfig(config))).then(copyPosition),
      checkpoint: (peer, config, version) => call(peer, 'checkpoint', w.snapshotTimeoutMs, (r) => r.onCheckpoint(copyConfig(config), version)),
      // A server stream: each chunk is one round trip here; a crash or cut of the primary ends it.
      readSnapshot: async function* (peer: string, epoch: number): AsyncIterable<SnapshotChunk> {
        let source: AsyncIterator<SnapshotChunk> | null = null;
        let sourceInc = 0;
        try {
          for (;;) {
            const next = await net.call(self, inc, peer, 'readSnapshot', w.snapshotTimeoutMs, () => {
              const node = w.node(peer);
              if (!source) {
                source = node.replica().readSnapshot(epoch, w.snapshotChunkBytes)[Symbol.asyncIterator]();
                sourceInc = node.incarnation;
              } else if (node.incarnation !== sourceInc) {
                throw new PennError('unavailable', `${peer} restarted during the snapshot stream`);
              }
              return source.next();
            });
            if (next.done) return;
            yield copyChunk(next.value);
          }
        } finally {
          const open = source as AsyncIterator<SnapshotChunk> | null;
          void open?.return?.()?.catch(() => {});
        }
      },
    };
  }

}

/** A copy of every field, whatever fields the config grows. */
export function copyConfig(c: GroupConfig): GroupConfig {
  return { ...c, inSync: [...c.inSync] };
}

function copyPosition(p: LogPosition): LogPosition {
  return { lastLsn: p.lastLsn, lastEpoch: p.lastEpoch, checkpointLsn: p.checkpointLsn, checkpointEpoch: p.checkpointEpoch };
}

function copyEntry(e: LogEntry): LogEntry {
  return e.kind === 'put' ? { ...e, value: Buffer.from(e.value) } : { ...e };
}

function copyChunk(c: SnapshotChunk): SnapshotChunk {
  return {
    ...(c.manifest ? { manifest: Buffer.from(c.manifest) } : {}),
    ...(c.file !== undefined ? { file: c.file, offset: c.offset } : {}),
    ...(c.data ? { data: Buffer.from(c.data) } : {}),
  };
}
