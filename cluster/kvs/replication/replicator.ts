// One node's part in its group's replication (cluster/REPLICATION.md). It knows the newest
// group config, and as primary it orders writes, streams them to every other member through a
// follower loop each, and acknowledges a write only when it is durable on itself and on every
// in-sync member, with a valid lease. As a backup it accepts a primary's messages only from the
// newest epoch it knows.
//
// Rules kept here, in the order they are used:
// - a write or read is answered only while the lease is valid, checked again before answering;
// - commit = min(local durable, every in-sync backup's durable lsn), frozen while a join is
//   pending, so a joining node holds every acknowledged write before it counts as in sync;
// - any epoch change restarts the follower loops, which match logs again before streaming.
import { randomBytes } from 'node:crypto';
import { PennError, isPennError } from '../../common/errors.ts';
import type { Logger } from '../../common/log.ts';
import type { LogEntry } from '../core/types.ts';
import type { Store, WriteOp } from '../io/store.ts';
import { Follower } from './follower.ts';
import type { Clock, CoordinatorPort, FollowerHost, GroupConfig, LogPosition, PeerTransport, SnapshotChunk } from './ports.ts';
import type { PrimaryLogView } from './sync-decision.ts';

export interface ReplicatorOptions {
  id: string;
  group: number;
  /** Every node of the group, this one included. */
  members: string[];
  store: Store;
  transport: PeerTransport;
  coordinator: CoordinatorPort;
  clock: Clock;
  log: Logger;
  leaseMs: number;
  checkpointEveryWrites: number;
  /** How long a client call waits for its write to commit before giving up (outcome unknown):
   *  `timeouts.commitMs`, shorter than the call that waits for it. */
  commitTimeoutMs: number;
  /** This process's incarnation; random unless a simulation fixes it. */
  incarnation?: string;
}

interface Waiter {
  lsn: number;
  /** clock time after which the caller hears "outcome unknown". */
  deadline: number;
  resolve: () => void;
  reject: (err: Error) => void;
}

/** A backup this close to the primary's last entry may join the in-sync set. */
const joinLagEntriesMax = 256;

/** Entries kept in memory for followers, beyond which they read the log file. */
const recentBytesMax = 64 * 1024 * 1024;

export class Replicator implements FollowerHost {
  config: GroupConfig;
  /**
   * New for every start and revive. The coordinator elects a primary as (node, incarnation): a
   * node that restarted may have lost unsynced entries its backups hold, so it must not lead in
   * the epoch it led before the crash.
   */
  readonly incarnation: string;
  private leaseUntil = 0;
  /** Rises each time this node starts or stops being primary, or the epoch changes. */
  private term = 0;
  private commitLsn = 0;
  private localDurable = 0;
  /** The last entry appended as primary, and whether a wait for its fsync is under way. */
  private durableWanted = 0;
  private durableWatching = false;
  private readonly acked = new Map<string, number>();
  private joinPending: string | null = null;
  private joinRequestId = 0;
  /** Client calls waiting for a commit, in arrival order (so by deadline, and nearly always by lsn). */
  private waiters: Waiter[] = [];
  private waitersByLsn = true;
  private sweeping = false;
  private recent: LogEntry[] = [];
  private recentBytes = 0;
  private newEntry: (() => void)[] = [];
  private writesSinceCheckpoint = 0;
  private checkpointing = false;
  private stopped = false;
  private appendChain: Promise<unknown> = Promise.resolve();

  constructor(readonly o: ReplicatorOptions) {
    this.config = { group: o.group, epoch: 0, primary: '', inSync: [], primaryIncarnation: '' };
    this.incarnation = o.incarnation ?? randomBytes(8).toString('hex');
  }

  get store(): Store {
    return this.o.store;
  }

  isPrimary(): boolean {
    return !this.stopped && this.leads(this.config);
  }

  private leads(config: GroupConfig): boolean {
    return config.primary === this.o.id && config.primaryIncarnation === this.incarnation;
  }

  role(): 'primary' | 'backup' | 'out-of-sync' | 'none' {
    if (this.isPrimary()) return 'primary';
    if (this.config.inSync.includes(this.o.id)) return 'backup';
    return this.config.epoch === 0 ? 'none' : 'out-of-sync';
  }

