// A typed client for one KVS node (the public API and the admin calls), with a deadline on
// every call and errors as PennError. The cluster client routes rows to nodes on top of it; it
// passes a shorter deadline (timeoutMs) when its operation has less time left than a call's.
import * as grpc from '@grpc/grpc-js';
import type { Config } from '../common/config.ts';
import { channelOptions, callUnary } from '../common/grpc.ts';
import { channelCredentials } from '../common/tls/credentials.ts';
import { PennError, fromGrpcError } from '../common/errors.ts';
import { BatchQueue, type BatchFigures } from './batch-queue.ts';
import { BatchStream, type BatchCall } from './batch-stream.ts';
import { cputAllBytes, operationBytes, type BatchLimits, type CPutCell } from './core/batch.ts';
import type { ColumnPage, ColumnValuePage } from './core/column-page.ts';
import type { ColumnInfo, ScanPage } from './core/types.ts';
import { checkColumnPageBytes, checkColumnPageLimit } from './core/validate.ts';
import {
  KeyValueClient,
  NodeAdminClient,
  forwardedHeader,
  type BatchOperation,
  type BatchReply__Output,
  type BatchResult__Output,
  type CPutAllRequest,
  type CPutReply__Output,
  type CPutRequest,
  type DeleteReply__Output,
  type GetReply__Output,
  type ListColumnsReply__Output,
  type ListColumnsRequest,
  type NodeStatus__Output,
  type ScanRowsReply__Output,
} from './io/wire.ts';

export type { BatchFigures } from './batch-queue.ts';
export type { BatchOperation, BatchResult__Output } from './io/wire.ts';
export type { CPutCell } from './core/batch.ts';

/** NodeAdmin.Status as it arrives (proto/kvs.proto's NodeStatus). */
export type NodeStatusReply = NodeStatus__Output;

export class NodeClient {
  private readonly kv: grpc.Client;
  private readonly admin: grpc.Client;
  private readonly metadata = new grpc.Metadata();
  private readonly revivalMs: number;
  private readonly queue: BatchQueue | undefined;
  private readonly stream: BatchStream | undefined;

  /**
   * Reaches the node with this process's certificate (identityOf(config)), or `identity`'s (the
   * admin console's actions use `admin`). forwarded: set by a backup passing a call to its
   * primary, so it is never passed on again. batch: Get, Put, CPut and Delete calls made in the
   * same turn of the event loop go as one Batch within these limits (batch-queue.ts).
   */
  constructor(
    config: Readonly<Config>,
    readonly address: string,
    private readonly timeoutMs: number = config.timeouts.storageCallMs,
    options: { forwarded?: boolean; identity?: string; batch?: BatchLimits } = {},
  ) {
    this.revivalMs = config.timeouts.revivalMs;
    if (options.forwarded) this.metadata.set(forwardedHeader, '1');
    const credentials = channelCredentials(config, options.identity);
    this.kv = new KeyValueClient(address, credentials, channelOptions);
    if (options.batch) {
      const kv = this.kv as unknown as { BatchStream: (metadata: grpc.Metadata) => BatchCall };
      const stream = new BatchStream(() => kv.BatchStream(this.metadata));
      this.stream = stream;
      this.queue = new BatchQueue((ops, t) => stream.send(ops, t), options.batch, true);
    }
    this.admin = new NodeAdminClient(address, credentials, channelOptions);
  }

  get(row: string, column: string, timeoutMs = this.timeoutMs): Promise<Buffer | undefined> {
    const alone = async (t: number) => found(await callUnary<GetReply__Output>(this.kv, 'Get', { row, column }, t, this.metadata));
    if (!this.queue) return alone(timeoutMs);
    return this.queue.run({ get: { row, column } }, operationBytes(row, column), timeoutMs, alone, (r) => found(replyOf(r, 'get')));
  }

  async put(row: string, column: string, value: Buffer | string, timeoutMs = this.timeoutMs): Promise<void> {
    const request = { row, column, value: toBuffer(value) };
    const alone = async (t: number) => {
      await callUnary(this.kv, 'Put', request, t, this.metadata);
    };
    if (!this.queue) return alone(timeoutMs);
    return this.queue.run({ put: request }, operationBytes(row, column, request.value), timeoutMs, alone, (r) => {
      replyOf(r, 'put');
    });
  }

