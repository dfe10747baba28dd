// SEARCH (RFC 3501 §6.4.4): criteria parsed into a tree, then evaluated in two passes so that
// message content is read only where it can change the answer. The first pass uses what the
// session already holds (flags, sizes, dates, UIDs, sequence numbers) and leaves text criteria
// unknown; a message whose answer is still unknown then has its text criteria settled by the
// store's own index (ImapStore.searchText) when it offers one, or by reading the message.
import { parseDate } from './encode.ts';
import { decodedText, decodeWords, header, parseMime, type MimePart } from './mime.ts';
import { astring, inSequenceSet, parseSequenceSet, type SequenceSet, type Token } from './parser.ts';
import type { ImapStore, MessageMeta, SystemFlag, TextCriterion } from './ports.ts';

export type SearchNode =
  | { op: 'all' }
  | { op: 'none' }
  | { op: 'flag'; flag: SystemFlag; has: boolean }
  | { op: 'seq'; set: SequenceSet }
  | { op: 'uid'; set: SequenceSet }
  | { op: 'size'; larger: boolean; bytes: number }
  | { op: 'date'; sent: boolean; cmp: 'before' | 'on' | 'since'; dayMs: number }
  | { op: 'text'; criterion: TextCriterion }
  | { op: 'not'; a: SearchNode }
  | { op: 'or'; a: SearchNode; b: SearchNode }
  | { op: 'and'; items: SearchNode[] };

export type SearchParse = { ok: true; node: SearchNode } | { ok: false; message: string };

const flagKeys: Record<string, [SystemFlag, boolean]> = {
  ANSWERED: ['\\Answered', true],
  DELETED: ['\\Deleted', true],
  DRAFT: ['\\Draft', true],
  FLAGGED: ['\\Flagged', true],
  SEEN: ['\\Seen', true],
  UNANSWERED: ['\\Answered', false],
  UNDELETED: ['\\Deleted', false],
  UNDRAFT: ['\\Draft', false],
  UNFLAGGED: ['\\Flagged', false],
  UNSEEN: ['\\Seen', false],
  // \Recent is not kept (ports.ts): no message is recent, so NEW is nothing and OLD is all.
  OLD: ['\\Seen', true],
};
const textKeys = new Set(['FROM', 'TO', 'CC', 'BCC', 'SUBJECT', 'BODY', 'TEXT']);
const dateKeys: Record<string, [boolean, 'before' | 'on' | 'since']> = {
  BEFORE: [false, 'before'],
  ON: [false, 'on'],
  SINCE: [false, 'since'],
  SENTBEFORE: [true, 'before'],
  SENTON: [true, 'on'],
  SENTSINCE: [true, 'since'],
};

class SearchError extends Error {}

/** Parses SEARCH arguments (after an optional CHARSET, which the caller checks). */
export function parseSearch(args: readonly Token[]): SearchParse {
  try {
    const items: SearchNode[] = [];
    const cursor = { i: 0 };
    while (cursor.i < args.length) items.push(parseKey(args, cursor));
    if (items.length === 0) return { ok: false, message: 'Missing search criteria' };
    return { ok: true, node: items.length === 1 ? (items[0] as SearchNode) : { op: 'and', items } };
  } catch (err) {
    if (err instanceof SearchError) return { ok: false, message: err.message };
    throw err;
  }
}