  leaseValid(): boolean {
    return this.o.clock.now() < this.leaseUntil;
  }

  stop(): void {
    this.stopped = true;
    this.term++;
    this.failWaiters(new PennError('unavailable', `${this.o.id} stopped`));
    this.wakeFollowers();
  }

  // ---- Config ----

  /** Takes a config newer than the one known; older or equal ones are ignored. */
  adoptConfig(next: GroupConfig): void {
    if (this.stopped || next.epoch <= this.config.epoch) return;
    const prev = this.config;
    this.config = next;
    const wasPrimary = this.leads(prev);
    const isPrimary = this.leads(next);
    this.o.log.info(`${this.o.id} at epoch ${next.epoch}: primary ${next.primary || 'none'}, in sync ${next.inSync.join(',')}`, {
      epoch: next.epoch,
    });
    this.term++;
    if (this.joinPending && next.inSync.includes(this.joinPending)) this.joinPending = null;
    if (isPrimary && !wasPrimary) this.becomePrimary();
    else if (!isPrimary && wasPrimary) this.stepDown();
    if (isPrimary) this.startFollowers();
  }

  /**
   * Inside a queued backup call: the config may have changed while it waited its turn (a new
   * epoch, or this node elected); a message from the old one must not touch the log now.
   */
  private stillCurrent(config: GroupConfig): void {
    if (this.stopped || config.epoch !== this.config.epoch || this.isPrimary()) {
      throw new PennError('failed_precondition', `stale epoch ${config.epoch}: ${this.o.id} moved on to epoch ${this.config.epoch}`);
    }
  }

  /** A message from a primary: refused when older than what this node knows. */
  accept(config: GroupConfig): void {
    if (this.stopped) throw new PennError('unavailable', `${this.o.id} is not serving`);
    if (config.epoch < this.config.epoch) {
      throw new PennError('failed_precondition', `stale epoch ${config.epoch}: ${this.o.id} is at epoch ${this.config.epoch}`);
    }
    this.adoptConfig(config);
    if (this.isPrimary()) throw new PennError('failed_precondition', `${this.o.id} is the primary of epoch ${config.epoch}`);
  }

  private becomePrimary(): void {
    this.leaseUntil = 0;
    this.commitLsn = 0;
    this.acked.clear();
    this.recent = [];
    this.recentBytes = 0;
    this.localDurable = this.store.figures().durableLsn;
    this.durableWanted = 0;
    this.writesSinceCheckpoint = 0;
    void this.leaseLoop(this.term);
    // Entries from the old primary may still be landing (an Append accepted just before the
    // election) or be in the log but not yet fsync'd: count them once they are durable, or
    // reads would wait forever on entries nothing else would mark durable.
    const term = this.term;
    void this.serial(async () => {
      const last = this.store.figures().lastLsn;
      await this.store.waitDurable(last);
      if (this.term !== term) return;
      this.localDurable = Math.max(this.localDurable, last);
      this.recompute();
    }).catch(() => {});
  }

  private stepDown(): void {
    this.leaseUntil = 0;
    this.joinPending = null;
    this.failWaiters(new PennError('unavailable', `${this.o.id} is no longer the primary`));
  }

  private startFollowers(): void {
    const term = this.term;
    for (const peer of this.o.members) {
      if (peer !== this.o.id) void new Follower(this, peer, term).run();
    }
    this.recompute();
  }

  // ---- Lease ----

  private async leaseLoop(term: number): Promise<void> {
    const every = Math.max(10, Math.floor(this.o.leaseMs / 3));
    while (this.isPrimary() && this.term >= term) {
      const asked = this.o.clock.now();
      try {
        const reply = await this.o.coordinator.renewLease(this.o.group, this.config.epoch, this.o.id);
        // Counted from before the request: the coordinator's grant is later, so the
        // coordinator can be sure this lease is over once its own record + leaseMs passes.
        if (reply.granted && reply.config.epoch === this.config.epoch) this.leaseUntil = asked + this.o.leaseMs;
        this.adoptConfig(reply.config);
      } catch (err) {
        this.o.log.debug('lease renewal failed', { err });
      }
      // Every `every` ms from one ask to the next, however long the call took: a renewal that
      // waited out a coordinator election must not delay the next one by a whole period more.
      await this.o.clock.sleep(Math.max(0, every - (this.o.clock.now() - asked)));
    }
  }

