// One storage node: validates every call, then either serves it (standalone, or as its group's
// primary through the replicator) or passes it to the primary. Halt drops everything in memory
// as a crash would; Revive recovers from disk and rejoins through the primary.
import path from 'node:path';
import type { Config, NodeRef } from '../../common/config.ts';
import { groupNodes, groupOfRow, nodeRef } from '../../common/config.ts';
import { PennError } from '../../common/errors.ts';
import type { Logger } from '../../common/log.ts';
import { NodeClient } from '../client.ts';
import type { ColumnPage, ColumnValuePage } from '../core/column-page.ts';
import { cputAllCellsMax, namesEachCellOnce, type CPutCell } from '../core/batch.ts';
import type { LogEntry, NodeState, NodeStatusFigures, ScanPage } from '../core/types.ts';
import {
  checkColumn,
  checkColumnPage,
  checkRow,
  checkScanLimit,
  checkValue,
  type ColumnPageRequest,
  type KeyLimits,
} from '../core/validate.ts';
import { realClock, type CoordinatorPort, type GroupConfig } from '../replication/ports.ts';
import { Replicator } from '../replication/replicator.ts';
import type { FileSystem } from '../../common/files.ts';
import { GrpcPeerTransport } from './peer-transport.ts';
import { Store, type WriteOp } from './store.ts';

export interface NodeDeps {
  /** The coordinator, for a replicated node; none for a standalone one. */
  coordinator?: CoordinatorPort;
  fs?: FileSystem;
  onFatal?: (err: Error) => void;
}

export class KvsNode {
  private store: Store | null = null;
  replicator: Replicator | null = null;
  private transport: GrpcPeerTransport | null = null;
  private state: NodeState = 'recovering';
  private readonly limits: KeyLimits;
  private readonly forwarders = new Map<string, NodeClient>();
  readonly dir: string;

  constructor(
    readonly ref: NodeRef,
    private readonly config: Readonly<Config>,
    private readonly log: Logger,
    private readonly deps: NodeDeps = {},
  ) {
    this.limits = config.kvs;
    this.dir = KvsNode.dirOf(config, ref.id);
  }

  /** Where node `id` keeps its log, checkpoints and tablets. */
  static dirOf(config: Readonly<Config>, id: string): string {
    return path.join(config.dataDir, 'kvs', id);
  }

  get standalone(): boolean {
    return this.deps.coordinator === undefined;
  }

  async start(): Promise<void> {
    this.state = 'recovering';
    const k = this.config.kvs;
    const store = await Store.open({
      dir: this.dir,
      fs: this.deps.fs,
      log: this.log,
      memoryBytesMax: k.memoryBytesMax,
      tabletBytesMax: k.tabletBytesMax,
      checkpointEveryWrites: k.checkpointEveryWrites,
      autoCheckpoint: this.standalone,
      recordBytesMax: k.valueBytesMax + k.rowBytesMax + k.columnBytesMax + 64,
      pendingWritesMax: k.pendingWritesMax,
      onFatal: (err) => this.deps.onFatal?.(err),
    });
    if (this.deps.coordinator) {
      this.transport = new GrpcPeerTransport(this.config, this.config.timeouts.replicationMs);
      this.replicator = new Replicator({
        id: this.ref.id,
        group: this.ref.group,
        members: groupNodes(this.config, this.ref.group).map((n) => n.id),
        store,
        transport: this.transport,
        coordinator: this.deps.coordinator,
        clock: realClock,
        log: this.log,
        leaseMs: this.config.coordinator.leaseMs,
        checkpointEveryWrites: k.checkpointEveryWrites,
        commitTimeoutMs: this.config.timeouts.commitMs,
      });
    }
    this.store = store;
    this.state = 'up';
    const f = store.figures();
    this.log.info(`${this.ref.id} is up`, { lsn: f.lastLsn, checkpointVersion: f.checkpointVersion, keys: f.keyCount });
  }

  // ---- The public API ----

  async get(row: unknown, column: unknown, forwarded = false): Promise<Buffer | undefined> {
    const r = this.routeRow(row, forwarded);
    const c = checkColumn(column, this.limits);
    if (r.forwardTo) return r.forwardTo.get(r.row, c);
    return this.read((store) => store.get(r.row, c));
  }

  async put(row: unknown, column: unknown, value: unknown, forwarded = false): Promise<void> {
    const r = this.routeRow(row, forwarded);
    const op: WriteOp = { kind: 'put', row: r.row, column: checkColumn(column, this.limits), value: checkValue('value', value, this.limits) };
    if (r.forwardTo) return r.forwardTo.put(op.row, op.column, op.value);
    await this.write(op);
  }

