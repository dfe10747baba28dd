// The store's four data calls as a node serves them, alone (each its own RPC) or many at once in
// a Batch: one function per call, so a batched operation takes exactly its own call's path — its
// roles, its checks and limits, the log and the commit wait, or the read rules (KvsNode) — and
// is answered with exactly the status its own call would have had.
import * as grpc from '@grpc/grpc-js';
import type { PeerCertificate } from 'node:tls';
import type { Config } from '../../common/config.ts';
import { toStatus } from '../../common/grpc.ts';
import type { Logger } from '../../common/log.ts';
import { refusal, type AccessPolicy } from '../../common/tls/credentials.ts';
import { checkBatch, operationBytes } from '../core/batch.ts';
import type { KvsNode } from './node.ts';
import type {
  BatchOperation__Output,
  BatchReply,
  BatchRequest__Output,
  BatchResult,
  CPutAllReply,
  CPutAllRequest__Output,
  CPutReply,
  CPutRequest__Output,
  DeleteReply,
  DeleteRequest__Output,
  GetReply,
  GetRequest__Output,
  PutReply,
  PutRequest__Output,
} from './wire.ts';

export async function serveGet(node: KvsNode, r: GetRequest__Output, forwarded: boolean): Promise<GetReply> {
  const value = await node.get(r.row, r.column, forwarded);
  return { found: value !== undefined, value: value ?? Buffer.alloc(0) };
}

export async function servePut(node: KvsNode, r: PutRequest__Output, forwarded: boolean): Promise<PutReply> {
  await node.put(r.row, r.column, r.value, forwarded);
  return {};
}

export async function serveCPut(node: KvsNode, r: CPutRequest__Output, forwarded: boolean): Promise<CPutReply> {
  return { applied: await node.cput(r.row, r.column, r.expected, r.value, r.expect_absent === true, forwarded) };
}

export async function serveCPutAll(node: KvsNode, r: CPutAllRequest__Output, forwarded: boolean): Promise<CPutAllReply> {
  const cells = r.cputs.map((c) => ({ row: c.row, column: c.column, expected: c.expect_absent ? null : c.expected, value: c.value }));
  return { applied: await node.cputAll(cells, forwarded) };
}

export async function serveDelete(node: KvsNode, r: DeleteRequest__Output, forwarded: boolean): Promise<DeleteReply> {
  return { existed: await node.delete(r.row, r.column, forwarded) };
}

export interface BatchContext {
  node: KvsNode;
  config: Readonly<Config>;
  log: Logger;
  /** The KeyValue service's roles: each operation needs its own call's. */
  policy: AccessPolicy;
}

type Caller = { getAuthContext?: () => { sslPeerCertificate?: PeerCertificate } | null };

// A CPutAll has no call of its own: it needs CPut's roles.
const methodOf = { get: 'Get', put: 'Put', cput: 'CPut', delete: 'Delete', cput_all: 'CPut' } as const;

/**
 * Serves every operation of a Batch. A batch over kvs.batchOpsMax operations or kvs.batchBytesMax
 * bytes is refused whole (INVALID_ARGUMENT) before any of it runs. The operations start one after
 * another in this turn, so writes reach the log in the order given and share its group commits;
 * the reply waits for all of them.
 */
export async function serveBatch(ctx: BatchContext, request: BatchRequest__Output, call: Caller, forwarded: boolean): Promise<BatchReply> {
  const k = ctx.config.kvs;
  let bytes = 0;
  for (const op of request.ops) bytes += requestBytes(op);
  checkBatch(request.ops.length, bytes, { opsMax: k.batchOpsMax, bytesMax: k.batchBytesMax });
  const results = await Promise.all(request.ops.map((op) => serveOne(ctx, op, call, forwarded)));
  return { results: fitReply(results, k.batchReplyBytesMax) };
}

function requestBytes(op: BatchOperation__Output): number {
  if (op.put) return operationBytes(op.put.row, op.put.column, op.put.value);
  if (op.cput) return operationBytes(op.cput.row, op.cput.column, op.cput.value, op.cput.expected);
  if (op.cput_all) return op.cput_all.cputs.reduce((sum, c) => sum + operationBytes(c.row, c.column, c.value, c.expected), 0);
  const r = op.get ?? op.delete;
  return r ? operationBytes(r.row, r.column) : 0;
}

async function serveOne(ctx: BatchContext, op: BatchOperation__Output, call: Caller, forwarded: boolean): Promise<BatchResult> {
  const kind = op.op;
  if (kind === undefined || !op[kind]) return { code: grpc.status.INVALID_ARGUMENT, message: 'a Batch operation must hold one of get, put, cput, delete or cput_all' };
  const method = methodOf[kind];
  const denied = refusal(ctx.config, call, method, ctx.policy[method] ?? []);
  if (denied !== null) return { code: grpc.status.PERMISSION_DENIED, message: denied };
  try {
    if (op.get) return { get: await serveGet(ctx.node, op.get, forwarded) };
    if (op.put) return { put: await servePut(ctx.node, op.put, forwarded) };
    if (op.cput) return { cput: await serveCPut(ctx.node, op.cput, forwarded) };
    if (op.cput_all) return { cput_all: await serveCPutAll(ctx.node, op.cput_all, forwarded) };
    return { delete: await serveDelete(ctx.node, op.delete!, forwarded) };
  } catch (err) {
    const status = toStatus(ctx.log, method, err);
    return { code: status.code, message: status.details };
  }
}

/**
 * Holds the values the Gets of one reply carry to kvs.batchReplyBytesMax, so the reply stays well
 * inside what a gRPC message may hold: a Get past it is answered "send alone" (reads are safe to
 * ask again; the client does).
 */
function fitReply(results: BatchResult[], bytesMax: number): BatchResult[] {
  let bytes = 0;
  return results.map((r) => {
    const size = (r.get?.value as Buffer | undefined)?.length ?? 0;
    if (size === 0) return r;
    if (bytes + size > bytesMax) return { send_alone: true };
    bytes += size;
    return r;
  });
}
