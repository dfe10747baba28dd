// The store as one key-value space, for the frontends and the mail daemon: a row goes to its
// group, straight to the group's primary as the coordinator names it (any replica would take the
// call, but a backup only passes it on: one more hop, its CPU and its latency, on every call).
// Only while the group has no primary does it use the node the coordinator assigned. On
// UNAVAILABLE, FAILED_PRECONDITION or DEADLINE_EXCEEDED (a node down, a primary that stepped
// down, a stale assignment, a node that does not answer) it forgets the node, asks the
// coordinator again and retries: after a failover the next lookup names the new primary.
//
// How long an operation may take: services that answer people (frontends, the mail daemon) set
// `operationDeadlineMs` — a hard deadline for the whole operation: every call's own deadline is
// cut to what is left, the coordinator's answer is waited for no longer, and when the time is
// up the caller gets UNAVAILABLE. A failover takes about a second, so the config's
// `timeouts.interactiveOperationMs` rides one out and still leaves time to answer "try again"
// well within 3 s; a drive transfer under way uses `timeouts.transferOperationMs`
// (withOperationDeadline). Without a deadline, an operation retries until `retryDeadlineMs`
// (`timeouts.backgroundOperationMs`) and each call may take `callTimeoutMs`
// (`timeouts.storageCallMs`): tools, tests, work nobody waits on.
//
// Batching: the nodes' clients coalesce the Gets, Puts, CPuts and Deletes bound for one node in
// one turn of the event loop into one Batch RPC (batch-queue.ts); a lone operation goes as its
// own call. Each operation still runs through withNode on its own: a Batch that fails fails each
// of its operations, each counts as an attempt with an unknown outcome and retries (or gives up)
// exactly as its own call would, and the CPut read-back below applies to it unchanged.
//
// Unknown outcomes: an attempt that failed after its request was sent (a timeout, a dropped
// connection, a node halting mid-call) may have applied. A retried CPut can then find its own
// value and report "not applied"; cput() therefore reads the column back after any such retry
// and reports applied when it holds exactly our value. That is only sound when the value is
// unique to the attempt (a random id, a stamp: web/lib/server/cells.ts) — with a value anyone
// might write, an identical write by someone else counts as ours. A retried Delete whose first
// attempt applied reports "did not exist"; no caller relies on that answer.
import type { Config } from '../common/config.ts';
import { groupOfRow } from '../common/config.ts';
import { PennError, isPennError } from '../common/errors.ts';
import { CoordinatorClient, type LookupResult } from '../coordinator/client.ts';
import { NodeClient, listAllColumns, type BatchFigures, type CPutCell, type ColumnNamePageOptions, type ColumnPageOptions, type ColumnValuePageOptions } from './client.ts';
import { cputAllBytes, cputAllCellsMax, namesEachCellOnce } from './core/batch.ts';
import type { ColumnPage, ColumnValuePage } from './core/column-page.ts';
import type { ColumnInfo, ColumnValue, ScanPage } from './core/types.ts';
import { checkColumnPageLimit, columnPageLimitMax } from './core/validate.ts';

export type { BatchFigures, CPutCell, ColumnNamePageOptions, ColumnPageOptions, ColumnValuePageOptions } from './client.ts';
export type { ColumnPage, ColumnValuePage } from './core/column-page.ts';
export type { ColumnInfo, ColumnValue } from './core/types.ts';

/** What ClusterClient.readColumns reads: bounds over all its pages together. */
export interface ReadColumnsOptions {
  /** Columns strictly after this name ('' or left out: from the first). */
  after?: string;
  /** Only names starting with this. */
  prefix?: string;
  /** At most this many columns (0 or left out: no count limit). */
  limit?: number;
  /** At most this many bytes of names and values (left out: kvs.readColumnsBytesMax). */
  bytesMax?: number;
}

export interface ClusterClientOptions {
  /** Deadline of one call to a node; default `timeouts.storageCallMs`. */
  callTimeoutMs?: number;
  /** Time an operation may spend retrying through failovers (no new attempt starts after it);
   *  default `timeouts.backgroundOperationMs`. */
  retryDeadlineMs?: number;
  /**
   * Hard deadline of one operation, retries and calls included: no call outlives it, and the
   * caller hears UNAVAILABLE by then. When set, retryDeadlineMs is not used.
   */
  operationDeadlineMs?: number;
  /**
   * Operations bound for the same node in one turn of the event loop go as one Batch RPC
   * (default true; false sends every operation as its own call, as a bench's baseline does).
   */
  batch?: boolean;
}

export interface Assignment {
  group: number;
  nodeId: string;
  address: string;
}

