// Clients of the simulated group. Each runs one operation at a time on a handful of keys — put,
// conditional put, delete, get — against the primary the coordinator names, and records every
// call in the history the linearizability checker reads: call time, return time (null when the
// call failed or timed out: its outcome is unknown) and result. Every value written is unique
// ("client1.17"), so a read names the one write it saw.
import type { KvOp, KvResult, Operation } from '../lib/linearizability.ts';
import type { ClientOp, ClientReply } from './sim-node.ts';

export interface ClientWorld {
  now(): number;
  sleep(ms: number): Promise<void>;
  /** The primary the coordinator names now ('' for none). */
  primary(): string;
  /** A call to a node's KeyValue service over the fake network. */
  call(client: string, node: string, op: ClientOp, timeoutMs: number): Promise<ClientReply>;
  history: Operation[];
}

export const column = 'v';
/** A client gives up on a call after this; the operation's outcome is then unknown. */
export const clientTimeoutMs = 3000;

export class SimClient {
  private seq = 0;
  /** What this client last saw in each key: a value, null for absent; missing when unknown. */
  private readonly seen = new Map<string, string | null>();

  constructor(
    readonly id: number,
    private readonly w: ClientWorld,
    private readonly random: () => number,
    private readonly keys: readonly string[],
    /** Values written so far per key by anyone, for stale cputs. */
    private readonly written: Map<string, string[]>,
  ) {}

  /** Not c0…: those are the coordinator members' endpoints. */
  get name(): string {
    return `client${this.id}`;
  }

  /** Runs operations until stop() holds, thinking up to thinkMsMax between them. */
  async run(stop: () => boolean, thinkMsMax: number): Promise<void> {
    while (!stop()) {
      const target = this.w.primary();
      if (target === '') {
        await this.w.sleep(50 + Math.floor(this.random() * 150));
        continue;
      }
      await this.once(this.pick(), target);
      await this.w.sleep(Math.floor(this.random() * (thinkMsMax + 1)));
    }
  }

  /** One operation on key against node, recorded; resolves with its result or null. */
  async once(op: KvOp & { key: string }, node: string): Promise<KvResult | null> {
    const { key } = op;
    const record: Operation = { clientId: this.id, key, op: stripKey(op), call: this.w.now(), ret: null };
    this.w.history.push(record);
    let reply: ClientReply;
    try {
      reply = await this.w.call(this.name, node, toClientOp(op), clientTimeoutMs);
    } catch {
      this.seen.delete(key);
      return null;
    }
    record.ret = this.w.now();
    const result = toResult(op, reply);
    if (result) record.result = result;
    this.learn(op, result);
    return result ?? { applied: true };
  }

  /** A read of key, retried until it is answered (for the final reads). */
  async readUntilAnswered(key: string, forMs: number): Promise<boolean> {
    const end = this.w.now() + forMs;
    while (this.w.now() < end) {
      const target = this.w.primary();
      if (target !== '' && (await this.once({ kind: 'get', key }, target)) !== null) return true;
      await this.w.sleep(100);
    }
    return false;
  }

  private pick(): KvOp & { key: string } {
    const key = this.keys[Math.floor(this.random() * this.keys.length)]!;
    const value = `${this.name}.${this.seq++}`;
    const r = this.random();
    if (r < 0.3) {
      this.note(key, value);
      return { kind: 'put', key, value };
    }
    if (r < 0.55) return { kind: 'get', key };
    if (r < 0.85) {
      this.note(key, value);
      return { kind: 'cput', key, expected: this.expectation(key), value };
    }
    return { kind: 'delete', key };
  }

  /** Mostly what this client last saw; sometimes absence or an older value, which should fail. */
  private expectation(key: string): string | null {
    const seen = this.seen.get(key);
    const r = this.random();
    if (seen !== undefined && r < 0.7) return seen;
    const older = this.written.get(key) ?? [];
    if (older.length > 0 && r < 0.9) return older[Math.floor(this.random() * older.length)]!;
    return null;
  }

  private note(key: string, value: string): void {
    let list = this.written.get(key);
    if (!list) this.written.set(key, (list = []));
    list.push(value);
  }

  private learn(op: KvOp & { key: string }, result: KvResult | undefined): void {
    if (op.kind === 'put') this.seen.set(op.key, op.value);
    else if (op.kind === 'get' && result && 'found' in result) this.seen.set(op.key, result.found ? (result.value ?? null) : null);
    else if (op.kind === 'cput' && result && 'applied' in result && result.applied) this.seen.set(op.key, op.value);
    else if (op.kind === 'delete') this.seen.set(op.key, null);
    else this.seen.delete(op.key);
  }
}

function stripKey(op: KvOp & { key: string }): KvOp {
  switch (op.kind) {
    case 'put':
      return { kind: 'put', value: op.value };
    case 'get':
      return { kind: 'get' };
    case 'cput':
      return { kind: 'cput', expected: op.expected, value: op.value };
    case 'delete':
      return { kind: 'delete' };
  }
}

function toClientOp(op: KvOp & { key: string }): ClientOp {
  const cell = { row: op.key, column };
  switch (op.kind) {
    case 'put':
      return { kind: 'put', ...cell, value: op.value };
    case 'get':
      return { kind: 'get', ...cell };
    case 'cput':
      return { kind: 'cput', ...cell, expected: op.expected, value: op.value };
    case 'delete':
      return { kind: 'delete', ...cell };
  }
}

function toResult(op: KvOp, reply: ClientReply): KvResult | undefined {
  if (op.kind === 'put') return undefined;
  if (op.kind === 'get' && 'found' in reply) return reply.found ? { found: true, value: reply.value! } : { found: false };
  if (op.kind === 'cput' && 'applied' in reply) return { applied: reply.applied };
  if (op.kind === 'delete' && 'existed' in reply) return { existed: reply.existed };
  throw new Error(`reply ${JSON.stringify(reply)} does not fit a ${op.kind}`);
}