  /** Writes value only if the column holds expected (or is absent when expected is null). */
  cput(row: string, column: string, expected: Buffer | string | null, value: Buffer | string, timeoutMs = this.timeoutMs): Promise<boolean> {
    const request = {
      row,
      column,
      expected: expected === null ? Buffer.alloc(0) : toBuffer(expected),
      value: toBuffer(value),
      expect_absent: expected === null,
    } satisfies CPutRequest;
    const alone = async (t: number) => (await callUnary<CPutReply__Output>(this.kv, 'CPut', request, t, this.metadata)).applied;
    if (!this.queue) return alone(timeoutMs);
    const bytes = operationBytes(row, column, request.value, request.expected);
    return this.queue.run({ cput: request }, bytes, timeoutMs, alone, (r) => replyOf(r, 'cput').applied);
  }

  /**
   * Conditional puts on rows of one group, applied all or none (proto/kvs.proto, CPutAllRequest);
   * at most cputAllCellsMax cells. Answers whether they applied.
   */
  cputAll(cells: readonly CPutCell[], timeoutMs = this.timeoutMs): Promise<boolean> {
    const request: CPutAllRequest = {
      cputs: cells.map((c) => ({ row: c.row, column: c.column, expected: c.expected ?? Buffer.alloc(0), value: c.value, expect_absent: c.expected === null })),
    };
    const op: BatchOperation = { cput_all: request };
    const answer = (r: BatchResult__Output) => replyOf(r, 'cput_all').applied;
    // It has no call of its own: alone, it is a Batch of one.
    const alone = async (t: number) => {
      const [result] = await this.batch([op], t);
      if (!result) throw new PennError('internal', 'a Batch of one CPutAll was answered with no result');
      if (result.code !== 0) throw fromGrpcError({ code: result.code, details: result.message });
      return answer(result);
    };
    if (!this.queue) return alone(timeoutMs);
    return this.queue.run(op, cputAllBytes(cells), timeoutMs, alone, answer);
  }

  delete(row: string, column: string, timeoutMs = this.timeoutMs): Promise<boolean> {
    const alone = async (t: number) => (await callUnary<DeleteReply__Output>(this.kv, 'Delete', { row, column }, t, this.metadata)).existed;
    if (!this.queue) return alone(timeoutMs);
    return this.queue.run({ delete: { row, column } }, operationBytes(row, column), timeoutMs, alone, (r) => replyOf(r, 'delete').existed);
  }

  /**
   * One Batch call as it is (proto/kvs.proto): a result per operation, each with its own status.
   * Callers of get/put/cput/delete on a batching client need not use it; tests and tools may.
   */
  async batch(ops: BatchOperation[], timeoutMs = this.timeoutMs): Promise<BatchResult__Output[]> {
    return (await callUnary<BatchReply__Output>(this.kv, 'Batch', { ops }, timeoutMs, this.metadata)).results;
  }

  /** Calls this client made alone and in batches; all zero when it does not batch. */
  batchFigures(): BatchFigures {
    return { ...(this.queue?.figures ?? { alone: 0, batches: 0, batchedOps: 0 }) };
  }

  /**
   * One page of a row's columns in column order: those after `after`, starting with `prefix`,
   * at most `limit` (0 or left out: as many as the node allows), with `more` true when others
   * remain (page on with the last name as `after`). With `withValues: true` each column also
   * carries its value, and the page holds at most about `bytesMax` bytes of names and values
   * (0 or left out: the node's kvs.listValuesBytesMax), yet always one column when any matches.
   */
  listColumnsPage(row: string, page: ColumnValuePageOptions, timeoutMs?: number): Promise<ColumnValuePage>;
  listColumnsPage(row: string, page?: ColumnNamePageOptions, timeoutMs?: number): Promise<ColumnPage>;
  listColumnsPage(row: string, page: ColumnPageOptions, timeoutMs?: number): Promise<ColumnPage | ColumnValuePage>;
  async listColumnsPage(row: string, page: ColumnPageOptions = {}, timeoutMs = this.timeoutMs): Promise<ColumnPage | ColumnValuePage> {
    const withValues = page.withValues ?? false;
    if (typeof withValues !== 'boolean') throw new PennError('invalid_argument', 'withValues must be true or false');
    const request: ListColumnsRequest = {
      row,
      after: page.after ?? '',
      prefix: page.prefix ?? '',
      limit: checkColumnPageLimit(page.limit),
      with_values: withValues,
      bytes_max: checkColumnPageBytes(page.bytesMax),
    };
    const r = await callUnary<ListColumnsReply__Output>(this.kv, 'ListColumns', request, timeoutMs, this.metadata);
    // The wire fills every field; a page of names alone hands back names and sizes only.
    if (withValues) return { columns: r.columns.map((c) => ({ name: c.name, size: c.size, value: c.value })), more: r.more };
    return { columns: r.columns.map((c) => ({ name: c.name, size: c.size })), more: r.more };
  }