/**
 * The error an operation ends with when the store could not serve it in time. Marked by shape
 * (a `storage` property), not by class: Next bundles this module once per route, and callers
 * tell it from other UNAVAILABLE errors (a busy password hasher, the mail daemon down).
 */
export function storageUnavailable(row: string, attempts: number, ms: number, cause: unknown): PennError {
  const message = `storage for "${row}" unavailable after ${attempts} attempts in ${ms} ms: ${(cause as Error).message}`;
  return Object.assign(new PennError('unavailable', message, { cause }), { storage: true });
}

export function isStorageUnavailable(err: unknown): boolean {
  return isPennError(err, 'unavailable') && (err as { storage?: unknown }).storage === true;
}

/** When an operation must end, and whether that also cuts its calls short. */
interface Deadline {
  atMs: number;
  hard: boolean;
}

type Call<T> = (node: NodeClient, timeoutMs: number) => Promise<T>;

/** What clients made by withOperationDeadline share with the client they came from. */
interface Connections {
  coordinator: CoordinatorClient;
  nodes: Map<string, NodeClient>;
  /** The node calls go to, per group (its primary when it has one); dropped when it fails. */
  assigned: Map<number, Assignment>;
  /** The Lookup under way per group, which every call that needs one waits for. */
  lookups: Map<number, Promise<LookupResult>>;
}

export class ClusterClient {
  private readonly coordinator: CoordinatorClient;
  private readonly nodes: Map<string, NodeClient>;
  private readonly assigned: Map<number, Assignment>;
  private readonly lookups: Map<number, Promise<LookupResult>>;
  private readonly callTimeoutMs: number;
  private readonly retryDeadlineMs: number;
  private readonly operationDeadlineMs: number | undefined;

  constructor(
    private readonly config: Readonly<Config>,
    private readonly options: ClusterClientOptions = {},
    connections?: Connections,
  ) {
    this.coordinator = connections?.coordinator ?? new CoordinatorClient(config);
    this.nodes = connections?.nodes ?? new Map();
    this.assigned = connections?.assigned ?? new Map();
    this.lookups = connections?.lookups ?? new Map();
    this.callTimeoutMs = options.callTimeoutMs ?? config.timeouts.storageCallMs;
    this.retryDeadlineMs = options.retryDeadlineMs ?? config.timeouts.backgroundOperationMs;
    this.operationDeadlineMs = options.operationDeadlineMs;
  }

  /**
   * This client with another operation deadline, sharing its connections and assignments (a
   * failover one of them noticed, both know). Close only the original.
   */
  withOperationDeadline(ms: number): ClusterClient {
    return new ClusterClient(this.config, { ...this.options, operationDeadlineMs: ms }, {
      coordinator: this.coordinator,
      nodes: this.nodes,
      assigned: this.assigned,
      lookups: this.lookups,
    });
  }

  get(row: string, column: string): Promise<Buffer | undefined> {
    return this.withNode(row, this.deadline(), (n, t) => n.get(row, column, t));
  }

  put(row: string, column: string, value: Buffer | string): Promise<void> {
    return this.withNode(row, this.deadline(), (n, t) => n.put(row, column, value, t));
  }

  /**
   * Writes value only if the column holds expected (or is absent when expected is null). After
   * an attempt with an unknown outcome, "applied" means the column now holds exactly value (see
   * the top of this file: make value unique to the attempt when that matters).
   */
  async cput(row: string, column: string, expected: Buffer | string | null, value: Buffer | string): Promise<boolean> {
    const deadline = this.deadline();
    let uncertain = false;
    const applied = await this.withNode(row, deadline, (n, t) => n.cput(row, column, expected, value, t), () => (uncertain = true));
    if (applied || !uncertain) return applied;
    // An earlier attempt may have applied, and this one then found our value instead of
    // `expected`. Read it back, within the same deadline.
    const stored = await this.withNode(row, deadline, (n, t) => n.get(row, column, t));
    return stored !== undefined && stored.equals(typeof value === 'string' ? Buffer.from(value, 'utf8') : value);
  }

  /**
   * Conditional puts on rows of one group (see fitsCPutAll), applied all or none by the group's
   * primary (NodeClient.cputAll). `uncertain` is set when an attempt failed after it was sent:
   * then "not applied" may be wrong, and even a prefix of the cells in their order may have
   * applied (the primary crashed between their log entries). There is no read-back here: only
   * the caller knows what its values say (a state that records its writes, as mailbox-state.ts).
   */
  async cputAll(cells: readonly CPutCell[]): Promise<{ applied: boolean; uncertain: boolean }> {
    const first = cells[0];
    if (!first) throw new PennError('invalid_argument', 'a CPutAll needs a cell');
    let uncertain = false;
    const applied = await this.withNode(first.row, this.deadline(), (n, t) => n.cputAll(cells, t), () => (uncertain = true));
    return { applied, uncertain: uncertain && !applied };
  }

