// A typed client for one KVS node (the public API and the admin calls), with a deadline on
// every call and errors as PennError. The cluster client routes rows to nodes on top of it.
import * as grpc from '@grpc/grpc-js';
import { channelOptions, callUnary } from '../common/grpc.ts';
import type { ColumnInfo, ScanPage } from './core/types.ts';
import { KeyValueClient, NodeAdminClient, forwardedHeader } from './io/server.ts';

export interface NodeStatusReply {
  node_id: string;
  group: number;
  state: string;
  role: string;
  epoch: number;
  log_position: number;
  checkpoint_version: number;
  key_count: number;
  memory_bytes: number;
  rss_bytes: number;
  log_fsyncs: number;
  log_entries_synced: number;
}

export class NodeClient {
  private readonly kv: grpc.Client;
  private readonly admin: grpc.Client;
  private readonly metadata = new grpc.Metadata();

  /** forwarded: set by a backup passing a call to its primary, so it is never passed on again. */
  constructor(
    readonly address: string,
    private readonly timeoutMs = 5000,
    options: { forwarded?: boolean } = {},
  ) {
    if (options.forwarded) this.metadata.set(forwardedHeader, '1');
    this.kv = new KeyValueClient(address, grpc.credentials.createInsecure(), channelOptions);
    this.admin = new NodeAdminClient(address, grpc.credentials.createInsecure(), channelOptions);
  }

  async get(row: string, column: string): Promise<Buffer | undefined> {
    const r = await callUnary<{ found: boolean; value: Buffer }>(this.kv, 'Get', { row, column }, this.timeoutMs, this.metadata);
    return r.found ? r.value : undefined;
  }

  async put(row: string, column: string, value: Buffer | string): Promise<void> {
    await callUnary(this.kv, 'Put', { row, column, value: toBuffer(value) }, this.timeoutMs, this.metadata);
  }

  /** Writes value only if the column holds expected (or is absent when expected is null). */
  async cput(row: string, column: string, expected: Buffer | string | null, value: Buffer | string): Promise<boolean> {
    const request = {
      row,
      column,
      expected: expected === null ? Buffer.alloc(0) : toBuffer(expected),
      value: toBuffer(value),
      expect_absent: expected === null,
    };
    return (await callUnary<{ applied: boolean }>(this.kv, 'CPut', request, this.timeoutMs, this.metadata)).applied;
  }

  async delete(row: string, column: string): Promise<boolean> {
    return (await callUnary<{ existed: boolean }>(this.kv, 'Delete', { row, column }, this.timeoutMs, this.metadata)).existed;
  }

  async listColumns(row: string): Promise<ColumnInfo[]> {
    return (await callUnary<{ columns: ColumnInfo[] }>(this.kv, 'ListColumns', { row }, this.timeoutMs, this.metadata)).columns;
  }

  async scanRows(afterRow: string, limit: number): Promise<ScanPage> {
    const r = await callUnary<{ rows: ScanPage['rows']; next_after_row: string }>(
      this.kv,
      'ScanRows',
      { after_row: afterRow, limit },
      this.timeoutMs,
      this.metadata,
    );
    return { rows: r.rows, nextAfterRow: r.next_after_row };
  }

  async halt(): Promise<void> {
    await callUnary(this.admin, 'Halt', {}, this.timeoutMs);
  }

  async revive(): Promise<void> {
    await callUnary(this.admin, 'Revive', {}, this.timeoutMs);
  }

  async status(): Promise<NodeStatusReply> {
    return callUnary<NodeStatusReply>(this.admin, 'Status', {}, this.timeoutMs);
  }

  close(): void {
    this.kv.close();
    this.admin.close();
  }
}

function toBuffer(value: Buffer | string): Buffer {
  return typeof value === 'string' ? Buffer.from(value, 'utf8') : value;
}
