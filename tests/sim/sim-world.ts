// One replication group of three nodes (cluster/REPLICATION.md), the coordinator group of three
// members (sim-coordinators.ts) and the clients in one process, on fake time (sim-scheduler.ts,
// each machine's clock drifting at its own rate, sim-clock.ts), a fake network (sim-network.ts)
// and fake disks that lose what was not fsync'd (sim-disk.ts). Every source of randomness is a seeded stream
// derived from the world's seed, and nothing in the world reads the real clock, so a seed replays
// the same run: same messages, same crashes, same trace hash.
//
// Invariants checked while the world runs (a violation is recorded with the fake time):
// - at any quiet instant at most one node is primary with a valid lease;
// - each epoch has one config, the coordinator group commits it before anyone adopts it, and at
//   most one process (node and incarnation) ever leads in an epoch;
// - the coordinator group's own invariants (sim-raft-checks.ts): one leader per term, one entry
//   per index, committed entries kept on a majority of disks;
// - no handler throws anything but a PennError (an assertion in the store would).
// The checks after healing (replicas equal, history linearizable) are in sim-checks.ts.
import { parseConfig, type Config } from '../../cluster/common/config.ts';
import type { Logger } from '../../cluster/common/log.ts';
import { seededRandom } from '../../cluster/common/random.ts';
import type { GroupConfig } from '../../cluster/coordinator/core/types.ts';
import type { Operation } from '../lib/linearizability.ts';
import { initialGroups } from '../../cluster/coordinator/core/membership.ts';
import { ProcessClock } from './sim-clock.ts';
import { SimCoordinators, show } from './sim-coordinators.ts';
import { SimNetwork } from './sim-network.ts';
import { SimNode, type ClientOp, type ClientReply } from './sim-node.ts';
import { RaftChecks } from './sim-raft-checks.ts';
import { SimScheduler } from './sim-scheduler.ts';
import { Trace, traceLogger } from './sim-trace.ts';
import { SimClient, type ClientWorld } from './sim-workload.ts';

export interface WorldOptions {
  seed: number;
  /** The primary checkpoints the group after this many writes (small: snapshots get exercised). */
  checkpointEveryWrites?: number;
  /** Upper bound of an fsync's usual fake latency, ms. */
  fsyncMsMax?: number;
  keys?: number;
  clients?: number;
  /** Clock rate per machine (a node or coordinator member id); 1 when absent. */
  clockRates?: Record<string, number>;
  /** The coordinator members compact their logs after this many entries. */
  raftSnapshotEveryEntries?: number;
  /** Every trace line, as it happens (SIM_TRACE). */
  echo?: (line: string) => void;
}

const violationsMax = 20;

/** Independent seeded streams, so drawing more of one does not shift the others. */
export function stream(seed: number, purpose: number): () => number {
  return seededRandom((Math.imul(seed ^ 0x5bd1e995, 0x9e3779b1) + Math.imul(purpose, 0x85ebca6b)) >>> 0);
}

export class SimWorld implements ClientWorld {
  readonly clock = new SimScheduler();
  readonly trace: Trace;
  readonly net: SimNetwork;
  readonly coordinator: SimCoordinators;
  readonly raftChecks: RaftChecks;
  readonly config: Readonly<Config>;
  readonly log: Logger;
  readonly ids: string[];
  readonly keys: string[];
  readonly clients: SimClient[];
  readonly history: Operation[] = [];
  readonly violations: string[] = [];
  private readonly nodes = new Map<string, SimNode>();
  private readonly configsByEpoch = new Map<number, string>();
  private readonly primaryOfEpoch = new Map<number, string>();
  private lastPrimary = '';
  private leaseOverlap = '';

