// The primary's loop for one backup, for one term (REPLICATION.md, "Per backup, one follower
// loop"): match the backup's log to ours, then stream entries in order, one batch in flight.
// Any error sends it back to matching; an in-sync backup that fails is reported to the
// coordinator so commits can go on without it.
import { isPennError } from '../../common/errors.ts';
import { decideSync } from './sync-decision.ts';
import type { FollowerHost, LogPosition } from './ports.ts';

const batchBytesMax = 4 * 1024 * 1024;
const idleWaitMs = 200;

export class Follower {
  constructor(
    private readonly r: FollowerHost,
    private readonly peer: string,
    private readonly term: number,
  ) {}

  private live(): boolean {
    return this.r.isPrimary() && this.r.currentTerm() === this.term;
  }

  async run(): Promise<void> {
    let backoffMs = 20;
    while (this.live()) {
      try {
        const position = await this.match();
        backoffMs = 20;
        await this.stream(position.lastLsn);
      } catch (err) {
        if (!this.live()) return;
        if (isPennError(err, 'failed_precondition') && /stale epoch/.test(err.message)) {
          await this.r.refreshConfig();
        } else {
          await this.r.reportFailure(this.peer, err);
        }
        await this.r.clock.sleep(backoffMs);
        backoffMs = Math.min(backoffMs * 2, 500);
      }
    }
  }

  /** Probes, truncates or installs a snapshot until the backup's log is a prefix of ours. */
  private async match(): Promise<LogPosition> {
    const t = this.r.transport;
    let position = await t.probe(this.peer, this.r.config);
    for (let round = 0; this.live(); round++) {
      const decision = decideSync(position, this.r.logView());
      if (decision.kind === 'matched') {
        this.r.resetAck(this.peer, position.lastLsn);
        return position;
      }
      if (round > 64) throw new Error(`could not match the log of ${this.peer}`);
      if (decision.kind === 'truncate') {
        try {
          position = await t.truncate(this.peer, this.r.config, decision.afterLsn);
          continue;
        } catch (err) {
          // Below the backup's own checkpoint: only the whole state will do.
          if (!isPennError(err, 'failed_precondition') || /stale epoch/.test(err.message)) throw err;
        }
      }
      this.r.log.info(`sending the checkpoint to ${this.peer}`);
      position = await t.installSnapshot(this.peer, this.r.config);
    }
    throw new Error('no longer primary');
  }

  private async stream(from: number): Promise<void> {
    let next = from + 1;
    while (this.live()) {
      const entries = await this.r.entriesAfter(next - 1, batchBytesMax);
      if (entries === 'checkpointed') return; // back to matching, which sends the checkpoint
      if (entries.length === 0) {
        // Nothing new: still poke an out-of-sync backup so it can join once caught up.
        await this.r.maybeJoin(this.peer, next - 1);
        await this.r.waitForEntryAfter(next - 1, idleWaitMs);
        continue;
      }
      const reply = await this.r.transport.append(this.peer, this.r.config, next - 1, entries);
      this.r.ackedBy(this.peer, reply.durableLsn);
      next = reply.durableLsn + 1;
      void this.r.maybeJoin(this.peer, reply.durableLsn);
    }
  }
}
