// FETCH data items (RFC 3501 §6.4.5, §7.4.2): parsing the requested items, and answering them
// for one message from its metadata and, when an item needs it, its raw octets.
import { imapDateTime, raw, type Value } from './encode.ts';
import { parseMime, resolvePart, type HeaderField, type MimePart } from './mime.ts';
import type { Token } from './parser.ts';
import type { MessageMeta } from './ports.ts';
import { bodyStructure, envelope } from './structure.ts';
import { flagList } from './view.ts';

export type SectionText = '' | 'HEADER' | 'HEADER.FIELDS' | 'HEADER.FIELDS.NOT' | 'TEXT' | 'MIME';

export type FetchItem =
  | { kind: 'FLAGS' | 'UID' | 'INTERNALDATE' | 'RFC822.SIZE' | 'ENVELOPE' | 'BODYSTRUCTURE' | 'BODY' | 'RFC822' | 'RFC822.HEADER' | 'RFC822.TEXT' }
  | { kind: 'section'; peek: boolean; path: number[]; text: SectionText; fields: string[]; partial: [number, number] | null; label: string };

export type FetchParse = { ok: true; items: FetchItem[] } | { ok: false; message: string };

const simple = new Set(['FLAGS', 'UID', 'INTERNALDATE', 'RFC822.SIZE', 'ENVELOPE', 'BODYSTRUCTURE', 'BODY', 'RFC822', 'RFC822.HEADER', 'RFC822.TEXT']);
const macros: Record<string, string[]> = {
  ALL: ['FLAGS', 'INTERNALDATE', 'RFC822.SIZE', 'ENVELOPE'],
  FAST: ['FLAGS', 'INTERNALDATE', 'RFC822.SIZE'],
  FULL: ['FLAGS', 'INTERNALDATE', 'RFC822.SIZE', 'ENVELOPE', 'BODY'],
};
const sectionPattern = /^BODY(\.PEEK)?\[([^\]]*)\](?:<(\d{1,10})\.(\d{1,10})>)?$/i;
const itemsMax = 100;

export function parseFetchItems(arg: Token | undefined): FetchParse {
  if (!arg) return { ok: false, message: 'Missing FETCH items' };
  if (arg.kind === 'atom' && macros[arg.value.toUpperCase()]) {
    return { ok: true, items: (macros[arg.value.toUpperCase()] as string[]).map((k) => ({ kind: k }) as FetchItem) };
  }
  const tokens = arg.kind === 'list' ? arg.items : [arg];
  if (tokens.length === 0 || tokens.length > itemsMax) return { ok: false, message: 'Bad FETCH item list' };
  const items: FetchItem[] = [];
  for (const t of tokens) {
    if (t.kind !== 'atom') return { ok: false, message: 'Bad FETCH item' };
    const item = parseItem(t.value);
    if (typeof item === 'string') return { ok: false, message: item };
    items.push(item);
  }
  return { ok: true, items };
}

function parseItem(text: string): FetchItem | string {
  const upper = text.toUpperCase();
  if (simple.has(upper)) return { kind: upper } as FetchItem;
  const m = sectionPattern.exec(text);
  if (!m) return `Unknown FETCH item ${text.slice(0, 40)}`;
  const spec = m[2] as string;
  const sm = /^((?:[1-9]\d{0,4}\.)*)((?:[1-9]\d{0,4})?)(?:\.?)(.*)$/s.exec(spec);
  if (!sm) return 'Bad section';
  // "1.2.TEXT": the numbers, then the text part.
  const numbers = (sm[1] as string) + (sm[2] as string);
  const path = numbers === '' ? [] : numbers.replace(/\.$/, '').split('.').map(Number);
  let rest = (sm[3] as string).trim();
  if (sm[2] === '' && sm[1] !== '' && rest === '') return 'Bad section';
  let fields: string[] = [];
  const fm = /^(HEADER\.FIELDS(?:\.NOT)?)\s*\((.*)\)$/is.exec(rest);
  if (fm) {
    rest = (fm[1] as string).toUpperCase();
    fields = (fm[2] as string)
      .split(/\s+/)
      .map((f) => f.replace(/^"(.*)"$/, '$1').toLowerCase())
      .filter(Boolean);
    if (fields.length === 0 || fields.length > 200) return 'HEADER.FIELDS needs field names';
  } else rest = rest.toUpperCase();
  if (!['', 'HEADER', 'HEADER.FIELDS', 'HEADER.FIELDS.NOT', 'TEXT', 'MIME'].includes(rest)) return `Bad section ${spec.slice(0, 40)}`;
  if ((rest === 'HEADER.FIELDS' || rest === 'HEADER.FIELDS.NOT') && !fm) return 'HEADER.FIELDS needs field names';
  if (rest === 'MIME' && path.length === 0) return 'MIME needs a part number';
  const partial: [number, number] | null = m[3] !== undefined ? [Number(m[3]), Number(m[4])] : null;
  const label = `BODY[${spec.replace(/\s+/g, ' ').toUpperCase()}]${partial ? `<${partial[0]}>` : ''}`;
  return { kind: 'section', peek: m[1] !== undefined, path, text: rest as SectionText, fields, partial, label };
}

