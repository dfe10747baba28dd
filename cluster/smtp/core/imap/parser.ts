// Parses one framed IMAP command (framer.ts) into its tag, its name and a tree of tokens
// (RFC 3501 §9): atoms, strings (quoted or literal) and parenthesised lists. What each command
// makes of its tokens is the session's business. Anything malformed comes back as an error
// value naming the tag when it could be read, for a tagged BAD — the parser never throws.
// Limits: nesting depth and tokens per command (literal and line sizes are the framer's).

export type Token =
  | { kind: 'atom'; value: string }
  | { kind: 'string'; value: Buffer }
  | { kind: 'list'; items: Token[] };

export type Parsed = { ok: true; tag: string; name: string; args: Token[] } | { ok: false; tag: string | null; message: string };

export interface ParserLimits {
  depthMax: number;
  tokensMax: number;
}

export const defaultParserLimits: ParserLimits = { depthMax: 16, tokensMax: 2000 };

const tagPattern = /^[\x21\x23\x24\x26\x27\x2c-\x5b\x5d-\x7a\x7c\x7d\x7e]{1,64}$/;

class ParseError extends Error {}

export function parseCommand(data: Buffer, limits: ParserLimits = defaultParserLimits): Parsed {
  const space = data.indexOf(0x20);
  const tagText = data.subarray(0, space === -1 ? Math.min(data.length, 65) : space).toString('latin1');
  const tag = tagPattern.test(tagText) ? tagText : null;
  if (tag === null) return { ok: false, tag: null, message: 'Missing or invalid tag' };
  if (space === -1) return { ok: false, tag, message: 'Missing command' };
  try {
    const reader = new Reader(data, space + 1, limits);
    const tokens = reader.list(0, false);
    const first = tokens.shift();
    if (!first || first.kind !== 'atom' || !/^[A-Za-z]+$/.test(first.value)) return { ok: false, tag, message: 'Missing or invalid command name' };
    return { ok: true, tag, name: first.value.toUpperCase(), args: tokens };
  } catch (err) {
    if (err instanceof ParseError) return { ok: false, tag, message: err.message };
    throw err;
  }
}

class Reader {
  private tokens = 0;

  constructor(
    private readonly data: Buffer,
    private at: number,
    private readonly limits: ParserLimits,
  ) {}

  /** Tokens separated by single spaces up to ")" (inList) or the end. */
  list(depth: number, inList: boolean): Token[] {
    if (depth > this.limits.depthMax) throw new ParseError('Too deeply nested');
    const items: Token[] = [];
    const d = this.data;
    for (;;) {
      if (this.at >= d.length) {
        if (inList) throw new ParseError('Unterminated list');
        return items;
      }
      if (d[this.at] === 0x29) {
        if (!inList) throw new ParseError('Unexpected ")"');
        this.at++;
        return items;
      }
      if (items.length > 0) {
        if (d[this.at] !== 0x20) throw new ParseError('Expected a space between arguments');
        this.at++;
        if (this.at >= d.length || d[this.at] === 0x29) throw new ParseError('Unexpected space');
      }
      if (++this.tokens > this.limits.tokensMax) throw new ParseError('Too many arguments');
      items.push(this.token(depth));
    }
  }

  private token(depth: number): Token {
    const c = this.data[this.at];
    if (c === 0x28) {
      this.at++;
      return { kind: 'list', items: this.list(depth + 1, true) };
    }
    if (c === 0x22) return this.quoted();
    if (c === 0x7b) return this.literal();
    return this.atom();
  }

  private quoted(): Token {
    const d = this.data;
    const bytes: number[] = [];
    this.at++;
    for (;;) {
      if (this.at >= d.length) throw new ParseError('Unterminated quoted string');
      const c = d[this.at++] as number;
      if (c === 0x22) return { kind: 'string', value: Buffer.from(bytes) };
      if (c === 0x0d || c === 0x0a || c === 0) throw new ParseError('Line end or NUL inside a quoted string');
      if (c === 0x5c) {
        const next = d[this.at++];
        if (next !== 0x22 && next !== 0x5c) throw new ParseError('Only \\" and \\\\ may be escaped in a quoted string');
        bytes.push(next);
      } else bytes.push(c);
    }
  }

  private literal(): Token {
    const d = this.data;
    const close = d.indexOf(0x7d, this.at);
    const m = close === -1 ? null : /^\{(\d{1,12})\+?\}$/.exec(d.subarray(this.at, close + 1).toString('latin1'));
    if (!m || d[close + 1] !== 0x0d || d[close + 2] !== 0x0a) throw new ParseError('Malformed literal');
    const n = Number(m[1]);
    const start = close + 3;
    if (start + n > d.length) throw new ParseError('Literal shorter than announced');
    this.at = start + n;
    return { kind: 'string', value: d.subarray(start, start + n) };
  }

  /** An atom; a "[...]" inside it (BODY[HEADER.FIELDS (A B)]) is kept whole, spaces and all. */
  private atom(): Token {
    const d = this.data;
    const start = this.at;
    let brackets = 0;
    while (this.at < d.length) {
      const c = d[this.at] as number;
      if (c < 0x20 || c === 0x7f) throw new ParseError('Control character in an atom');
      if (c === 0x5b) brackets++;
      else if (c === 0x5d && brackets > 0) brackets--;
      else if (brackets === 0 && (c === 0x20 || c === 0x28 || c === 0x29 || c === 0x22 || c === 0x7b)) break;
      else if (brackets > 0 && c === 0x7b) throw new ParseError('Literals inside brackets are not supported');
      this.at++;
    }
    if (brackets > 0) throw new ParseError('Unterminated "["');
    if (this.at === start) throw new ParseError('Empty argument');
    return { kind: 'atom', value: d.subarray(start, this.at).toString('utf8') };
  }
}

// ---- Reading tokens as the grammar's types ----

/** An astring (RFC 3501 §9): an atom or a string, as UTF-8 text; undefined for a list. */
export function astring(token: Token | undefined): string | undefined {
  if (!token) return undefined;
  if (token.kind === 'atom') return token.value;
  if (token.kind === 'string') return token.value.toString('utf8');
  return undefined;
}

/** A sequence set (RFC 3501 §9 sequence-set): ranges with "*" as Infinity, normalised low–high. */
export type SequenceSet = Array<[number, number]>;

const seqNumber = /^(?:[1-9]\d{0,9}|\*)$/;

export function parseSequenceSet(text: string): SequenceSet | undefined {
  if (text === '$') return undefined;
  const parts = text.split(',');
  if (parts.length > 1000) return undefined;
  const out: SequenceSet = [];
  for (const part of parts) {
    const bounds = part.split(':');
    if (bounds.length > 2 || !bounds.every((b) => seqNumber.test(b))) return undefined;
    const nums = bounds.map((b) => (b === '*' ? Infinity : Number(b)));
    if (nums.some((n) => n !== Infinity && n > 0xffffffff)) return undefined;
    const a = nums[0] as number;
    const b = nums[1] ?? a;
    out.push(a <= b ? [a, b] : [b, a]);
  }
  return out;
}

/** Whether n is in the set, "*" standing for `largest` (RFC 3501 §9: "*" is the largest number in use). */
export function inSequenceSet(set: SequenceSet, n: number, largest: number): boolean {
  for (const [a, b] of set) {
    const lo = a === Infinity ? largest : a;
    const hi = b === Infinity ? largest : b;
    if (n >= Math.min(lo, hi) && n <= Math.max(lo, hi)) return true;
  }
  return false;
}
