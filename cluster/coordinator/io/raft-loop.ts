// The loop that runs one member's Raft core (core/raft.ts): it queues inputs (ticks, messages
// from the other members, proposals), steps the core over everything queued at once, and
// carries out the effects in the order the core's contract needs — the batch's persists made
// durable with one save, then its sends, then applies and role changes in step order. A batch
// per save is the group commit: proposals that arrive during an fsync share the next one.
//
// No gRPC, file or timer of its own: storage, transport and clock are passed in, so the
// simulator (tests/sim/) runs this very loop over a fake disk, network and clock.
import type { Logger } from '../../common/log.ts';
import { PennError } from '../../common/errors.ts';
import { step, type RaftEffect, type RaftEntry, type RaftInput, type RaftMessage, type RaftSnapshot, type RaftState } from '../core/raft.ts';
import type { PersistEffect, RaftStorage } from './raft-storage.ts';

export interface RaftLoopDeps {
  storage: RaftStorage;
  send(message: RaftMessage): void;
  now(): number;
  every(ms: number, fn: () => void): () => void;
  log: Logger;
  /** Committed entries, in order, exactly once each. */
  onApply(entries: RaftEntry[]): void;
  onApplySnapshot(snapshot: RaftSnapshot): void;
  /** After every batch, with the core's state: the owner checks whether it may lead. */
  onBatch(state: RaftState): void;
  /** The state machine's data at the last applied entry (for compaction). */
  snapshotData(): string;
  snapshotEveryEntries: number;
  /** The disk failed: this member must stop (its votes and entries may not be durable). */
  onFatal(err: unknown): void;
}

interface Pending {
  term: number;
  resolve: () => void;
  reject: (err: Error) => void;
}

type Queued = { input: RaftInput; proposal?: Omit<Pending, 'term'> };

/** Thrown by propose() when this member cannot (or can no longer) commit the entry. */
export class NotLeaderError extends PennError {
  constructor(
    readonly leader: string,
    why: string,
  ) {
    super('unavailable', why);
  }
}

export class RaftLoop {
  private queue: Queued[] = [];
  private running = false;
  private stopped = false;
  private readonly pending = new Map<number, Pending>();
  private readonly confirms = new Map<number, Omit<Pending, 'term'>>();
  private confirmIds = 0;
  private cancelTicker: (() => void) | undefined;

  constructor(
    private state: RaftState,
    private readonly deps: RaftLoopDeps,
  ) {}

  get current(): RaftState {
    return this.state;
  }

  start(tickMs: number): void {
    this.cancelTicker = this.deps.every(tickMs, () => this.enqueue({ input: { kind: 'tick', now: this.deps.now() } }));
  }

  receive(message: RaftMessage): void {
    this.enqueue({ input: { kind: 'message', message, now: this.deps.now() } });
  }

  /** Resolves once the entry is committed and applied here; rejects with NotLeaderError otherwise. */
  propose(data: string): Promise<void> {
    return new Promise((resolve, reject) => {
      this.enqueue({ input: { kind: 'propose', data, now: this.deps.now() }, proposal: { resolve, reject } });
    });
  }

  /** Resolves once a majority has confirmed this member still leads (core/raft.ts 'confirm'). */
  confirm(): Promise<void> {
    return new Promise((resolve, reject) => {
      const id = ++this.confirmIds;
      this.confirms.set(id, { resolve, reject });
      this.enqueue({ input: { kind: 'confirm', id, now: this.deps.now() } });
    });
  }

  stop(): void {
    this.stopped = true;
    this.cancelTicker?.();
    this.rejectPending('this coordinator is stopping');
    for (const c of this.confirms.values()) c.reject(new NotLeaderError('', 'this coordinator is stopping'));
    this.confirms.clear();
    for (const q of this.queue) q.proposal?.reject(new NotLeaderError('', 'this coordinator is stopping'));
    this.queue = [];
  }

