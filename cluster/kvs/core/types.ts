// Plain data shared by the node's core and I/O: log entries, columns, status figures.
import type { NodeFigures } from '../../coordinator/core/types.ts';

/** One logged write. lsn rises by exactly one per entry for the life of a node (and a group). */
export type LogEntry =
  | { kind: 'put'; lsn: number; epoch: number; row: string; column: string; value: Buffer }
  | { kind: 'delete'; lsn: number; epoch: number; row: string; column: string };

export interface ColumnInfo {
  name: string;
  size: number;
}

/** A column with its value: what a ListColumns page asked `withValues` holds. */
export interface ColumnValue extends ColumnInfo {
  value: Buffer;
}

export interface RowInfo {
  row: string;
  columns: ColumnInfo[];
}

export interface ScanPage {
  rows: RowInfo[];
  /** After-row for the next page; '' when there are no more rows. */
  nextAfterRow: string;
}

/** Where a store stands: what the admin console and the coordinator see. */
export interface StoreFigures {
  /** lsn and epoch of the last entry appended (not necessarily durable yet). */
  lastLsn: number;
  lastEpoch: number;
  /** Highest lsn that is fsync'd. */
  durableLsn: number;
  checkpointVersion: number;
  checkpointLsn: number;
  /** Cells (row, column pairs) stored. */
  keyCount: number;
  /** Bytes of tablets held in memory. */
  memoryBytes: number;
  /** fsyncs of the log, and entries they made durable (writes per fsync = entries / fsyncs). */
  logFsyncs: number;
  logEntriesSynced: number;
}

export type NodeState = 'up' | 'halted' | 'recovering';

/**
 * What a node says of itself: the figures its heartbeat replies carry to the coordinator
 * (NodeFigures, the coordinator's record of them) and the rest of what NodeAdmin.Status shows.
 */
export interface NodeStatusFigures extends NodeFigures {
  nodeId: string;
  group: number;
  state: NodeState;
  rssBytes: number;
  logFsyncs: number;
  logEntriesSynced: number;
}
