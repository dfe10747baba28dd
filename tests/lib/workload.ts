// Concurrent clients against a real cluster, recording every operation for the
// linearizability checker. Each operation is tried once: a failure is recorded with no answer
// (ret null), since it may or may not have taken effect.
import type { Config } from '../../cluster/common/config.ts';
import { ClusterClient } from '../../cluster/kvs/cluster-client.ts';
import type { KvOp, KvResult, Operation } from './linearizability.ts';

export interface WorkloadOptions {
  clients: number;
  keys: string[];
  /** Row every key lives in: keys are columns of a few rows so they spread over tablets. */
  rowOf: (key: string) => string;
  random: () => number;
  /**
   * The callers share this many cluster clients, so the operations of those on one client go to
   * the primary as Batch calls, as a frontend's do (default: each caller its own client).
   */
  sharedClients?: number;
}

export class Workload {
  readonly history: Operation[] = [];
  private readonly clients: ClusterClient[];
  private running = false;
  private loops: Promise<void>[] = [];
  private counter = 0;
  private readonly lastPut = new Map<string, string>();
  acknowledgedWrites = 0;

  constructor(
    config: Readonly<Config>,
    private readonly o: WorkloadOptions,
  ) {
    this.clients = Array.from({ length: o.sharedClients ?? o.clients }, () => new ClusterClient(config, { retryDeadlineMs: 0, callTimeoutMs: 4000 }));
  }

  start(): void {
    this.running = true;
    this.loops = Array.from({ length: this.o.clients }, (_, id) => this.loop(this.clients[id % this.clients.length]!, id));
  }

  /** Operations the clients sent in Batch calls, and those calls. */
  batchFigures(): { batches: number; batchedOps: number } {
    const figures = this.clients.map((c) => c.batchFigures());
    return { batches: figures.reduce((n, f) => n + f.batches, 0), batchedOps: figures.reduce((n, f) => n + f.batchedOps, 0) };
  }

  async stop(): Promise<void> {
    this.running = false;
    await Promise.all(this.loops);
  }

  close(): void {
    this.clients.forEach((c) => c.close());
  }

  /** Runs one operation and records it; returns whether it was answered. */
  async run(client: ClusterClient, clientId: number, key: string, op: KvOp): Promise<Operation> {
    const row = this.o.rowOf(key);
    const record: Operation = { clientId, key, op, call: performance.now(), ret: null };
    this.history.push(record);
    try {
      let result: KvResult | undefined;
      if (op.kind === 'put') {
        await client.put(row, key, op.value);
        this.acknowledgedWrites++;
      } else if (op.kind === 'get') {
        const v = await client.get(row, key);
        result = v === undefined ? { found: false } : { found: true, value: v.toString() };
      } else if (op.kind === 'cput') {
        result = { applied: await client.cput(row, key, op.expected, op.value) };
        this.acknowledgedWrites++;
      } else {
        result = { existed: await client.delete(row, key) };
        this.acknowledgedWrites++;
      }
      record.ret = performance.now();
      if (result) record.result = result;
    } catch {
      // No answer: the checker lets it take effect at any time after its call, or never.
    }
    return record;
  }

  /** Reads every key once, answered, after the load: the final state the checker sees. */
  async finalReads(client: ClusterClient): Promise<void> {
    for (const key of this.o.keys) {
      const record = await this.run(client, -1, key, { kind: 'get' });
      if (record.ret === null) throw new Error(`final read of ${key} failed`);
    }
  }

  /**
   * Acknowledged puts whose value is gone: per key, the last acknowledged write by (ret) must
   * be the final value, unless an unanswered or overlapping write may have replaced it.
   */
  lostWrites(): number {
    let lost = 0;
    const byKey = new Map<string, Operation[]>();
    for (const op of this.history) byKey.set(op.key, [...(byKey.get(op.key) ?? []), op]);
    for (const ops of byKey.values()) {
      const final = ops.filter((o) => o.clientId === -1 && o.op.kind === 'get').at(-1);
      const writes = ops.filter((o) => o.op.kind === 'put' && o.clientId !== -1);
      const lastAcked = writes.filter((o) => o.ret !== null).sort((a, b) => a.ret! - b.ret!).at(-1);
      if (!final || !lastAcked || lastAcked.op.kind !== 'put') continue;
      const finalValue = final.result && 'value' in final.result ? final.result.value : undefined;
      // Writes that could have come after it: answered later, or never answered and called after its call.
      const later = ops.filter(
        (o) => o !== lastAcked && o.op.kind !== 'get' && o.clientId !== -1 && (o.ret === null ? o.call > lastAcked.call : o.ret > lastAcked.call),
      );
      if (finalValue !== lastAcked.op.value && later.length === 0) lost++;
    }
    return lost;
  }

  private async loop(client: ClusterClient, id: number): Promise<void> {
    const { keys, random } = this.o;
    while (this.running) {
      const key = keys[Math.floor(random() * keys.length)]!;
      const r = random();
      const value = `c${id}-${this.counter++}`;
      let op: KvOp;
      if (r < 0.5) {
        op = { kind: 'put', value };
        this.lastPut.set(key, value);
      }
      else if (r < 0.8) op = { kind: 'get' };
      else if (r < 0.95) {
        op = { kind: 'cput', expected: this.lastPut.get(key) ?? null, value };
      } else op = { kind: 'delete' };
      const record = await this.run(client, id, key, op);
      // Back off after a failure so a failover is not a storm of doomed calls.
      if (record.ret === null) await new Promise((r) => setTimeout(r, 50));
    }
  }
}