  /**
   * Whether these cells can go in one cputAll: at most cputAllCellsMax of them, each named once,
   * on rows of one group, within kvs.batchBytesMax (a cput_all travels only inside a Batch,
   * whatever its size).
   */
  fitsCPutAll(cells: readonly CPutCell[]): boolean {
    const group = groupOfRow(this.config, cells[0]?.row ?? '');
    return (
      cells.length <= cputAllCellsMax &&
      namesEachCellOnce(cells) &&
      cputAllBytes(cells) <= this.config.kvs.batchBytesMax &&
      cells.every((c) => groupOfRow(this.config, c.row) === group)
    );
  }

  delete(row: string, column: string): Promise<boolean> {
    return this.withNode(row, this.deadline(), (n, t) => n.delete(row, column, t));
  }

  /**
   * One page of a row's columns from the group's primary (NodeClient.listColumnsPage: with
   * `withValues: true` each column carries its value), with the retries and deadline of any
   * other operation.
   */
  listColumnsPage(row: string, page: ColumnValuePageOptions): Promise<ColumnValuePage>;
  listColumnsPage(row: string, page?: ColumnNamePageOptions): Promise<ColumnPage>;
  listColumnsPage(row: string, page: ColumnPageOptions = {}): Promise<ColumnPage | ColumnValuePage> {
    return this.withNode(row, this.deadline(), (n, t) => n.listColumnsPage(row, page, t));
  }

  /**
   * Every column of a row, page by page. Under an operation deadline the whole listing must end
   * by it; otherwise each page has the retry time of an operation of its own, so a wide row is
   * not cut short by a failover late in its listing.
   */
  listColumns(row: string): Promise<ColumnInfo[]> {
    const first = this.deadline();
    return listAllColumns((after) => {
      const deadline = first.hard ? first : this.deadline();
      return this.withNode(row, deadline, (n, t) => n.listColumnsPage(row, { after }, t));
    });
  }

  /**
   * The columns of a row with their values, in column order (those after `after`, starting
   * with `prefix`), in as few calls as the node's page budget allows: many small cells of one
   * row without a Get each. It gathers at most `limit` columns (left out or 0: no count limit)
   * and `bytesMax` bytes of names and values (left out: kvs.readColumnsBytesMax), so a wide row
   * cannot fill the caller's memory; it stops before the column that would go over and answers
   * `more: true` when matching columns remain: go on with the last name as `after` (a first
   * column larger than bytesMax is never returned). Each page is a linearizable read on the
   * primary, like a Get; the whole is not a snapshot (ListColumns in docs/ARCHITECTURE.md).
   * Deadlines as listColumns.
   */
  async readColumns(row: string, options: ReadColumnsOptions = {}): Promise<ColumnValuePage> {
    const limit = checkColumnPageLimit(options.limit) || Infinity;
    const bytesMax = options.bytesMax ?? this.config.kvs.readColumnsBytesMax;
    if (!Number.isSafeInteger(bytesMax) || bytesMax < 1) throw new PennError('invalid_argument', 'bytesMax must be a whole number of at least 1');
    const first = this.deadline();
    const columns: ColumnValue[] = [];
    let bytes = 0;
    let after = options.after ?? '';
    for (;;) {
      const request = {
        after,
        prefix: options.prefix,
        withValues: true as const,
        limit: limit === Infinity ? 0 : Math.min(limit - columns.length, columnPageLimitMax),
        // The node's estimate of a column is above what is counted here, so its page fits what is left.
        bytesMax: Math.min(bytesMax - bytes, columnPageLimitMax),
      };
      const page = await this.withNode(row, first.hard ? first : this.deadline(), (n, t) => n.listColumnsPage(row, request, t));
      for (const c of page.columns) {
        const size = Buffer.byteLength(c.name, 'utf8') + c.value.length;
        if (bytes + size > bytesMax) return { columns, more: true };
        columns.push(c);
        bytes += size;
      }
      if (!page.more) return { columns, more: false };
      if (columns.length >= limit || bytes >= bytesMax) return { columns, more: true };
      const last = page.columns[page.columns.length - 1];
      // A node promises at least one column with `more`; without one, paging would never end.
      if (!last) throw new PennError('internal', 'a ListColumns reply said more but held no column');
      after = last.name;
    }
  }

  /** One node's rows, for the admin console. */
  scanRows(address: string, afterRow: string, limit: number, timeoutMs?: number): Promise<ScanPage> {
    return this.node(address).scanRows(afterRow, limit, timeoutMs);
  }