  // ---- Client calls (primary) ----

  requireServing(): void {
    if (!this.isPrimary()) {
      throw new PennError('unavailable', `${this.o.id} is not the primary of group ${this.o.group}`);
    }
    if (!this.leaseValid()) throw new PennError('unavailable', `${this.o.id} holds no lease; try again`);
  }

  async write(op: WriteOp): Promise<{ applied: boolean; existed: boolean }> {
    const { applied, existed } = await this.writeAll([op]);
    return { applied, existed: existed[0] === true };
  }

  /** Writes that apply all or none (Store.proposeAll), acknowledged as one write is. */
  async writeAll(ops: readonly WriteOp[]): Promise<{ applied: boolean; existed: boolean[] }> {
    this.requireServing();
    let proposed: Awaited<ReturnType<Store['proposeAll']>>;
    try {
      proposed = await this.store.proposeAll(this.config.epoch, ops);
      if (proposed.entries) this.appended(proposed.entries);
    } finally {
      // Proposals that arrived together (a Batch) go to the log and to the backups together:
      // once the last of them is applied, one fsync and one Append per backup carry them all.
      if (this.store.proposing === 0) {
        if (this.durableWanted > this.localDurable) this.watchLocalDurable(this.durableWanted);
        this.wakeFollowers();
      }
    }
    const { entries, existed } = proposed;
    await this.waitCommitted(entries ? (entries.at(-1) as LogEntry).lsn : this.store.lastLsn);
    if (!this.leaseValid()) throw new PennError('unavailable', 'lease expired before the write was acknowledged; its outcome is unknown');
    if (entries) {
      this.writesSinceCheckpoint += entries.length;
      if (this.writesSinceCheckpoint >= this.o.checkpointEveryWrites) void this.checkpointGroup();
    }
    return { applied: entries !== null, existed };
  }

  async read<T>(fn: (store: Store) => Promise<T>): Promise<T> {
    this.requireServing();
    const value = await fn(this.store);
    await this.waitCommitted(this.store.lastLsn);
    if (!this.leaseValid()) throw new PennError('unavailable', 'lease expired during the read; try again');
    return value;
  }

  private appended(entries: LogEntry[]): void {
    for (const e of entries) {
      this.recent.push(e);
      this.recentBytes += entryBytes(e);
    }
    while (this.recentBytes > recentBytesMax && this.recent.length > 1) this.recentBytes -= entryBytes(this.recent.shift()!);
    this.durableWanted = Math.max(this.durableWanted, entries.at(-1)!.lsn);
  }

  /**
   * Counts entries through lsn as durable here once the log is fsync'd through them. One watch at
   * a time, for the last entry appended meanwhile: a group commit of n writes then advances the
   * commit point once, not n times.
   */
  private watchLocalDurable(lsn: number): void {
    this.durableWanted = Math.max(this.durableWanted, lsn);
    if (this.durableWatching) return;
    this.durableWatching = true;
    const last = this.durableWanted;
    const term = this.term;
    this.store.waitDurable(last).then(
      () => {
        this.durableWatching = false;
        if (this.term !== term && !this.isPrimary()) return;
        this.localDurable = Math.max(this.localDurable, last);
        this.recompute();
        if (this.durableWanted > last) this.watchLocalDurable(this.durableWanted);
      },
      () => {
        this.durableWatching = false;
      },
    );
  }

