// The store as one key-value space, for the frontends and the mail daemon: a row goes to its
// group, to the node the coordinator assigned for it; on UNAVAILABLE or FAILED_PRECONDITION (a
// node down, a stale assignment) it asks the coordinator again and retries until a deadline.
//
// A retried CPut or Delete whose first attempt failed with an unknown outcome may have applied:
// the retry then reports "not applied" / "did not exist". Callers that must know use CPut on a
// value unique to the attempt and read it back.
import type { Config } from '../common/config.ts';
import { groupOfRow } from '../common/config.ts';
import { PennError, isPennError } from '../common/errors.ts';
import { CoordinatorClient } from '../coordinator/client.ts';
import { NodeClient } from './client.ts';
import type { ColumnInfo, ScanPage } from './core/types.ts';

export interface ClusterClientOptions {
  /** Deadline of one call to a node. */
  callTimeoutMs?: number;
  /** Total time an operation may spend retrying through failovers. */
  retryDeadlineMs?: number;
}

export interface Assignment {
  group: number;
  nodeId: string;
  address: string;
}

export class ClusterClient {
  private readonly coordinator: CoordinatorClient;
  private readonly nodes = new Map<string, NodeClient>();
  /** The node the coordinator assigned, per group; dropped when it fails. */
  private readonly assigned = new Map<number, Assignment>();
  private readonly callTimeoutMs: number;
  private readonly retryDeadlineMs: number;

  constructor(
    private readonly config: Readonly<Config>,
    options: ClusterClientOptions = {},
  ) {
    this.coordinator = new CoordinatorClient(config);
    this.callTimeoutMs = options.callTimeoutMs ?? 5000;
    this.retryDeadlineMs = options.retryDeadlineMs ?? 15_000;
  }

  get(row: string, column: string): Promise<Buffer | undefined> {
    return this.withNode(row, (n) => n.get(row, column));
  }

  put(row: string, column: string, value: Buffer | string): Promise<void> {
    return this.withNode(row, (n) => n.put(row, column, value));
  }

  /** Writes value only if the column holds expected (or is absent when expected is null). */
  cput(row: string, column: string, expected: Buffer | string | null, value: Buffer | string): Promise<boolean> {
    return this.withNode(row, (n) => n.cput(row, column, expected, value));
  }

  delete(row: string, column: string): Promise<boolean> {
    return this.withNode(row, (n) => n.delete(row, column));
  }

  listColumns(row: string): Promise<ColumnInfo[]> {
    return this.withNode(row, (n) => n.listColumns(row));
  }

  /** One node's rows, for the admin console. */
  scanRows(address: string, afterRow: string, limit: number): Promise<ScanPage> {
    return this.node(address).scanRows(afterRow, limit);
  }

  /** The node this client uses for a row's group (asking the coordinator when it has none). */
  async assignment(row: string): Promise<Assignment> {
    const group = groupOfRow(this.config, row);
    const known = this.assigned.get(group);
    if (known) return known;
    const reply = await this.coordinator.lookup(row);
    const assignment = { group, nodeId: reply.assigned.id, address: reply.assigned.address };
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

  private node(address: string): NodeClient {
    let client = this.nodes.get(address);
    if (!client) {
      client = new NodeClient(address, this.callTimeoutMs);
      this.nodes.set(address, client);
    }
    return client;
  }

  private async withNode<T>(row: string, fn: (node: NodeClient) => Promise<T>): Promise<T> {
    const deadline = Date.now() + this.retryDeadlineMs;
    let delayMs = 25;
    for (let attempt = 1; ; attempt++) {
      let assignment: Assignment | undefined;
      try {
        assignment = await this.assignment(row);
        return await fn(this.node(assignment.address));
      } catch (err) {
        const retriable = isPennError(err, 'unavailable') || isPennError(err, 'failed_precondition') || isPennError(err, 'deadline_exceeded');
        if (!retriable) throw err;
        const group = groupOfRow(this.config, row);
        if (assignment && this.assigned.get(group) === assignment) this.assigned.delete(group);
        if (Date.now() + delayMs > deadline) {
          throw new PennError('unavailable', `storage for "${row}" unavailable after ${attempt} attempts: ${(err as Error).message}`);
        }
        await new Promise((r) => setTimeout(r, delayMs));
        delayMs = Math.min(delayMs * 2, 500);
      }
    }
  }
}