  constructor(readonly o: WorldOptions) {
    this.config = parseConfig({
      dataDir: '/sim',
      kvs: { groups: 1, replicas: 3, groupBoundaries: [] },
      coordinator: { snapshotEveryEntries: o.raftSnapshotEveryEntries ?? 1000 },
    });
    this.trace = new Trace(() => this.clock.now(), o.echo ?? null);
    this.log = traceLogger(this.trace);
    this.net = new SimNetwork(this.clock, stream(o.seed, 1), this.trace, (ep) => this.incarnation(ep), (what) => this.violation(what));
    const rate = (id: string) => o.clockRates?.[id] ?? 1;
    this.raftChecks = new RaftChecks(
      this.config,
      (what) => this.violation(what),
      (entry, state, member) => {
        this.persisted(state.record.groups);
        this.coordinator.emit({ kind: 'committed', member, entry });
      },
    );
    this.coordinator = new SimCoordinators({
      clock: this.clock,
      net: this.net,
      trace: this.trace,
      config: this.config,
      checks: this.raftChecks,
      heartbeat: (node, config) => this.node(node).heartbeat(config),
      random: stream(o.seed, 4),
      fsyncMsMax: o.fsyncMsMax ?? 2,
      rate,
      violation: (what) => this.violation(what),
    });
    for (const g of initialGroups(this.config)) this.configsByEpoch.set(g.epoch, show(g));
    this.ids = this.coordinator.nodes;
    const origins = stream(o.seed, 5);
    const diskRandom = stream(o.seed, 2);
    for (const id of this.ids) {
      this.nodes.set(
        id,
        new SimNode(id, {
          clock: this.clock,
          net: this.net,
          trace: this.trace,
          log: this.log,
          config: this.config,
          members: this.ids,
          coordinatorPort: (node, inc, clock) => this.coordinator.port(node, inc, clock),
          newClock: (node) => new ProcessClock(this.clock, rate(node), Math.floor(origins() * 100_000)),
          node: (x) => this.node(x),
          diskRandom,
          fsyncMsMax: o.fsyncMsMax ?? 2,
          checkpointEveryWrites: o.checkpointEveryWrites ?? 1000,
          snapshotTimeoutMs: 10_000,
          snapshotChunkBytes: 4096,
          onAdopt: (node, config, leader) => this.adopted(node, config, leader),
        }),
      );
    }
    this.keys = Array.from({ length: o.keys ?? 4 }, (_, i) => `k${i}`);
    const written = new Map<string, string[]>();
    this.clients = Array.from({ length: o.clients ?? 3 }, (_, i) => new SimClient(i, this, stream(o.seed, 10 + i), this.keys, written));
    this.clock.onQuiet = () => {
      this.checkLeases();
      this.coordinator.quiet();
    };
  }

  node(id: string): SimNode {
    const n = this.nodes.get(id);
    if (!n) throw new Error(`no node ${id}`);
    return n;
  }

  get allNodes(): SimNode[] {
    return this.ids.map((id) => this.node(id));
  }

  // ---- ClientWorld ----

  now(): number {
    return this.clock.now();
  }

  sleep(ms: number): Promise<void> {
    return this.clock.sleep(ms);
  }

  primary(): string {
    // A client asks the coordinator group; while no member leads, it keeps what it last heard.
    if (this.coordinator.up) this.lastPrimary = this.coordinator.current().primary;
    return this.lastPrimary;
  }

  call(client: string, node: string, op: ClientOp, timeoutMs: number): Promise<ClientReply> {
    return this.net.call(client, 0, node, 'client', timeoutMs, () => this.node(node).client(op));
  }

  // ---- Driving ----

  /** Starts the coordinator members and every node (recovery takes fake time: run the clock). */
  start(): void {
    this.coordinator.start();
    for (const n of this.allNodes) void this.startNode(n.id);
  }

  startNode(id: string): Promise<void> {
    return this.node(id)
      .start()
      .catch((err: unknown) => this.violation(`${id} failed to start: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`));
  }

  crash(id: string): void {
    this.node(id).crash();
  }

  /** Runs the clock until p settles (or forMs of fake time pass: then it throws). */
  async settle<T>(p: Promise<T>, forMs = 30_000): Promise<T> {
    let done = false;
    const watched = p.finally(() => (done = true));
    watched.catch(() => {});
    if (!(await this.clock.runUntilTrue(() => done, forMs))) throw new Error(`did not settle within ${forMs} ms of fake time`);
    return watched;
  }