  async cput(row: unknown, column: unknown, expected: unknown, value: unknown, expectAbsent: boolean, forwarded = false): Promise<boolean> {
    const r = this.routeRow(row, forwarded);
    const c = checkColumn(column, this.limits);
    const v = checkValue('value', value, this.limits);
    const e = expectAbsent ? null : checkValue('expected', expected, this.limits);
    if (r.forwardTo) return r.forwardTo.cput(r.row, c, e, v);
    const op: WriteOp = { kind: 'put', row: r.row, column: c, value: v, expect: e === null ? { absent: true } : { value: e } };
    return (await this.write(op)).applied;
  }

  /**
   * CPuts on rows of one group, all applied or none (proto/kvs.proto, CPutAllRequest): at most
   * cputAllCellsMax, each cell once. Routed as one write: the primary decides them together.
   */
  async cputAll(cputs: readonly CPutCell[], forwarded = false): Promise<boolean> {
    if (cputs.length === 0 || cputs.length > cputAllCellsMax) throw new PennError('invalid_argument', `a CPutAll holds 1 to ${cputAllCellsMax} cells; this one holds ${cputs.length}`);
    const ops: (WriteOp & { kind: 'put' })[] = cputs.map((c) => ({
      kind: 'put',
      row: checkRow(c.row, this.limits),
      column: checkColumn(c.column, this.limits),
      value: checkValue('value', c.value, this.limits),
      expect: c.expected === null ? { absent: true } : { value: checkValue('expected', c.expected, this.limits) },
    }));
    if (!namesEachCellOnce(ops)) throw new PennError('invalid_argument', 'a CPutAll may name a cell only once');
    const first = ops[0] as WriteOp;
    if (ops.some((op) => groupOfRow(this.config, op.row) !== groupOfRow(this.config, first.row))) {
      throw new PennError('invalid_argument', 'the rows of a CPutAll must belong to one group');
    }
    const r = this.routeRow(first.row, forwarded);
    if (r.forwardTo) return r.forwardTo.cputAll(cputs);
    return (await this.writeAll(ops)).applied;
  }

  async delete(row: unknown, column: unknown, forwarded = false): Promise<boolean> {
    const r = this.routeRow(row, forwarded);
    const c = checkColumn(column, this.limits);
    if (r.forwardTo) return r.forwardTo.delete(r.row, c);
    return (await this.write({ kind: 'delete', row: r.row, column: c })).existed;
  }

  /**
   * One page of a row's columns, capped by kvs.listColumnsMax and kvs.listColumnsBytesMax, or,
   * with values, kvs.listValuesBytesMax. Routed and read as a Get is: on the primary, once what
   * it has applied is committed, so a page with values shows every acknowledged write.
   */
  async listColumnsPage(row: unknown, request: ColumnPageRequest, forwarded = false): Promise<ColumnPage | ColumnValuePage> {
    const r = this.routeRow(row, forwarded);
    const query = checkColumnPage(request, this.config.kvs);
    if (r.forwardTo) return r.forwardTo.listColumnsPage(r.row, query);
    return this.read((store) => store.listColumnsPage(r.row, query));
  }

  /** The rows this node holds: the admin console's raw view of one node, served locally. */
  async scanRows(afterRow: unknown, limit: unknown): Promise<ScanPage> {
    if (typeof afterRow !== 'string') throw new PennError('invalid_argument', 'after_row must be a string');
    const store = this.serving();
    return store.scanRows(afterRow, checkScanLimit(limit, this.config.kvs.scanRowsMax));
  }

  // ---- Admin ----

  /** Acts as a crash: stop serving, drop memory, keep the disk. */
  async halt(): Promise<void> {
    if (this.state === 'halted') return;
    const store = this.store;
    this.replicator?.stop();
    this.transport?.close();
    this.store = null;
    this.replicator = null;
    this.state = 'halted';
    await store?.abandon();
    this.log.warn(`${this.ref.id} halted`);
  }

  async revive(): Promise<void> {
    if (this.state !== 'halted') return;
    await this.start();
  }

  /** Clean shutdown: checkpoint and close. */
  async close(): Promise<void> {
    const store = this.store;
    this.replicator?.stop();
    this.transport?.close();
    this.store = null;
    this.state = 'halted';
    await store?.close();
    for (const client of this.forwarders.values()) client.close();
  }

  /** A heartbeat from the coordinator: take its config when it carries a newer one. */
  heartbeat(config: GroupConfig | null): NodeStatusFigures {
    if (config && config.group === this.ref.group) this.replicator?.adoptConfig(config);
    return this.status();
  }

