// How the console writes figures and states: sizes (lib/format-bytes.ts), counts with separators, and
// one colour per state, used alike by the node cards, the tables and the change feed.
import type { SemanticCOLORS } from 'semantic-ui-react';
import type { NodeRole, NodeState, ServiceState } from '../../lib/queries/admin';

export { formatBytes } from '../../lib/format-bytes';

export function formatCount(n: number): string {
  return n.toLocaleString('en-US');
}

export function formatAgo(ms: number | null): string {
  if (ms === null) return 'never';
  if (ms < 1000) return 'just now';
  if (ms < 60_000) return `${Math.round(ms / 1000)} s ago`;
  return `${Math.round(ms / 60_000)} min ago`;
}

/** A length of time, to the largest whole unit: "42 s", "5 min", "3 h 20 min", "2 d 4 h". */
export function formatDuration(ms: number): string {
  const s = Math.floor(ms / 1000);
  if (s < 60) return `${s} s`;
  if (s < 3600) return `${Math.floor(s / 60)} min`;
  if (s < 86_400) return `${Math.floor(s / 3600)} h ${Math.floor((s % 3600) / 60)} min`;
  return `${Math.floor(s / 86_400)} d ${Math.floor((s % 86_400) / 3600)} h`;
}

export function formatTime(date: Date): string {
  return date.toLocaleTimeString('en-GB', { hour12: false });
}

export const stateColor: Record<NodeState | ServiceState, SemanticCOLORS> = {
  up: 'green',
  recovering: 'yellow',
  halted: 'orange',
  down: 'red',
  unknown: 'grey',
};

export const roleText: Record<NodeRole, string> = {
  primary: 'primary',
  backup: 'backup',
  'out-of-sync': 'out of sync',
  none: 'no role',
};

/** "rows before j", "rows j–r", "rows s and after" (first character, lower-cased). */
export function describeRows(rows: { from: string | null; before: string | null }): string {
  const previous = (c: string) => String.fromCharCode(c.charCodeAt(0) - 1);
  if (rows.from === null && rows.before === null) return 'all rows';
  if (rows.from === null) return `rows before “${rows.before}”`;
  if (rows.before === null) return `rows “${rows.from}” and after`;
  return `rows “${rows.from}”–“${previous(rows.before)}”`;
}