  /** Every column of a row, page by page, all within timeoutMs. */
  async listColumns(row: string, timeoutMs = this.timeoutMs): Promise<ColumnInfo[]> {
    const untilMs = Date.now() + timeoutMs;
    return listAllColumns((after) => {
      const leftMs = untilMs - Date.now();
      if (leftMs <= 0) throw new PennError('deadline_exceeded', `listing the columns of "${row}" took over ${timeoutMs} ms`);
      return this.listColumnsPage(row, { after }, leftMs);
    });
  }

  /** One page of the node's rows. It reads whole tablets from disk, so a caller may allow it longer. */
  async scanRows(afterRow: string, limit: number, timeoutMs = this.timeoutMs): Promise<ScanPage> {
    const r = await callUnary<ScanRowsReply__Output>(
      this.kv,
      'ScanRows',
      { after_row: afterRow, limit },
      timeoutMs,
      this.metadata,
    );
    // Column's value is never filled here: hand back names and sizes, as ScanPage promises.
    const rows = r.rows.map((row) => ({ row: row.row, columns: row.columns.map((c) => ({ name: c.name, size: c.size })) }));
    return { rows, nextAfterRow: r.next_after_row };
  }

  async halt(): Promise<void> {
    await callUnary(this.admin, 'Halt', {}, this.timeoutMs);
  }

  /**
   * Answers once the node has recovered from its disk: a node holding gigabytes replays its
   * checkpoint and log first, so this waits `timeouts.revivalMs` (two minutes) however short the
   * client's usual deadline (an e2e worker's node, after the 1 GiB drive test, took over 10 s).
   */
  async revive(timeoutMs = Math.max(this.timeoutMs, this.revivalMs)): Promise<void> {
    await callUnary(this.admin, 'Revive', {}, timeoutMs);
  }

  async status(): Promise<NodeStatusReply> {
    return callUnary<NodeStatusReply>(this.admin, 'Status', {}, this.timeoutMs);
  }

  close(): void {
    this.stream?.close();
    this.kv.close();
    this.admin.close();
  }
}

/** What a caller of listColumnsPage may ask for (proto/kvs.proto, ListColumnsRequest). */
export interface ColumnPageOptions {
  after?: string;
  prefix?: string;
  limit?: number;
  /** Each column also carries its value. */
  withValues?: boolean;
  /** At most about this many bytes of names (and values) in the page; 0 or left out: the node's maximum. */
  bytesMax?: number;
}

/** A page of names and sizes only. */
export type ColumnNamePageOptions = ColumnPageOptions & { withValues?: false };

/** A page whose columns carry their values. */
export type ColumnValuePageOptions = ColumnPageOptions & { withValues: true };

/** Every column, fetching pages in order until one says there are no more. */
export async function listAllColumns(fetchPage: (after: string) => Promise<ColumnPage>): Promise<ColumnInfo[]> {
  const columns: ColumnInfo[] = [];
  let after = '';
  for (;;) {
    const page = await fetchPage(after);
    for (const c of page.columns) columns.push(c);
    if (!page.more) return columns;
    const last = page.columns[page.columns.length - 1];
    // A node promises at least one column with `more`; without one, paging would never end.
    if (!last) throw new PennError('internal', 'a ListColumns reply said more but held no column');
    after = last.name;
  }
}

const found = (r: GetReply__Output): Buffer | undefined => (r.found ? r.value : undefined);

/** The reply of the kind asked for, from one Batch result; anything else is a broken reply. */
function replyOf<K extends 'get' | 'put' | 'cput' | 'delete' | 'cput_all'>(r: BatchResult__Output, kind: K): NonNullable<BatchResult__Output[K]> {
  const reply = r[kind];
  if (r.reply !== kind || !reply) throw new PennError('internal', `a Batch result for ${kind} held ${r.reply ?? 'no reply'}`);
  return reply as NonNullable<BatchResult__Output[K]>;
}

function toBuffer(value: Buffer | string): Buffer {
  return typeof value === 'string' ? Buffer.from(value, 'utf8') : value;
}
