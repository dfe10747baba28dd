// ENVELOPE and BODYSTRUCTURE (RFC 3501 §7.4.2) from a parsed message (mime.ts). Header values
// go out as they are in the message, encoded words and all: decoding is the client's job, and
// a raw 8-bit value is sent as a literal by the encoder.
import type { Value } from './encode.ts';
import { header, parseDisposition, type HeaderField, type MimePart } from './mime.ts';

export function envelope(headers: readonly HeaderField[]): Value {
  const h = (name: string): string | null => {
    const v = header(headers, name);
    return v === undefined || v === '' ? null : v;
  };
  const from = addresses(h('from'));
  const sender = addresses(h('sender'));
  const replyTo = addresses(h('reply-to'));
  return [
    h('date'),
    h('subject'),
    from,
    // RFC 3501 §7.4.2: Sender and Reply-To default to From.
    sender ?? from,
    replyTo ?? from,
    addresses(h('to')),
    addresses(h('cc')),
    addresses(h('bcc')),
    h('in-reply-to'),
    h('message-id'),
  ];
}

type AddressToken = { t: 'word'; v: string } | { t: 'quoted'; v: string } | { t: 'special'; v: string };

const addressesMax = 500;

/** An address list as ENVELOPE writes it: ((name adl mailbox host)(...)), groups bracketed per RFC 3501. */
export function addresses(value: string | null): Value {
  if (value === null) return null;
  const tokens = tokenize(value);
  const out: Value[] = [];
  let i = 0;
  let inGroup = false;
  while (i < tokens.length && out.length < addressesMax) {
    let j = i;
    let angle = false;
    let groupStart = -1;
    while (j < tokens.length) {
      const tok = tokens[j] as AddressToken;
      if (tok.t === 'special') {
        if (tok.v === '<') angle = true;
        else if (tok.v === '>') angle = false;
        else if (!angle && (tok.v === ',' || tok.v === ';')) break;
        else if (!angle && tok.v === ':' && !inGroup) {
          groupStart = j;
          break;
        }
      }
      j++;
    }
    if (groupStart !== -1) {
      const name = tokens.slice(i, groupStart).map((t) => t.v).join(' ');
      out.push([null, null, name, null]);
      inGroup = true;
      i = groupStart + 1;
      continue;
    }
    const one = mailbox(tokens.slice(i, j));
    if (one) out.push(one);
    const stop = tokens[j];
    if (stop && stop.v === ';' && inGroup) {
      out.push([null, null, null, null]);
      inGroup = false;
    }
    i = j + 1;
  }
  if (inGroup) out.push([null, null, null, null]);
  // RFC 3501 §9 env-from etc.: "(" 1*address ")", the addresses with nothing between them.
  return out.length ? { parts: out, rest: [] } : null;
}

function mailbox(tokens: AddressToken[]): Value[] | null {
  if (tokens.length === 0) return null;
  const open = tokens.findIndex((t) => t.t === 'special' && t.v === '<');
  let name: string | null = null;
  let spec: AddressToken[];
  if (open !== -1) {
    const close = tokens.findIndex((t, k) => k > open && t.t === 'special' && t.v === '>');
    name = tokens.slice(0, open).map((t) => t.v).join(' ') || null;
    spec = tokens.slice(open + 1, close === -1 ? tokens.length : close);
    // An obsolete source route ("<@a,@b:user@host>") is dropped.
    const colon = spec.findIndex((t) => t.t === 'special' && t.v === ':');
    if (colon !== -1) spec = spec.slice(colon + 1);
  } else spec = tokens;
  const text = spec.map((t) => (t.t === 'quoted' ? `"${t.v}"` : t.v)).join('');
  if (text === '' && name === null) return null;
  const at = text.lastIndexOf('@');
  const local = at === -1 ? text : text.slice(0, at);
  const host = at === -1 ? '' : text.slice(at + 1);
  return [name, null, local.replace(/^"(.*)"$/, '$1'), host];
}

