// The admin console's data: the shapes of the /api/admin/ answers (docs/API.md, "Admin"), one
// queryOptions per query, shared by the page's server prefetch and the client hooks, and the
// mutations (halt, revive).
import { keepPreviousData, queryOptions } from '@tanstack/react-query';
import { ApiError, apiRequest } from '../api-client';

/**
 * What the console shows for a storage node:
 * up — serving, in its group's in-sync set; recovering — loading its disk, or up but outside
 * the in-sync set while it catches up with the primary; halted — stopped by an admin (Revive
 * brings it back); down — not answering; unknown — nobody could tell (coordinator unreachable).
 */
export type NodeState = 'up' | 'recovering' | 'halted' | 'down' | 'unknown';
export type NodeRole = 'primary' | 'backup' | 'out-of-sync' | 'none';
export type ServiceState = 'up' | 'down' | 'unknown';

export interface AdminNode {
  id: string;
  group: number;
  address: string;
  state: NodeState;
  role: NodeRole;
  inSync: boolean;
  epoch: number;
  logPosition: number;
  checkpointVersion: number;
  keyCount: number;
  memoryBytes: number;
}

export interface AdminGroup {
  group: number;
  /** Rows whose lower-cased first character is ≥ from (null: no lower bound) and < before (null: none). */
  rows: { from: string | null; before: string | null };
  epoch: number;
  /** null when the group has no primary: it answers UNAVAILABLE until an in-sync member returns. */
  primary: string | null;
  inSync: string[];
  nodes: AdminNode[];
}

export interface AdminFrontend {
  frontend: number;
  address: string;
  /** From the load balancer's heartbeats; unknown when the balancer does not answer. */
  state: ServiceState;
  lastHeartbeatAgoMs: number | null;
  rssBytes: number;
  redirects: number;
  /** The frontend that produced this answer. */
  self: boolean;
}

/** A process as `npm start`'s supervisor last wrote it (cluster/common/supervision.ts). */
export interface AdminProcess {
  name: string;
  pid: number | null;
  /** backoff: it exited unasked and waits to be started again. */
  state: 'running' | 'backoff' | 'stopping' | 'stopped';
  /** Restarts after exits nobody asked for. */
  restarts: number;
  /** Since its last start, while running. */
  upForMs: number | null;
  lastExitCause: string | null;
  lastExitAgoMs: number | null;
}

/**
 * The supervisor's table (<dataDir>/run/processes.json): absent when the processes were not
 * started by `npm start`, unreadable when the file is damaged.
 */
export type ProcessesView =
  | { source: 'absent'; path: string }
  | { source: 'unreadable'; path: string; error: string }
  | { source: 'supervisor'; path: string; supervisorPid: number; supervisorRunning: boolean; updatedAgoMs: number; processes: AdminProcess[] };

export interface ClusterView {
  checkedAt: string;
  /** Where the node figures came from: the coordinator, or (when it is down) each node directly. */
  /** address: the member that answered (the group's leader); members: the group as it sees it. */
  coordinator: { state: 'up' | 'down'; address: string; members: { id: string; role: 'leader' | 'follower' | 'unreachable'; term: number }[]; error?: string };
  groups: AdminGroup[];
  loadBalancer: { state: 'up' | 'down'; address: string; error?: string };
  frontends: AdminFrontend[];
  mail: { state: 'up' | 'down'; address: string; queueLength: number | null; domain?: string; error?: string };
  processes: ProcessesView;
}

export interface RawColumn {
  name: string;
  size: number;
}

export interface RawRow {
  row: string;
  columns: RawColumn[];
  /** All of the row's columns; `columns` holds at most the first rawColumnsShownMax. */
  columnCount: number;
  /** Sum of the sizes of all its values. */
  bytes: number;
}

export interface RawRowsPage {
  node: string;
  after: string;
  rows: RawRow[];
  /** The `after` of the next page; null on the last page. */
  nextAfter: string | null;
}

export interface ValuePreview {
  node: string;
  row: string;
  column: string;
  size: number;
  /** text: valid UTF-8 without control characters (besides tab and line breaks); hex otherwise. */
  kind: 'text' | 'hex';
  /** The text, or a hex dump (offset, 16 bytes, their ASCII), of the first shownBytes bytes. */
  content: string;
  shownBytes: number;
  truncated: boolean;
}

export const statusRefreshMs = 2000;
export const rawPageRows = 10;
/** Columns of one row sent to the browser; the rest are counted (columnCount), not listed. */
export const rawColumnsShownMax = 50;

export const adminStatusQuery = queryOptions({
  queryKey: ['admin', 'status'],
  queryFn: ({ signal }) => apiRequest<ClusterView>('GET', '/api/admin/status', undefined, signal),
  // Every 2 s (a refresh due while one is in flight joins it, so slow answers never stack); not
  // while the tab is hidden, and no more once refused (logged out, no longer an admin).
  refetchInterval: (query) => (query.state.error instanceof ApiError && query.state.error.status >= 400 && query.state.error.status < 500 ? false : statusRefreshMs),
  refetchIntervalInBackground: false,
  staleTime: 0,
});

export function rawRowsQuery(node: string, after: string) {
  const query = new URLSearchParams({ node, after, limit: String(rawPageRows) });
  return queryOptions({
    queryKey: ['admin', 'rows', node, after],
    queryFn: ({ signal }) => apiRequest<RawRowsPage>('GET', `/api/admin/rows?${query}`, undefined, signal),
    placeholderData: keepPreviousData,
    staleTime: 5000,
  });
}

export function valueUrl(node: string, row: string, column: string, download = false): string {
  const query = new URLSearchParams({ node, row, column });
  if (download) query.set('download', '1');
  return `/api/admin/value?${query}`;
}

export function valuePreviewQuery(node: string, row: string, column: string) {
  return queryOptions({
    queryKey: ['admin', 'value', node, row, column],
    queryFn: ({ signal }) => apiRequest<ValuePreview>('GET', valueUrl(node, row, column), undefined, signal),
    staleTime: 5000,
  });
}

export interface NodeActionResult {
  node: string;
  action: 'halt' | 'revive';
  /** The node's own state right after the action. */
  state: string;
}

export const haltNode = (node: string) => apiRequest<NodeActionResult>('POST', '/api/admin/halt', { node });
export const reviveNode = (node: string) => apiRequest<NodeActionResult>('POST', '/api/admin/revive', { node });