  private enqueue(item: Queued): void {
    if (this.stopped) {
      item.proposal?.reject(new NotLeaderError('', 'this coordinator is stopping'));
      return;
    }
    // Ticks that wait behind an fsync say the same thing: keep the newest.
    const last = this.queue[this.queue.length - 1];
    if (item.input.kind === 'tick' && last?.input.kind === 'tick') this.queue[this.queue.length - 1] = item;
    else this.queue.push(item);
    void this.pump();
  }

  private async pump(): Promise<void> {
    if (this.running) return;
    this.running = true;
    try {
      while (this.queue.length > 0 && !this.stopped) await this.runBatch(this.queue.splice(0));
    } catch (err) {
      this.deps.log.error('raft storage failed; stopping', { err });
      this.stop();
      this.deps.onFatal(err);
    } finally {
      this.running = false;
    }
  }

  private async runBatch(batch: Queued[]): Promise<void> {
    const effects: RaftEffect[] = [];
    for (const item of batch) {
      const result = step(this.state, item.input);
      this.state = result.state;
      if (item.proposal) this.track(item.proposal, result.effects);
      effects.push(...result.effects);
    }
    const persists = effects.filter((e): e is PersistEffect => e.kind === 'persistHardState' || e.kind === 'persistLog' || e.kind === 'persistSnapshot');
    if (persists.length > 0) await this.deps.storage.save(persists);
    if (this.stopped) return;
    for (const e of effects) if (e.kind === 'send') this.deps.send(e.message);
    for (const e of effects) {
      if (e.kind === 'apply') this.applied(e.entries);
      else if (e.kind === 'confirmed') this.settle(e.ids);
      else if (e.kind === 'notLeader' && e.ids) this.settle(e.ids, new NotLeaderError(e.leader, 'not the leader'));
      else if (e.kind === 'applySnapshot') {
        this.deps.onApplySnapshot(e.snapshot);
        // Entries a snapshot replaced are committed, but not necessarily as this member proposed them.
        this.rejectPending('a snapshot replaced the entries in flight', (index) => index <= e.snapshot.index);
      } else if (e.kind === 'role') {
        this.deps.log.info(`${e.role}${e.leader && e.role !== 'leader' ? ` (leader ${e.leader})` : ''} in term ${e.term}`, { term: e.term, role: e.role });
        if (e.role !== 'leader') this.rejectPending(`no longer the leader (term ${e.term})`, () => true, e.leader);
      }
    }
    this.maybeCompact();
    this.deps.onBatch(this.state);
  }

  /** Each proposal's step answers with exactly one of 'proposed' or 'notLeader'. */
  private track(proposal: Omit<Pending, 'term'>, effects: RaftEffect[]): void {
    for (const e of effects) {
      if (e.kind === 'proposed') this.pending.set(e.index, { ...proposal, term: e.term });
      if (e.kind === 'notLeader' && !e.ids) proposal.reject(new NotLeaderError(e.leader, 'not the leader'));
    }
  }

  private settle(ids: number[], err?: Error): void {
    for (const id of ids) {
      const c = this.confirms.get(id);
      this.confirms.delete(id);
      if (err) c?.reject(err);
      else c?.resolve();
    }
  }

  private applied(entries: RaftEntry[]): void {
    this.deps.onApply(entries);
    for (const entry of entries) {
      const p = this.pending.get(entry.index);
      if (!p) continue;
      this.pending.delete(entry.index);
      // Another leader's entry at the same index: ours was overwritten, never committed.
      if (p.term === entry.term) p.resolve();
      else p.reject(new NotLeaderError(this.state.leader, `entry ${entry.index} was replaced by term ${entry.term}`));
    }
  }

  private rejectPending(why: string, which: (index: number) => boolean = () => true, leader = this.state.leader): void {
    for (const [index, p] of this.pending) {
      if (!which(index)) continue;
      this.pending.delete(index);
      p.reject(new NotLeaderError(leader, why));
    }
  }

  private maybeCompact(): void {
    const s = this.state;
    if (s.appliedIndex - s.snapshot.index < this.deps.snapshotEveryEntries) return;
    if (this.queue.some((q) => q.input.kind === 'compact')) return;
    this.queue.push({ input: { kind: 'compact', index: s.appliedIndex, data: this.deps.snapshotData() } });
  }
}
