// Turns a failed search into a few lines a person can act on: the end of the longest partial
// linearization, the value it leaves, and why each operation real time allows next cannot go.
// Operations are named by their index in the caller's history (#12), with client and times.

import type { KeyHistory, Operation } from './linearizability-history.ts';
import { initialAbsence, type Impossible } from './linearizability-precheck.ts';
import { ABSENT, step, type SearchOp, type Stuck } from './linearizability-search.ts';

const frontierShownMax = 8;
const valueCharsMax = 40;

export function explainImpossible(k: KeyHistory, history: readonly Operation[], found: Impossible): string {
  const name = (i: number): string =>
    i === initialAbsence ? 'the empty start' : describe(history, k.origins[i]!);
  const head = `key ${show(k.key)}: not linearizable.`;
  if (found.kind === 'overused') {
    const state = showState(k, k.ops[found.swaps[0]!]!.a);
    return [
      head,
      `${found.swaps.length} cputs applied on ${state}, but only ${plural(found.writers.length, 'write')} could have made it:`,
      ...found.swaps.map((i) => `  ${name(i)}`),
      `and each applied cput moves the key off ${state}. The writes:`,
      ...found.writers.map((i) => `  ${name(i)}`),
    ].join('\n');
  }
  const reader = k.ops[found.reader]!;
  const saw = `${reader.effect === 'swap' ? 'applied on' : 'saw'} ${showState(k, reader.a)}`;
  const lines = [head, `  ${name(found.reader)}`];
  switch (found.kind) {
    case 'unwritten':
      lines.push(`${saw}, which no operation on this key writes.`);
      break;
    case 'future':
      lines.push(`${saw}, but the first write of it was called after that returned:`, `  ${name(found.firstWriter)}`);
      break;
    case 'overwritten':
      if (found.writer === initialAbsence) {
        lines.push(`${saw}, but no delete was called before it returned, and this write was in effect before it was called:`);
      } else {
        lines.push(
          `${saw}; the write of it that returned last among those it could see is`,
          `  ${name(found.writer)}`,
          `but this write of another state was called after that returned and took effect before the read was called:`,
        );
      }
      lines.push(`  ${name(found.overwriter)}`);
      if (found.witness !== -1) lines.push(`as this read of what it wrote shows:`, `  ${name(found.witness)}`);
      break;
  }
  return lines.join('\n');
}

export function explainStuck(k: KeyHistory, history: readonly Operation[], stuck: Stuck): string {
  const answered = k.ops.filter((o) => o.ret !== Infinity).length;
  const lines = [`key ${show(k.key)}: not linearizable.`];
  if (stuck.lastOps.length === 0) {
    lines.push(`Not even the first operation fits; the key starts absent.`);
  } else {
    lines.push(`The longest linearizable prefix orders ${stuck.depth} of its ${answered} answered operations, ending`);
    for (const i of stuck.lastOps) lines.push(`  ${describe(history, k.origins[i]!)}`);
    lines.push(`which leaves ${showState(k, stuck.state)}. None of the operations real time allows next can go:`);
  }
  const known = stuck.frontier.filter((i) => k.ops[i]!.ret !== Infinity);
  // The bounding operation comes first: it is the one that had to go before everything later.
  const shown = [stuck.bounding, ...known.filter((i) => i !== stuck.bounding)].slice(0, frontierShownMax);
  for (const i of shown) {
    const note = i === stuck.bounding ? `; answered before anything not listed was called` : '';
    lines.push(`  ${describe(history, k.origins[i]!)}: ${why(k, history, stuck, k.ops[i]!)}${note}`);
  }
  if (known.length > shown.length) lines.push(`  … and ${known.length - shown.length} more`);
  const unanswered = stuck.frontier.length - known.length;
  if (unanswered > 0) lines.push(`(${unanswered} operations with no answer could also go here; none makes the rest fit.)`);
  return lines.join('\n');
}

function why(k: KeyHistory, history: readonly Operation[], stuck: Stuck, o: SearchOp): string {
  const state = stuck.state;
  if (step(o, state) >= 0) {
    // The search's usual reason to refuse a write: it strands a read of the current state.
    const left = (i: number): boolean => ((stuck.linearized[i >>> 5]! >>> (i & 31)) & 1) === 0;
    const reads = (p: SearchOp): boolean => (p.effect === 'read' || p.effect === 'swap') && p.a === state;
    const writes = (p: SearchOp): boolean => p.effect !== 'read' && p.effect !== 'notSwap' && p.w === state;
    const stranded = k.ops.findIndex((p, i) => p !== o && left(i) && reads(p));
    const rewritable = k.ops.some((p, i) => p !== o && left(i) && writes(p) && p.effect !== 'remove');
    if (step(o, state) !== state && stranded !== -1 && !rewritable) {
      const reader = describe(history, k.origins[stranded]!);
      return `fits, but would leave\n    ${reader}\n  with no write of ${showState(k, state)} to come`;
    }
    return 'fits, but no order after it does';
  }
  switch (o.effect) {
    case 'read':
    case 'swap':
      return `needs ${showState(k, o.a)}`;
    case 'notSwap':
      return `needs anything but ${showState(k, o.a)}`;
    case 'remove':
      return 'needs a value present';
    case 'set':
    case 'maybeSwap':
      return 'fits';
  }
}

/** "#12 client 3: cput "a" → "b", applied [20, 35]" */
export function describe(history: readonly Operation[], index: number): string {
  const o = history[index]!;
  const r = o.ret === null ? undefined : o.result;
  let what: string;
  switch (o.op.kind) {
    case 'put':
      what = `put ${show(o.op.value)}`;
      break;
    case 'get':
      what = r === undefined ? 'get' : `get → ${'found' in r && r.found ? show(r.value ?? '') : 'absent'}`;
      break;
    case 'cput':
      what = `cput ${o.op.expected === null ? 'absent' : show(o.op.expected)} → ${show(o.op.value)}`;
      if (r !== undefined) what += 'applied' in r && r.applied ? ', applied' : ', not applied';
      break;
    case 'delete':
      what = 'delete';
      if (r !== undefined) what += 'existed' in r && r.existed ? ', existed' : ', found nothing';
      break;
  }
  if (o.ret === null && o.op.kind !== 'put') what += ', outcome unknown';
  return `#${index} client ${o.clientId}: ${what} [${o.call}, ${o.ret ?? 'no answer'}]`;
}

function plural(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}

function showState(k: KeyHistory, state: number): string {
  return state === ABSENT ? 'the key absent' : show(k.values[state] ?? '');
}

function show(value: string): string {
  const text = JSON.stringify(value);
  return text.length <= valueCharsMax ? text : `${text.slice(0, valueCharsMax - 2)}…"`;
}
