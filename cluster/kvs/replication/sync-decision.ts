// How a primary matches a backup's log to its own before streaming to it (REPLICATION.md,
// "Match"). Pure: the primary's log is described by what it can answer about its entries.
// Two logs holding the same (lsn, epoch) hold the same entries up to it, so one comparison at
// the backup's last entry decides, and each truncation strictly shortens the backup's log.

export interface BackupPosition {
  lastLsn: number;
  lastEpoch: number;
  checkpointLsn: number;
}

export interface PrimaryLogView {
  lastLsn: number;
  checkpointLsn: number;
  checkpointEpoch: number;
  /** Epoch of the entry at lsn, for checkpointLsn < lsn ≤ lastLsn. */
  epochAt(lsn: number): number | undefined;
  /** The last lsn in the log (above the checkpoint) whose epoch is ≤ epoch; checkpointLsn if none. */
  lastLsnWithEpochAtMost(epoch: number): number;
}

export type SyncDecision =
  | { kind: 'matched'; lastLsn: number }
  | { kind: 'truncate'; afterLsn: number }
  | { kind: 'snapshot' };

export function decideSync(backup: BackupPosition, primary: PrimaryLogView): SyncDecision {
  const truncate = (afterLsn: number): SyncDecision =>
    // A backup cannot cut into its own checkpoint: it needs the primary's whole state.
    afterLsn < backup.checkpointLsn ? { kind: 'snapshot' } : { kind: 'truncate', afterLsn };

  if (backup.lastLsn > primary.lastLsn) return truncate(primary.lastLsn);
  if (backup.lastLsn === 0) {
    // An empty backup matches any log that still starts at lsn 1.
    return primary.checkpointLsn === 0 ? { kind: 'matched', lastLsn: 0 } : { kind: 'snapshot' };
  }
  if (backup.lastLsn === primary.checkpointLsn) {
    return backup.lastEpoch === primary.checkpointEpoch ? { kind: 'matched', lastLsn: backup.lastLsn } : { kind: 'snapshot' };
  }
  if (backup.lastLsn < primary.checkpointLsn) return { kind: 'snapshot' };
  const epoch = primary.epochAt(backup.lastLsn);
  if (epoch === backup.lastEpoch) return { kind: 'matched', lastLsn: backup.lastLsn };
  // Different epochs at the same lsn: keep only what the primary's log has from epochs up to
  // the backup's, and never the conflicting entry itself.
  const keep = Math.min(primary.lastLsnWithEpochAtMost(backup.lastEpoch), backup.lastLsn - 1);
  if (keep < primary.checkpointLsn) return { kind: 'snapshot' };
  return truncate(keep);
}