/** RFC 5322 lexical tokens; comments are dropped. */
function tokenize(s: string): AddressToken[] {
  const out: AddressToken[] = [];
  let i = 0;
  while (i < s.length && out.length < 10_000) {
    const c = s[i] as string;
    if (c === ' ' || c === '\t' || c === '\r' || c === '\n') i++;
    else if (c === '(') {
      let depth = 0;
      for (; i < s.length; i++) {
        if (s[i] === '\\') i++;
        else if (s[i] === '(') depth++;
        else if (s[i] === ')' && --depth === 0) break;
      }
      i++;
    } else if (c === '"') {
      let v = '';
      for (i++; i < s.length && s[i] !== '"'; i++) v += s[i] === '\\' ? (s[++i] ?? '') : s[i];
      i++;
      out.push({ t: 'quoted', v });
    } else if ('<>,:;@'.includes(c)) {
      out.push({ t: 'special', v: c });
      i++;
    } else {
      let v = '';
      while (i < s.length && !' \t\r\n()"<>,:;@'.includes(s[i] as string)) v += s[i++];
      out.push({ t: 'word', v });
    }
  }
  // "@" and the words around it stay one address spec: join word@word without spaces later.
  return out;
}

/** BODYSTRUCTURE (extensible: true) or BODY (false) of a part. */
export function bodyStructure(rawMessage: Buffer, part: MimePart, extensible: boolean): Value {
  if (part.type === 'multipart') {
    const parts = part.children.map((c) => bodyStructure(rawMessage, c, extensible));
    // A multipart with no parts cannot be written as one; show it as an empty text part.
    if (parts.length === 0) return single(rawMessage, { ...part, type: 'text', subtype: 'plain', params: [] }, extensible);
    const rest: Value[] = [part.subtype.toUpperCase()];
    if (extensible) rest.push(paramList(part.params), disposition(part), language(part), location(part));
    return { parts, rest };
  }
  return single(rawMessage, part, extensible);
}

function single(rawMessage: Buffer, part: MimePart, extensible: boolean): Value {
  const h = (name: string) => header(part.headers, name) ?? null;
  const size = part.end - part.bodyStart;
  const out: Value[] = [
    part.type.toUpperCase(),
    part.subtype.toUpperCase(),
    paramList(part.params),
    h('content-id'),
    h('content-description'),
    (h('content-transfer-encoding') ?? '7BIT').toUpperCase(),
    size,
  ];
  if (part.type === 'text') out.push(lines(rawMessage, part));
  else if (part.message) {
    out.push(envelope(part.message.headers), bodyStructure(rawMessage, part.message, extensible), lines(rawMessage, part));
  }
  if (extensible) out.push(h('content-md5'), disposition(part), language(part), location(part));
  return out;
}

function lines(rawMessage: Buffer, part: MimePart): number {
  let n = 0;
  for (let at = part.bodyStart; at < part.end; ) {
    const lf = rawMessage.indexOf(0x0a, at);
    if (lf === -1 || lf >= part.end) {
      n++;
      break;
    }
    n++;
    at = lf + 1;
  }
  return n;
}

function paramList(params: Array<[string, string]>): Value {
  if (params.length === 0) return null;
  return params.flatMap(([k, v]) => [k.toUpperCase(), v]);
}

function disposition(part: MimePart): Value {
  const d = parseDisposition(header(part.headers, 'content-disposition'));
  return d ? [d.type.toUpperCase(), paramList(d.params)] : null;
}

function language(part: MimePart): Value {
  const v = header(part.headers, 'content-language');
  if (!v) return null;
  const langs = v.split(',').map((s) => s.trim()).filter(Boolean);
  return langs.length === 1 ? (langs[0] as string) : langs;
}

function location(part: MimePart): Value {
  return header(part.headers, 'content-location') ?? null;
}

