// Checks that a history of key-value operations is linearizable against a register per key
// (put, get, cput, delete). Keys are independent (linearizability is local: Herlihy & Wing
// 1990, Theorem 1; porcupine's P-compositionality), so each key is searched on its own, the
// smallest first. An operation with no answer (ret null) may take effect at any time after its
// call, or never, and its result is not checked.
//
// A malformed history (a return before its call, a get answered without a result) is a bug in
// the harness and throws.

import { ABSENT, searchKey, type Budget, type Effect, type SearchOp } from './linearizability-search.ts';
import { explainImpossible, explainStuck } from './linearizability-explain.ts';
import type { KeyHistory, Operation } from './linearizability-history.ts';
import { findImpossible } from './linearizability-precheck.ts';

export type { KvOp, KvResult, Operation } from './linearizability-history.ts';

export type LinearizabilityResult =
  | { ok: true }
  | { ok: false; key: string; explanation: string }
  /** timeout: timeoutMs passed; memo-full: one key's memo reached memoBytesMax. */
  | { ok: 'unknown'; reason: 'timeout' | 'memo-full'; key: string };

export interface CheckOptions {
  /** Default 10 000 ms. */
  timeoutMs?: number;
  /** Default 512 MiB, for the memo of any one key. */
  memoBytesMax?: number;
  /** Milliseconds; default performance.now. */
  now?: () => number;
}


export function checkLinearizable(history: readonly Operation[], options: CheckOptions = {}): LinearizabilityResult {
  const now = options.now ?? (() => performance.now());
  const budget: Budget = {
    deadline: now() + (options.timeoutMs ?? 10_000),
    now,
    memoBytesMax: options.memoBytesMax ?? 512 * 1024 * 1024,
    steps: 0,
  };
  history.forEach(validate);
  const keys = partitionByKey(history).sort((x, y) => x.ops.length - y.ops.length);
  for (const k of keys) {
    const impossible = findImpossible(k.ops, k.values.length);
    if (impossible !== null) return { ok: false, key: k.key, explanation: explainImpossible(k, history, impossible) };
  }
  for (const k of keys) {
    const outcome = searchKey(k.ops, k.values.length, budget);
    if (outcome.ok === 'unknown') return { ok: 'unknown', reason: outcome.reason, key: k.key };
    if (!outcome.ok) return { ok: false, key: k.key, explanation: explainStuck(k, history, outcome.stuck) };
  }
  return { ok: true };
}

function validate(o: Operation, index: number): void {
  const where = `operation #${index} (client ${o.clientId}, ${o.op.kind} ${JSON.stringify(o.key)})`;
  if (!Number.isFinite(o.call)) throw new Error(`${where}: call must be a finite number`);
  if (o.ret === null) return;
  if (!Number.isFinite(o.ret) || o.ret < o.call) throw new Error(`${where}: ret must be a number >= call`);
  const r = o.result;
  const ok =
    o.op.kind === 'put' ||
    (o.op.kind === 'get' && r !== undefined && 'found' in r && (!r.found || typeof r.value === 'string')) ||
    (o.op.kind === 'cput' && r !== undefined && 'applied' in r) ||
    (o.op.kind === 'delete' && r !== undefined && 'existed' in r);
  if (!ok) throw new Error(`${where}: answered without the result its kind needs`);
}

function partitionByKey(history: readonly Operation[]): KeyHistory[] {
  const byKey = new Map<string, { key: string; indices: number[]; interned: Map<string, number> }>();
  history.forEach((o, index) => {
    // A get with no answer constrains nothing, so it is left out of the search altogether.
    if (o.ret === null && o.op.kind === 'get') return;
    let k = byKey.get(o.key);
    if (k === undefined) byKey.set(o.key, (k = { key: o.key, indices: [], interned: new Map() }));
    k.indices.push(index);
  });
  return [...byKey.values()].map(({ key, indices, interned }) => {
    indices.sort((x, y) => history[x]!.call - history[y]!.call || x - y);
    const values: (string | undefined)[] = [undefined];
    const intern = (v: string | null | undefined): number => {
      if (v === null || v === undefined) return ABSENT;
      let s = interned.get(v);
      if (s === undefined) interned.set(v, (s = values.push(v) - 1));
      return s;
    };
    const ops = indices.map((i) => toSearchOp(history[i]!, intern));
    return { key, ops, origins: indices, values };
  });
}

function toSearchOp(o: Operation, intern: (v: string | null | undefined) => number): SearchOp {
  const ret = o.ret ?? Infinity;
  const answered = o.ret !== null;
  const r = o.result;
  const make = (effect: Effect, a: number, w: number): SearchOp => ({ call: o.call, ret, effect, a, w });
  switch (o.op.kind) {
    case 'put':
      return make('set', ABSENT, intern(o.op.value));
    case 'get':
      return make('read', r !== undefined && 'found' in r && r.found ? intern(r.value) : ABSENT, ABSENT);
    case 'cput': {
      const [a, w] = [intern(o.op.expected), intern(o.op.value)];
      if (!answered) return make('maybeSwap', a, w);
      return make(r !== undefined && 'applied' in r && r.applied ? 'swap' : 'notSwap', a, w);
    }
    case 'delete':
      if (!answered) return make('set', ABSENT, ABSENT);
      return make(r !== undefined && 'existed' in r && r.existed ? 'remove' : 'read', ABSENT, ABSENT);
  }
}