  private waitCommitted(lsn: number): Promise<void> {
    if (lsn <= this.commitLsn) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const last = this.waiters.at(-1);
      if (last && last.lsn > lsn) this.waitersByLsn = false;
      this.waiters.push({ lsn, deadline: this.o.clock.now() + this.commitTimeoutMs(), resolve, reject });
      void this.sweepWaiters();
    });
  }

  private commitTimeoutMs(): number {
    return this.o.commitTimeoutMs;
  }

  /**
   * Fails waiters whose commit took longer than commitTimeoutMs. One timer for all of them, not
   * one per call: deadlines rise in arrival order, so it sleeps until the oldest's.
   */
  private async sweepWaiters(): Promise<void> {
    if (this.sweeping) return;
    this.sweeping = true;
    try {
      while (this.waiters.length > 0) {
        const first = this.waiters[0]!;
        const now = this.o.clock.now();
        if (first.deadline > now) {
          await this.o.clock.sleep(first.deadline - now);
          continue;
        }
        let expired = 0;
        while (expired < this.waiters.length && this.waiters[expired]!.deadline <= now) expired++;
        const late = this.waiters.splice(0, expired);
        const err = new PennError('unavailable', `write not replicated within ${this.commitTimeoutMs()} ms; its outcome is unknown`);
        late.forEach((w) => w.reject(err));
      }
    } finally {
      this.sweeping = false;
    }
  }

  /** Advances the commit point: durable here and on every in-sync backup, unless a join is pending. */
  recompute(): void {
    if (!this.isPrimary() || this.joinPending) return;
    let commit = this.localDurable;
    for (const member of this.config.inSync) {
      if (member !== this.o.id) commit = Math.min(commit, this.acked.get(member) ?? 0);
    }
    if (commit <= this.commitLsn) return;
    this.commitLsn = commit;
    let ready: Waiter[];
    if (this.waitersByLsn) {
      let n = 0;
      while (n < this.waiters.length && this.waiters[n]!.lsn <= commit) n++;
      ready = this.waiters.splice(0, n);
    } else {
      ready = this.waiters.filter((w) => w.lsn <= commit);
      this.waiters = this.waiters.filter((w) => w.lsn > commit);
      this.waitersByLsn = this.waiters.every((w, i) => i === 0 || this.waiters[i - 1]!.lsn <= w.lsn);
    }
    ready.forEach((w) => w.resolve());
    // Entries every follower has no longer need to stay in memory.
    const needed = Math.min(...this.o.members.filter((m) => m !== this.o.id).map((m) => this.acked.get(m) ?? 0));
    while (this.recent.length > 0 && this.recent[0]!.lsn <= needed) this.recentBytes -= entryBytes(this.recent.shift()!);
  }

  private failWaiters(err: Error): void {
    const waiters = this.waiters;
    this.waiters = [];
    this.waitersByLsn = true;
    waiters.forEach((w) => w.reject(err));
  }

  // ---- Used by the follower loops (FollowerHost) ----

  get transport(): PeerTransport {
    return this.o.transport;
  }

  get clock(): Clock {
    return this.o.clock;
  }

  get log(): Logger {
    return this.o.log;
  }

  /** What matching a backup's log needs to know of this one (sync-decision.ts). */
  logView(): PrimaryLogView {
    const store = this.store;
    const f = store.figures();
    return {
      lastLsn: f.lastLsn,
      checkpointLsn: f.checkpointLsn,
      checkpointEpoch: f.checkpointEpoch,
      epochAt: (lsn) => store.epochAt(lsn),
      lastLsnWithEpochAtMost: (epoch) => store.lastLsnWithEpochAtMost(epoch),
    };
  }

  currentTerm(): number {
    return this.term;
  }

  ackedBy(peer: string, lsn: number): void {
    this.acked.set(peer, Math.max(this.acked.get(peer) ?? 0, lsn));
    this.recompute();
  }

  resetAck(peer: string, lsn: number): void {
    this.acked.set(peer, lsn);
    this.recompute();
  }

  /** Entries after lsn: from memory when it has them, else from the log file. */
  async entriesAfter(lsn: number, bytesMax: number): Promise<LogEntry[] | 'checkpointed'> {
    const first = this.recent[0];
    if (first && first.lsn <= lsn + 1) {
      const out: LogEntry[] = [];
      let bytes = 0;
      for (let i = lsn + 1 - first.lsn; i < this.recent.length && (out.length === 0 || bytes < bytesMax); i++) {
        const e = this.recent[i]!;
        out.push(e);
        bytes += entryBytes(e);
      }
      return out;
    }
    return this.store.readLog(lsn, bytesMax);
  }

  /** Resolves when an entry after lsn exists or after waitMs. */
  async waitForEntryAfter(lsn: number, waitMs: number): Promise<void> {
    if (this.store.lastLsn > lsn || !this.isPrimary()) return;
    await Promise.race([new Promise<void>((resolve) => this.newEntry.push(resolve)), this.o.clock.sleep(waitMs)]);
  }

  private wakeFollowers(): void {
    const waiting = this.newEntry;
    this.newEntry = [];
    waiting.forEach((wake) => wake());
  }

  /**
   * A backup outside the in-sync set has caught up: freeze commits, ask the coordinator, and
   * keep them frozen until the answer is definite. A RequestJoin that timed out may still be
   * applied, so only a reply, or a config newer than the one asked from, ends the freeze
   * (each retry carries a newer id; the coordinator refuses ids older than one it answered).
   */
  async maybeJoin(peer: string, ackedLsn: number): Promise<void> {
    if (this.joinPending || this.config.inSync.includes(peer) || !this.isPrimary()) return;
    // Safety needs only that the node holds everything acknowledged so far (commits freeze until
    // the coordinator answers); the lag bound keeps the frozen time short. Under steady writes
    // the node may never be exactly at the tail, so that cannot be the condition.
    if (ackedLsn < this.commitLsn || this.store.lastLsn - ackedLsn > joinLagEntriesMax) return;
    this.joinPending = peer;
    const term = this.term;
    const epoch = this.config.epoch;
    try {
      for (let attempt = 1; this.term === term && this.isPrimary(); attempt++) {
        try {
          const config = await this.o.coordinator.requestJoin({
            group: this.o.group,
            epoch,
            primary: this.o.id,
            node: peer,
            lsn: ackedLsn,
            requestId: ++this.joinRequestId,
          });
          if (config.inSync.includes(peer)) this.o.log.info(`${peer} caught up at lsn ${ackedLsn} and rejoined group ${this.o.group}`);
          this.adoptConfig(config);
          return;
        } catch (err) {
          if (isPennError(err, 'failed_precondition') || isPennError(err, 'invalid_argument')) {
            // A definite no (stale epoch or request, node down): take the current config and stop.
            this.o.log.warn(`join of ${peer} refused: ${(err as Error).message}`);
            await this.refreshConfig();
            return;
          }
          // No answer: it may yet apply. Stay frozen and ask again.
          await this.o.clock.sleep(Math.min(50 * attempt, 500));
        }
      }
    } finally {
      if (this.joinPending === peer) this.joinPending = null;
      this.recompute();
    }
  }

  /** An in-sync backup did not take a write: ask the coordinator to drop it. */
  async reportFailure(peer: string, err: unknown): Promise<void> {
    if (!this.isPrimary() || !this.config.inSync.includes(peer)) return;
    this.o.log.warn(`${peer} failed to replicate; asking to drop it from the in-sync set`, {
      err: err instanceof Error ? err.message : String(err),
    });
    try {
      const config = await this.o.coordinator.reportFailure({
        group: this.o.group,
        epoch: this.config.epoch,
        primary: this.o.id,
        node: peer,
        lsn: 0,
      });
      this.adoptConfig(config);
    } catch (e) {
      // Perhaps our config is old: fetch the current one and let the loops go on from there.
      await this.refreshConfig();
      this.o.log.debug('failure report refused', { err: e });
    }
  }

  async refreshConfig(): Promise<void> {
    try {
      this.adoptConfig(await this.o.coordinator.getConfig(this.o.group));
    } catch (err) {
      this.o.log.debug('config refresh failed', { err });
    }
  }

  /** The primary checkpoints and has every in-sync backup checkpoint at the same version. */
  private async checkpointGroup(): Promise<void> {
    if (this.checkpointing) return;
    this.checkpointing = true;
    this.writesSinceCheckpoint = 0;
    try {
      const version = this.store.figures().checkpointVersion + 1;
      await this.store.checkpoint(version);
      const config = this.config;
      await Promise.allSettled(
        config.inSync.filter((m) => m !== this.o.id).map((peer) => this.o.transport.checkpoint(peer, config, version)),
      );
      this.o.log.info(`group ${this.o.group} checkpoint v${version}`);
    } catch (err) {
      this.o.log.warn('checkpoint failed', { err });
    } finally {
      this.checkpointing = false;
    }
  }

  // ---- Backup side: calls from the primary ----

  async position(): Promise<LogPosition> {
    const f = this.store.figures();
    await this.store.waitDurable(f.lastLsn);
    return { lastLsn: f.lastLsn, lastEpoch: f.lastEpoch, checkpointLsn: f.checkpointLsn, checkpointEpoch: f.checkpointEpoch };
  }

  async onProbe(config: GroupConfig): Promise<LogPosition> {
    this.accept(config);
    return this.serial(() => this.position());
  }

  async onTruncate(config: GroupConfig, afterLsn: number): Promise<LogPosition> {
    this.accept(config);
    return this.serial(async () => {
      this.stillCurrent(config);
      await this.store.truncateLogAfter(afterLsn);
      this.o.log.warn(`${this.o.id} dropped its log after lsn ${afterLsn}: the primary lacks it`);
      return this.position();
    });
  }

  async onAppend(config: GroupConfig, prevLsn: number, entries: LogEntry[]): Promise<{ durableLsn: number }> {
    this.accept(config);
    return this.serial(async () => {
      this.stillCurrent(config);
      const last = this.store.lastLsn;
      if (prevLsn > last) throw new PennError('failed_precondition', `gap: ${this.o.id} has lsn ${last}, entries start after ${prevLsn}`);
      const fresh = entries.filter((e) => e.lsn > last);
      if (fresh.length > 0) await this.store.appendEntries(fresh);
      const durable = entries.at(-1)?.lsn ?? last;
      await this.store.waitDurable(durable);
      return { durableLsn: durable };
    });
  }

  async onInstallSnapshot(config: GroupConfig): Promise<LogPosition> {
    this.accept(config);
    return this.serial(async () => {
      this.stillCurrent(config);
      const chunks = this.o.transport.readSnapshot(config.primary, config.epoch)[Symbol.asyncIterator]();
      const first = await chunks.next();
      const manifest = first.done ? undefined : first.value.manifest;
      if (!manifest || manifest.length === 0) throw new PennError('internal', 'snapshot stream did not start with a manifest');
      let pending: SnapshotChunk | null = null;
      const fetch = async function* (file: string): AsyncIterable<Buffer> {
        for (;;) {
          const chunk = pending ?? (await chunks.next()).value;
          pending = null;
          if (!chunk || chunk.file !== file) {
            pending = chunk ?? null;
            return;
          }
          if (chunk.data && chunk.data.length > 0) yield chunk.data;
        }
      };
      await this.store.installSnapshot(manifest, fetch);
      this.o.log.warn(`${this.o.id} installed the primary's checkpoint at lsn ${this.store.figures().lastLsn}`);
      return this.position();
    });
  }

  async onCheckpoint(config: GroupConfig, version: number): Promise<void> {
    this.accept(config);
    await this.serial(async () => {
      this.stillCurrent(config);
      await this.store.checkpoint(version);
    });
  }

  /** The primary's side of ReadSnapshot: its checkpoint, manifest first, then each file in order. */
  async *readSnapshot(epoch: number, chunkBytes = 1024 * 1024): AsyncIterable<SnapshotChunk> {
    if (!this.isPrimary() || epoch !== this.config.epoch) {
      throw new PennError('failed_precondition', `${this.o.id} is not the primary of epoch ${epoch}`);
    }
    const snapshot = this.store.snapshot();
    try {
      yield { manifest: snapshot.manifest };
      for (const file of snapshot.files) {
        for (let offset = 0; ; offset += chunkBytes) {
          const data = await this.store.readSnapshotFile(file, offset, chunkBytes);
          if (data.length > 0) yield { file, offset, data };
          if (data.length < chunkBytes) break;
        }
      }
    } finally {
      snapshot.release();
    }
  }

  /** Backup calls run one at a time, in arrival order. */
  private serial<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.appendChain.then(fn, fn);
    this.appendChain = run.catch(() => {});
    return run;
  }
}

function entryBytes(e: LogEntry): number {
  return 64 + e.row.length + e.column.length + (e.kind === 'put' ? e.value.length : 0);
}