  status(): NodeStatusFigures {
    const f = this.store?.figures();
    const role = !this.store ? 'none' : this.replicator ? this.replicator.role() : 'standalone';
    return {
      nodeId: this.ref.id,
      group: this.ref.group,
      state: this.state,
      role,
      epoch: this.replicator?.config.epoch ?? 0,
      lastLsn: f?.lastLsn ?? 0,
      lastEpoch: f?.lastEpoch ?? 0,
      checkpointVersion: f?.checkpointVersion ?? 0,
      keyCount: f?.keyCount ?? 0,
      memoryBytes: f?.memoryBytes ?? 0,
      rssBytes: process.memoryUsage.rss(),
      logFsyncs: f?.logFsyncs ?? 0,
      logEntriesSynced: f?.logEntriesSynced ?? 0,
      incarnation: this.replicator?.incarnation ?? '',
    };
  }

  /**
   * A replication message's config, from a peer whose certificate names it the primary: believed
   * only if it is the config this node knows for that epoch, or, for a newer epoch than this node
   * has heard of, the one the coordinator confirms. A node's certificate alone must not make it
   * a primary (it could empty a backup's log or move a backup to an epoch no one else has).
   */
  async checkPeerConfig(config: GroupConfig): Promise<void> {
    const known = this.replica().config;
    if (config.epoch < known.epoch) return; // the replicator refuses a stale epoch itself
    if (config.epoch === known.epoch) {
      if (config.primary !== known.primary) {
        throw new PennError('permission_denied', `epoch ${config.epoch}'s primary is ${known.primary || 'none'}, not ${config.primary}`);
      }
      return;
    }
    const current = await this.deps.coordinator!.getConfig(config.group);
    if (current.epoch > config.epoch) throw new PennError('failed_precondition', `stale epoch ${config.epoch}: the coordinator is at epoch ${current.epoch}`);
    if (current.epoch < config.epoch || current.primary !== config.primary) {
      throw new PennError('permission_denied', `epoch ${config.epoch} with primary ${config.primary || 'none'} is not the coordinator's (epoch ${current.epoch}, primary ${current.primary || 'none'})`);
    }
  }

  /** The replicator of a serving node, for the replica service. */
  replica(): Replicator {
    this.serving();
    if (!this.replicator) throw new PennError('failed_precondition', `${this.ref.id} runs standalone`);
    return this.replicator;
  }

  // ---- Routing ----

  private serving(): Store {
    if (this.state !== 'up' || !this.store) throw new PennError('unavailable', `${this.ref.id} is ${this.state}`);
    return this.store;
  }

  /**
   * Checks the row belongs here, and says whether the primary must serve it instead. A call
   * another node forwarded is never forwarded again: no loops while configs change.
   */
  private routeRow(row: unknown, forwarded: boolean): { row: string; forwardTo?: NodeClient } {
    const checked = checkRow(row, this.limits);
    const group = groupOfRow(this.config, checked);
    if (group !== this.ref.group) {
      throw new PennError('failed_precondition', `row "${checked}" belongs to group ${group}, not to ${this.ref.id}: ask the coordinator`);
    }
    this.serving();
    const r = this.replicator;
    if (!r || r.isPrimary()) return { row: checked };
    if (forwarded) throw new PennError('unavailable', `${this.ref.id} is not the primary of group ${group}`);
    const primary = r.config.primary;
    if (!primary) throw new PennError('unavailable', `group ${group} has no primary: its in-sync replicas are down`);
    return { row: checked, forwardTo: this.forwarder(primary) };
  }

  private forwarder(primary: string): NodeClient {
    let client = this.forwarders.get(primary);
    if (!client) {
      // Calls passed on in the same turn go to the primary as one Batch, as a cluster client's do.
      const batch = { opsMax: this.config.kvs.batchOpsMax, bytesMax: this.config.kvs.batchBytesMax };
      client = new NodeClient(this.config, nodeRef(this.config, primary).address, this.config.timeouts.forwardMs, { forwarded: true, batch });
      this.forwarders.set(primary, client);
    }
    return client;
  }

  private async read<T>(fn: (store: Store) => Promise<T>): Promise<T> {
    const store = this.serving();
    if (this.replicator) return this.replicator.read(fn);
    const value = await fn(store);
    // Never show a write that is not durable yet: wait for the log through what was applied.
    await store.waitDurable(store.lastLsn);
    return value;
  }

  private async write(op: WriteOp): Promise<{ applied: boolean; existed: boolean }> {
    const { applied, existed } = await this.writeAll([op]);
    return { applied, existed: existed[0] === true };
  }

  private async writeAll(ops: readonly WriteOp[]): Promise<{ applied: boolean; existed: boolean[] }> {
    const store = this.serving();
    if (this.replicator) return this.replicator.writeAll(ops);
    const { entries, existed } = await store.proposeAll(0, ops);
    await store.waitDurable(entries ? (entries.at(-1) as LogEntry).lsn : store.lastLsn);
    return { applied: entries !== null, existed };
  }
}