function parseKey(args: readonly Token[], cursor: { i: number }): SearchNode {
  const token = args[cursor.i++];
  if (!token) throw new SearchError('Missing search key');
  if (token.kind === 'list') {
    if (token.items.length === 0) throw new SearchError('Empty parenthesised search');
    const inner: SearchNode[] = [];
    const c = { i: 0 };
    while (c.i < token.items.length) inner.push(parseKey(token.items, c));
    return inner.length === 1 ? (inner[0] as SearchNode) : { op: 'and', items: inner };
  }
  if (token.kind !== 'atom') throw new SearchError('Expected a search key');
  const key = token.value.toUpperCase();
  const arg = (): string => {
    const v = astring(args[cursor.i++]);
    if (v === undefined) throw new SearchError(`${key} needs an argument`);
    return v;
  };
  if (key === 'ALL') return { op: 'all' };
  if (key === 'NEW' || key === 'RECENT') return { op: 'none' };
  const flag = flagKeys[key];
  if (flag) return { op: 'flag', flag: flag[0], has: flag[1] };
  if (key === 'KEYWORD' || key === 'UNKEYWORD') {
    arg();
    // No keywords are kept: KEYWORD matches nothing, UNKEYWORD everything.
    return key === 'KEYWORD' ? { op: 'none' } : { op: 'all' };
  }
  if (textKeys.has(key)) return { op: 'text', criterion: { key: key.toLowerCase() as 'from', value: arg() } };
  if (key === 'HEADER') {
    const field = arg();
    return { op: 'text', criterion: { key: 'header', field: field.toLowerCase(), value: arg() } };
  }
  const date = dateKeys[key];
  if (date) {
    const dayMs = parseDate(arg());
    if (dayMs === undefined) throw new SearchError(`${key} needs a date like 1-Feb-2026`);
    return { op: 'date', sent: date[0], cmp: date[1], dayMs };
  }
  if (key === 'LARGER' || key === 'SMALLER') {
    const v = arg();
    if (!/^\d{1,15}$/.test(v)) throw new SearchError(`${key} needs a number`);
    return { op: 'size', larger: key === 'LARGER', bytes: Number(v) };
  }
  if (key === 'UID') {
    const set = parseSequenceSet(arg());
    if (!set) throw new SearchError('UID needs a UID set');
    return { op: 'uid', set };
  }
  if (key === 'NOT') return { op: 'not', a: parseKey(args, cursor) };
  if (key === 'OR') {
    const a = parseKey(args, cursor);
    return { op: 'or', a, b: parseKey(args, cursor) };
  }
  const set = parseSequenceSet(token.value);
  if (set) return { op: 'seq', set };
  throw new SearchError(`Unknown search key ${key.slice(0, 30)}`);
}

export interface Candidate {
  seq: number;
  meta: MessageMeta;
}

/** What a text criterion is for one message: settled, or unknown until its content is read. */
type TextAnswer = (c: TextCriterion, sentDate: { cmp: 'before' | 'on' | 'since'; dayMs: number } | null) => boolean | undefined;

const dayMs = 86_400_000;

/** Three-valued: undefined when a text or sent-date criterion decides and is not yet known. */
export function evaluate(node: SearchNode, m: Candidate, largestSeq: number, largestUid: number, text: TextAnswer): boolean | undefined {
  switch (node.op) {
    case 'all':
      return true;
    case 'none':
      return false;
    case 'flag':
      return m.meta.flags.includes(node.flag) === node.has;
    case 'seq':
      return inSequenceSet(node.set, m.seq, largestSeq);
    case 'uid':
      return inSequenceSet(node.set, m.meta.uid, largestUid);
    case 'size':
      return node.larger ? m.meta.size > node.bytes : m.meta.size < node.bytes;
    case 'date':
      if (node.sent) return text({ key: 'header', field: 'date', value: '' }, node);
      return compareDay(m.meta.internalDate.getTime(), node.cmp, node.dayMs);
    case 'text':
      return text(node.criterion, null);
    case 'not': {
      const a = evaluate(node.a, m, largestSeq, largestUid, text);
      return a === undefined ? undefined : !a;
    }
    case 'or': {
      const a = evaluate(node.a, m, largestSeq, largestUid, text);
      if (a === true) return true;
      const b = evaluate(node.b, m, largestSeq, largestUid, text);
      if (b === true) return true;
      return a === undefined || b === undefined ? undefined : false;
    }
    case 'and': {
      let unknown = false;
      for (const item of node.items) {
        const r = evaluate(item, m, largestSeq, largestUid, text);
        if (r === false) return false;
        if (r === undefined) unknown = true;
      }
      return unknown ? undefined : true;
    }
  }
}

/** RFC 3501 dates ignore time and zone: compare whole UTC days. */
function compareDay(ms: number, cmp: 'before' | 'on' | 'since', day: number): boolean {
  const start = Math.floor(ms / dayMs) * dayMs;
  if (cmp === 'before') return start < day;
  if (cmp === 'on') return start === day;
  return start >= day;
}

function textCriteria(node: SearchNode, out: TextCriterion[]): TextCriterion[] {
  if (node.op === 'text') out.push(node.criterion);
  else if (node.op === 'not') textCriteria(node.a, out);
  else if (node.op === 'or') {
    textCriteria(node.a, out);
    textCriteria(node.b, out);
  } else if (node.op === 'and') node.items.forEach((n) => textCriteria(n, out));
  return out;
}

/** Messages read at once when the store has no index. */
const readConcurrency = 8;