  /** Runs until the coordinator names a primary that holds a valid lease. */
  async waitForPrimary(forMs = 20_000): Promise<string> {
    const ok = await this.clock.runUntilTrue(() => this.servingPrimary() !== '', forMs);
    if (!ok) throw new Error(`no serving primary within ${forMs} ms (t=${this.clock.now()})`);
    return this.servingPrimary();
  }

  /** The primary the coordinator names, if it is up, knows it, and holds a lease; else ''. */
  servingPrimary(): string {
    if (!this.coordinator.up) return '';
    const p = this.coordinator.current().primary;
    const r = p ? this.node(p).replicator : null;
    return r && r.isPrimary() && r.leaseValid() ? p : '';
  }

  /**
   * Healed and settled: the coordinator names a serving primary with all three in sync, every
   * node knows that epoch, and every log is durable and ends at the same (lsn, epoch).
   */
  inSync(): boolean {
    if (this.servingPrimary() === '') return false;
    const cfg = this.coordinator.current();
    if (cfg.inSync.length !== this.ids.length) return false;
    const ends = new Set<string>();
    for (const n of this.allNodes) {
      if (n.status !== 'up' || !n.replicator || !n.store || n.replicator.config.epoch !== cfg.epoch) return false;
      const f = n.store.figures();
      if (f.durableLsn !== f.lastLsn) return false;
      ends.add(`${f.lastLsn}/${f.lastEpoch}`);
    }
    return ends.size === 1;
  }

  /** Ends every fault: network whole and calm, every coordinator member and node up (a stall ends on its own). */
  heal(): void {
    this.trace.add('heal');
    this.net.healAll();
    this.net.conditions = { dropRate: 0, slowRate: 0 };
    this.coordinator.start();
    for (const n of this.allNodes) if (n.status === 'down') void this.startNode(n.id);
  }

  // ---- Invariants ----

  violation(what: string): void {
    const line = `t=${this.clock.now()}: ${what}`;
    this.trace.add(`VIOLATION ${what}`);
    if (this.violations.length < violationsMax) this.violations.push(line);
  }

  private incarnation(endpoint: string): number | null {
    if (this.coordinator.ids.includes(endpoint)) return this.coordinator.member(endpoint).liveIncarnation;
    const n = this.nodes.get(endpoint);
    return n ? n.liveIncarnation : 0; // clients never die
  }

  private persisted(groups: GroupConfig[]): void {
    for (const g of groups) {
      const before = this.configsByEpoch.get(g.epoch);
      if (before !== undefined && before !== show(g)) this.violation(`epoch ${g.epoch} committed twice: ${before} then ${show(g)}`);
      this.configsByEpoch.set(g.epoch, show(g));
    }
  }

  private adopted(node: string, config: GroupConfig, leader: string | null): void {
    this.trace.add(`${node} adopts ${show(config)}${leader ? ' and leads' : ''}`);
    const persisted = this.configsByEpoch.get(config.epoch);
    if (persisted !== show(config)) this.violation(`${node} adopted ${show(config)}, but the coordinator group committed ${persisted ?? 'nothing'} for that epoch`);
    if (leader === null) return;
    const other = this.primaryOfEpoch.get(config.epoch);
    if (other !== undefined && other !== leader) this.violation(`two primaries in epoch ${config.epoch}: ${other} and ${leader}`);
    this.primaryOfEpoch.set(config.epoch, leader);
  }

  private checkLeases(): void {
    const leased = this.allNodes.filter((n) => n.status === 'up' && n.replicator?.isPrimary() && n.replicator.leaseValid());
    const who = leased.length > 1 ? leased.map((n) => `${n.id} (epoch ${n.replicator!.config.epoch})`).join(' and ') : '';
    if (who !== '' && who !== this.leaseOverlap) this.violation(`${who} are primaries with valid leases at once`);
    this.leaseOverlap = who;
  }
}