/** Whether answering these items needs the message's octets. */
export function needsContent(items: readonly FetchItem[]): boolean {
  return items.some((i) => !['FLAGS', 'UID', 'INTERNALDATE', 'RFC822.SIZE'].includes(i.kind));
}

/** Whether these items set \Seen (RFC 3501 §6.4.5: BODY[...] without .PEEK, RFC822, RFC822.TEXT). */
export function setsSeen(items: readonly FetchItem[]): boolean {
  return items.some((i) => (i.kind === 'section' && !i.peek) || i.kind === 'RFC822' || i.kind === 'RFC822.TEXT');
}

/** The values of one FETCH response: "UID n FLAGS (...) BODY[] {...}". */
export function fetchValues(items: readonly FetchItem[], meta: MessageMeta, content: Buffer | undefined, withUid: boolean): Value[] {
  const out: Value[] = [];
  let root: MimePart | undefined;
  const mime = (c: Buffer) => (root ??= parseMime(c));
  const wanted = [...items];
  if (withUid && !wanted.some((i) => i.kind === 'UID')) wanted.unshift({ kind: 'UID' });
  for (const item of wanted) {
    switch (item.kind) {
      case 'UID':
        out.push(raw('UID'), meta.uid);
        break;
      case 'FLAGS':
        out.push(raw('FLAGS'), flagList(meta.flags));
        break;
      case 'INTERNALDATE':
        out.push(raw('INTERNALDATE'), imapDateTime(meta.internalDate));
        break;
      case 'RFC822.SIZE':
        out.push(raw('RFC822.SIZE'), meta.size);
        break;
      default: {
        const c = content ?? Buffer.alloc(0);
        if (item.kind === 'ENVELOPE') out.push(raw('ENVELOPE'), envelope(mime(c).headers));
        else if (item.kind === 'BODYSTRUCTURE' || item.kind === 'BODY') out.push(raw(item.kind), bodyStructure(c, mime(c), item.kind === 'BODYSTRUCTURE'));
        else if (item.kind === 'RFC822') out.push(raw('RFC822'), c);
        else if (item.kind === 'RFC822.HEADER') out.push(raw('RFC822.HEADER'), c.subarray(0, mime(c).bodyStart));
        else if (item.kind === 'RFC822.TEXT') out.push(raw('RFC822.TEXT'), c.subarray(mime(c).bodyStart));
        else if (item.kind === 'section') out.push(raw(item.label), sectionBytes(c, mime(c), item));
      }
    }
  }
  return out;
}

function sectionBytes(c: Buffer, root: MimePart, item: Extract<FetchItem, { kind: 'section' }>): Buffer {
  let bytes: Buffer = Buffer.alloc(0);
  const found = resolvePart(root, item.path);
  if (found) {
    const { part, asMessage } = found;
    // HEADER and TEXT of a message/rfc822 part are those of the message inside it.
    const message = asMessage ? part : part.message;
    switch (item.text) {
      case '':
        bytes = item.path.length === 0 ? c : c.subarray(part.bodyStart, part.end);
        break;
      case 'MIME':
        bytes = c.subarray(part.start, part.bodyStart);
        break;
      case 'HEADER':
        if (message) bytes = c.subarray(message.start, message.bodyStart);
        break;
      case 'TEXT':
        if (message) bytes = c.subarray(message.bodyStart, message.end);
        break;
      default:
        if (message) bytes = headerFields(c, message.headers, item.fields, item.text === 'HEADER.FIELDS.NOT');
    }
  }
  if (item.partial) {
    const [start, length] = item.partial;
    bytes = bytes.subarray(start, start + length);
  }
  return bytes;
}

/** The named fields (or all but them) as they are in the message, then the blank line. */
function headerFields(c: Buffer, headers: readonly HeaderField[], fields: readonly string[], not: boolean): Buffer {
  const picked = headers.filter((h) => fields.includes(h.name) !== not).map((h) => c.subarray(h.start, h.end));
  return Buffer.concat([...picked.map((b) => (b[b.length - 1] === 0x0a ? b : Buffer.concat([b, crlf]))), crlf]);
}

const crlf = Buffer.from('\r\n');