/** The candidates that match, in sequence order. */
export async function runSearch(store: ImapStore, folder: string, node: SearchNode, candidates: readonly Candidate[]): Promise<Candidate[]> {
  const largestSeq = candidates.length;
  const largestUid = candidates.length ? (candidates[candidates.length - 1] as Candidate).meta.uid : 0;
  const unknownText: TextAnswer = () => undefined;
  const matched = new Set<Candidate>();
  let open: Candidate[] = [];
  for (const m of candidates) {
    const r = evaluate(node, m, largestSeq, largestUid, unknownText);
    if (r === true) matched.add(m);
    else if (r === undefined) open.push(m);
  }
  if (open.length && store.searchText) {
    const indexed = new Map<TextCriterion, ReadonlySet<number>>();
    const uids = open.map((m) => m.meta.uid);
    for (const c of textCriteria(node, [])) {
      const set = await store.searchText(folder, c, uids);
      if (set) indexed.set(c, set);
    }
    const still: Candidate[] = [];
    for (const m of open) {
      const answer: TextAnswer = (c, sent) => (sent === null && indexed.has(c) ? (indexed.get(c) as ReadonlySet<number>).has(m.meta.uid) : undefined);
      const r = evaluate(node, m, largestSeq, largestUid, answer);
      if (r === true) matched.add(m);
      else if (r === undefined) still.push(m);
    }
    open = still;
  }
  for (let i = 0; i < open.length; i += readConcurrency) {
    const batch = open.slice(i, i + readConcurrency);
    const raws = await Promise.all(batch.map((m) => store.read(folder, m.meta.uid)));
    batch.forEach((m, k) => {
      const raw = raws[k];
      if (!raw) return;
      const content = new MessageText(raw);
      if (evaluate(node, m, largestSeq, largestUid, (c, sent) => content.matches(c, sent)) === true) matched.add(m);
    });
  }
  return candidates.filter((m) => matched.has(m));
}

/** One message's text, parsed and decoded only as far as the criteria need. */
export class MessageText {
  private root: MimePart | undefined;
  private headerText = new Map<string, string>();
  private body: string | undefined;
  private all: string | undefined;

  constructor(private readonly raw: Buffer) {}

  matches(c: TextCriterion, sent: { cmp: 'before' | 'on' | 'since'; dayMs: number } | null): boolean {
    const root = this.mime();
    if (sent) {
      const ms = Date.parse(header(root.headers, 'date') ?? '');
      return Number.isFinite(ms) && compareDay(ms, sent.cmp, sent.dayMs);
    }
    const needle = c.value.toLowerCase();
    switch (c.key) {
      case 'body':
        return this.bodyText().includes(needle);
      case 'text':
        return this.allHeaders().includes(needle) || this.bodyText().includes(needle);
      case 'header': {
        const present = root.headers.some((h) => h.name === c.field);
        return present && (needle === '' || this.field(c.field).includes(needle));
      }
      default:
        return this.field(c.key).includes(needle);
    }
  }

  private mime(): MimePart {
    this.root ??= parseMime(this.raw);
    return this.root;
  }

  private field(name: string): string {
    let v = this.headerText.get(name);
    if (v === undefined) {
      v = decodeWords(
        this.mime()
          .headers.filter((h) => h.name === name)
          .map((h) => h.value)
          .join('\n'),
      ).toLowerCase();
      this.headerText.set(name, v);
    }
    return v;
  }

  private allHeaders(): string {
    this.all ??= decodeWords(this.mime().headers.map((h) => `${h.name}: ${h.value}`).join('\n')).toLowerCase();
    return this.all;
  }

  private bodyText(): string {
    if (this.body === undefined) {
      const out: string[] = [];
      collectText(this.raw, this.mime(), out, 0);
      this.body = out.join('\n').toLowerCase();
    }
    return this.body;
  }
}

/** The decoded text of every text/* leaf (and of messages inside the message). */
function collectText(raw: Buffer, part: MimePart, out: string[], depth: number): void {
  if (depth > 20 || out.length > 200) return;
  if (part.children.length) part.children.forEach((c) => collectText(raw, c, out, depth + 1));
  else if (part.message) {
    out.push(decodeWords(part.message.headers.map((h) => `${h.name}: ${h.value}`).join('\n')));
    collectText(raw, part.message, out, depth + 1);
  } else if (part.type === 'text') out.push(decodedText(raw, part));
}