  /** The node this client uses for a row's group (asking the coordinator when it has none), within the operation deadline. */
  async assignment(row: string): Promise<Assignment> {
    const startedMs = Date.now();
    try {
      return await this.assignmentBefore(row, this.deadline());
    } catch (err) {
      if (isPennError(err, 'unavailable') || isPennError(err, 'deadline_exceeded')) throw storageUnavailable(row, 1, Date.now() - startedMs, err);
      throw err;
    }
  }

  private async lookupAssignment(row: string): Promise<Assignment> {
    const group = groupOfRow(this.config, row);
    const known = this.assigned.get(group);
    if (known) return known;
    // One Lookup per group at a time: when a primary fails, every call in flight fails with it,
    // and a thousand of them asking at once would load the coordinator just when it is needed.
    let pending = this.lookups.get(group);
    if (!pending) {
      pending = this.coordinator.lookup(row).finally(() => this.lookups.delete(group));
      this.lookups.set(group, pending);
    }
    const reply = await pending;
    // The primary serves every call itself; the assigned node would forward to it. Without a
    // primary (an election under way) the assigned node is used for this call only, and the
    // next call asks again, so the client is on the new primary as soon as there is one.
    if (reply.primary.id === '' || reply.primary.address === '') return { group, nodeId: reply.assigned.id, address: reply.assigned.address };
    const assignment = { group, nodeId: reply.primary.id, address: reply.primary.address };
    this.assigned.set(group, assignment);
    return assignment;
  }

  /** Uses this assignment (e.g. one remembered in a session) until it fails. */
  prefer(assignment: Assignment): void {
    this.assigned.set(assignment.group, assignment);
  }

  close(): void {
    this.coordinator.close();
    for (const n of this.nodes.values()) n.close();
    this.nodes.clear();
  }

  /** Calls made to the nodes alone and in batches, summed over every node. */
  batchFigures(): BatchFigures {
    const sum: BatchFigures = { alone: 0, batches: 0, batchedOps: 0 };
    for (const n of this.nodes.values()) {
      const f = n.batchFigures();
      sum.alone += f.alone;
      sum.batches += f.batches;
      sum.batchedOps += f.batchedOps;
    }
    return sum;
  }

  private node(address: string): NodeClient {
    let client = this.nodes.get(address);
    if (!client) {
      const k = this.config.kvs;
      const batch = this.options.batch === false ? undefined : { opsMax: k.batchOpsMax, bytesMax: k.batchBytesMax };
      client = new NodeClient(this.config, address, this.callTimeoutMs, { batch });
      this.nodes.set(address, client);
    }
    return client;
  }

  private deadline(): Deadline {
    const hard = this.operationDeadlineMs !== undefined;
    return { atMs: Date.now() + (this.operationDeadlineMs ?? this.retryDeadlineMs), hard };
  }

  /**
   * Runs fn on the row's assigned node, asking again and retrying through failovers until the
   * deadline. onUncertain is told of each failed call that reached a node (its outcome unknown).
   */
  private async withNode<T>(row: string, deadline: Deadline, fn: Call<T>, onUncertain?: () => void): Promise<T> {
    const startedMs = Date.now();
    let delayMs = 25;
    for (let attempt = 1; ; attempt++) {
      let assignment: Assignment | undefined;
      try {
        assignment = await this.assignmentBefore(row, deadline);
        const timeoutMs = deadline.hard ? Math.min(this.callTimeoutMs, deadline.atMs - Date.now()) : this.callTimeoutMs;
        if (timeoutMs <= 0) throw new PennError('deadline_exceeded', 'no time left for a call');
        try {
          return await fn(this.node(assignment.address), timeoutMs);
        } catch (err) {
          onUncertain?.();
          throw err;
        }
      } catch (err) {
        const retriable = isPennError(err, 'unavailable') || isPennError(err, 'failed_precondition') || isPennError(err, 'deadline_exceeded');
        if (!retriable) throw err;
        const group = groupOfRow(this.config, row);
        if (assignment && this.assigned.get(group) === assignment) this.assigned.delete(group);
        if (Date.now() + delayMs >= deadline.atMs) throw storageUnavailable(row, attempt, Date.now() - startedMs, err);
        await new Promise((r) => setTimeout(r, delayMs));
        delayMs = Math.min(delayMs * 2, 500);
      }
    }
  }

  /** The row's assignment; under a hard deadline the coordinator is waited for only until then. */
  private assignmentBefore(row: string, deadline: Deadline): Promise<Assignment> {
    const lookup = this.lookupAssignment(row);
    if (!deadline.hard) return lookup;
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new PennError('deadline_exceeded', 'the coordinator did not answer in time')), Math.max(0, deadline.atMs - Date.now()));
    });
    // A lookup that answers after the deadline still records its assignment for the next call.
    lookup.catch(() => {});
    return Promise.race([lookup, late]).finally(() => clearTimeout(timer));
  }
}
