// Mail search, for the webmail and IMAP SEARCH: one pass over a user's index row (mailbox.ts)
// with ClusterClient.readColumns, which brings many summaries per call instead of a Get each
// (10,000 index values in a few calls). There is no separate text index to keep in step: the
// index values are the truth, and a search matches them as they are now.
//
// What is searched: the summary's sender, recipients, subject and snippet (decoded at delivery),
// and for a message stored inline (at most 16 KiB, most mail) its whole text, decoded here
// cheaply — MIME parts split by their boundaries, base64 and quoted-printable undone, the
// charset applied, HTML tags dropped; attachments are not searched. A larger (chunked) message
// is matched on what its summary holds, the snippet for its body: reading every chunk of a
// mailbox would make a search cost its whole size. Matching is a case-insensitive substring
// test on Unicode text (NFC, lower case), as RFC 3501 §6.4.4 asks of IMAP.
//
// Memory: the index row is read in pages of at most `pageBytes`, and a search keeps only the
// newest hits it may answer. It reads at most `scanBytesMax` bytes in all; past that it stops
// and says so (`more` for the webmail; IMAP then reads the messages itself).
import type { ClusterClient } from '../../kvs/cluster-client.ts';
import { decodeIndexValue, indexRow, messageFlags, parseIndexColumn, type Folder, type MessageSummary } from './mailbox.ts';
import { isMessageId } from './message-id.ts';

export interface SearchSettings {
  /** Bytes of names and values one readColumns call brings (what a search holds at once). */
  pageBytes: number;
  /** Bytes one search reads in all before it stops. */
  scanBytesMax: number;
}

/**
 * One index entry: the summary, and the message itself when it is inline. Its shape is checked
 * field by field as a scan reads it (a full schema check of every entry would cost more than
 * the matching); `value` is the stored value, for the full check of what is answered.
 */
export interface SearchEntry {
  summary: MessageSummary;
  inlineRaw: Buffer | undefined;
  value: Buffer;
}

/** What an IMAP text criterion looks at (RFC 3501 §6.4.4). */
export type SearchField = 'from' | 'to' | 'cc' | 'subject' | 'body' | 'text';

export interface SearchResult {
  /** Newest first. */
  messages: MessageSummary[];
  /** More messages match than were answered, or the search stopped at its byte budget. */
  more: boolean;
}

/** Terms of a webmail query, and the longest query accepted. */
export const queryCharsMax = 200;
const termsMax = 16;

export class MailSearch {
  constructor(
    private readonly cluster: ClusterClient,
    private readonly settings: SearchSettings,
  ) {}

  /**
   * Visits the entries of one folder (or of every folder), in column order, page by page.
   * Answers false when it stopped at the byte budget before the end.
   */
  async scan(user: string, folder: Folder | undefined, visit: (entry: SearchEntry) => void): Promise<boolean> {
    const row = indexRow(user);
    const prefix = folder === undefined ? undefined : `${folder}/`;
    let after = '';
    let read = 0;
    for (;;) {
      const bytesMax = Math.min(this.settings.pageBytes, this.settings.scanBytesMax - read);
      if (bytesMax < 1) return false;
      const page = await this.cluster.readColumns(row, { after, ...(prefix ? { prefix } : {}), bytesMax });
      for (const c of page.columns) {
        read += c.name.length + c.value.length;
        const parsed = parseIndexColumn(c.name);
        const entry = parsed && scanDecode(c.value);
        if (entry && entry.summary.folder === parsed.folder && entry.summary.id === parsed.id) visit(entry);
      }
      const last = page.columns[page.columns.length - 1];
      if (!page.more) return true;
      // A value larger than what is left of the budget: the search has read all it may.
      if (!last) return false;
      after = last.name;
    }
  }

  /**
   * The webmail's search: messages where every term of `query` appears (in the sender,
   * recipients, subject or text), newest first, at most `limit`.
   */
  async search(user: string, query: string, options: { folder?: Folder | undefined; limit: number }): Promise<SearchResult> {
    const terms = searchTerms(query);
    const keep = Math.max(1, options.limit);
    let hits: SearchEntry[] = [];
    let more = false;
    const complete = await this.scan(user, options.folder, (entry) => {
      if (!matchesAll(entry, terms)) return;
      hits.push(entry);
      // Only the newest `keep` can be answered: trim now and then, so memory stays bounded.
      if (hits.length >= 2 * keep + 64) {
        hits = newestFirst(hits).slice(0, keep);
        more = true;
      }
    });
    const sorted = newestFirst(hits);
    // What is answered passes the summary's whole schema, as any other read of it does.
    const messages = sorted.slice(0, keep).flatMap((e) => decodeIndexValue(e.value)?.summary ?? []);
    return { messages, more: more || sorted.length > keep || !complete };
  }

  /**
   * IMAP: the UIDs among `uids` of the folder whose `field` holds `value`; undefined when the
   * search stopped at its budget (the caller then reads the messages itself).
   */
  async matchingUids(user: string, folder: Folder, field: SearchField, value: string, uids: ReadonlySet<number>): Promise<Set<number> | undefined> {
    const needle = fold(value);
    const found = new Set<number>();
    const complete = await this.scan(user, folder, (entry) => {
      const uid = entry.summary.uid;
      if (uid !== undefined && uids.has(uid) && entryMatches(entry, field, needle)) found.add(uid);
    });
    return complete ? found : undefined;
  }
}

/** A query's terms, folded; empty when it has none. */
export function searchTerms(query: string): string[] {
  return fold(query).split(/\s+/u).filter(Boolean).slice(0, termsMax);
}

/** Case-insensitive comparison form: Unicode NFC, lower case. */
export function fold(text: string): string {
  // Text in ASCII is its own NFC form: most mail skips the normalisation.
  return /[^\t\n\r -~]/.test(text) ? text.normalize('NFC').toLowerCase() : text.toLowerCase();
}

function newestFirst(entries: SearchEntry[]): SearchEntry[] {
  // Ids start with the arrival time in their folder (mailbox.ts), so they sort by it.
  return entries.sort((a, b) => (a.summary.id < b.summary.id ? 1 : a.summary.id > b.summary.id ? -1 : 0));
}

const isString = (v: unknown): v is string => typeof v === 'string';
const isCount = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v) && v >= 0;

/**
 * An index value as mailbox.ts decodeIndexValue reads it, with the fields a search and an IMAP
 * listing use checked by hand; undefined when it is not one (never throws on stored bytes).
 */
export function scanDecode(value: Buffer): SearchEntry | undefined {
  const end = value.indexOf(0x0a);
  let s: Record<string, unknown>;
  try {
    s = JSON.parse(value.toString('utf8', 0, end < 0 ? value.length : end)) as Record<string, unknown>;
  } catch {
    return undefined;
  }
  if (typeof s !== 'object' || s === null || !isString(s.id) || !isMessageId(s.id) || !isString(s.folder) || !isString(s.from) || !isString(s.subject) || !isString(s.receivedAt)) return undefined;
  if (!Array.isArray(s.to) || !s.to.every(isString) || !Array.isArray(s.cc) || !s.cc.every(isString) || typeof s.unread !== 'boolean') return undefined;
  if (!isCount(s.size) || !isCount(s.chunks) || (s.uid !== undefined && !(isCount(s.uid) && s.uid > 0)) || (s.snippet !== undefined && !isString(s.snippet))) return undefined;
  if (s.flags !== undefined && !(Array.isArray(s.flags) && s.flags.every((f) => (messageFlags as readonly unknown[]).includes(f)))) return undefined;
  const inlineRaw = end < 0 ? undefined : value.subarray(end + 1);
  if (s.chunks === 0 ? inlineRaw?.length !== s.size : inlineRaw !== undefined) return undefined;
  return { summary: s as unknown as MessageSummary, inlineRaw, value };
}

/** Whether an entry's `field` holds the folded needle (IMAP's criteria, RFC 3501 §6.4.4). */
export function entryMatches(entry: SearchEntry, field: SearchField, needle: string): boolean {
  const s = entry.summary;
  const has = (text: string) => fold(text).includes(needle);
  switch (field) {
    case 'from':
      return has(s.from);
    case 'to':
      return s.to.some(has);
    case 'cc':
      return s.cc.some(has);
    case 'subject':
      return has(s.subject);
    case 'body':
      return bodyMatches(entry, needle);
    case 'text':
      return has(s.from) || s.to.some(has) || s.cc.some(has) || has(s.subject) || (entry.inlineRaw !== undefined && has(headerText(entry.inlineRaw))) || bodyMatches(entry, needle);
  }
}

/** Every term in the sender, recipients, subject or text; the text decoded only when needed, once. */
function matchesAll(entry: SearchEntry, terms: readonly string[]): boolean {
  const s = entry.summary;
  const head = fold([s.from, ...s.to, ...s.cc, s.subject].join('\n'));
  const left = terms.filter((t) => !head.includes(t));
  if (left.length === 0) return true;
  const body = fold(entry.inlineRaw === undefined ? (s.snippet ?? '') : messageBodyText(entry.inlineRaw));
  return left.every((t) => body.includes(t));
}

function bodyMatches(entry: SearchEntry, needle: string): boolean {
  if (entry.inlineRaw === undefined) return fold(entry.summary.snippet ?? '').includes(needle);
  return fold(messageBodyText(entry.inlineRaw)).includes(needle);
}

// ---- A message's text, decoded cheaply ----

/** Parts visited in one message, and how deep multiparts nest, before the rest is ignored. */
const partsMax = 64;
const depthMax = 8;

/** The header section, unfolded, with encoded words (RFC 2047) decoded. */
export function headerText(raw: Buffer): string {
  const end = headerEnd(raw);
  return decodeWords(raw.subarray(0, end.at).toString('utf8').replace(/\r?\n[ \t]+/g, ' '));
}

/** The text of a message's text parts, decoded; attachments and other parts left out. */
export function messageBodyText(raw: Buffer): string {
  const out: string[] = [];
  const budget = { parts: partsMax };
  collectText(raw, 0, out, budget);
  return out.join('\n');
}

function headerEnd(raw: Buffer): { at: number; body: number } {
  const crlf = raw.indexOf('\r\n\r\n');
  // A bare-LF blank line counts only before the first CRLF one (no need to look past it).
  const lf = (crlf < 0 ? raw : raw.subarray(0, crlf)).indexOf('\n\n');
  if (crlf >= 0 && (lf < 0 || crlf <= lf)) return { at: crlf, body: crlf + 4 };
  if (lf >= 0) return { at: lf, body: lf + 2 };
  return { at: raw.length, body: raw.length };
}

/** The header fields and parameters a search reads, compiled once (they run for every message). */
const fieldPatterns = {
  'content-type': fieldPattern('content-type'),
  'content-transfer-encoding': fieldPattern('content-transfer-encoding'),
  'content-disposition': fieldPattern('content-disposition'),
};
const paramPatterns = { boundary: paramPattern('boundary'), charset: paramPattern('charset') };

function fieldPattern(name: string): RegExp {
  return new RegExp(`(?:^|\\n)${name}[ \\t]*:([^\\r\\n]*(?:\\r?\\n[ \\t][^\\r\\n]*)*)`, 'i');
}

function paramPattern(name: string): RegExp {
  return new RegExp(`;\\s*${name}\\s*=\\s*(?:"([^"]*)"|([^;\\s]+))`, 'i');
}

/** The value of a header field (unfolded), or ''. */
function field(header: string, name: keyof typeof fieldPatterns): string {
  const match = fieldPatterns[name].exec(header);
  return match ? (match[1] as string).replace(/\r?\n[ \t]+/g, ' ').trim() : '';
}

function param(value: string, name: keyof typeof paramPatterns): string | undefined {
  const match = paramPatterns[name].exec(value);
  return match ? (match[1] ?? match[2]) : undefined;
}

function collectText(entity: Buffer, depth: number, out: string[], budget: { parts: number }): void {
  if (--budget.parts < 0) return;
  const end = headerEnd(entity);
  const header = entity.subarray(0, end.at).toString('latin1');
  const body = entity.subarray(end.body);
  const type = field(header, 'content-type');
  const mediaType = (type.split(';')[0] || 'text/plain').trim().toLowerCase();
  if (mediaType.startsWith('multipart/')) {
    const boundary = param(type, 'boundary');
    if (boundary === undefined || depth >= depthMax) return;
    for (const part of splitParts(body, boundary)) collectText(part, depth + 1, out, budget);
    return;
  }
  if (mediaType === 'message/rfc822') {
    if (depth >= depthMax) return;
    out.push(headerText(body));
    collectText(body, depth + 1, out, budget);
    return;
  }
  if (!mediaType.startsWith('text/') || /^attachment/i.test(field(header, 'content-disposition'))) return;
  const bytes = decodeTransfer(body, field(header, 'content-transfer-encoding').toLowerCase());
  const text = decodeCharset(bytes, param(type, 'charset') ?? 'utf-8');
  out.push(mediaType === 'text/html' ? htmlText(text) : text);
}

/** The parts between `--boundary` lines (RFC 2046 §5.1.1); the preamble and epilogue left out. */
function splitParts(body: Buffer, boundary: string): Buffer[] {
  const marker = Buffer.from(`--${boundary}`);
  const parts: Buffer[] = [];
  let at = body.indexOf(marker);
  while (at >= 0 && parts.length < partsMax) {
    let start = at + marker.length;
    if (body[start] === 0x2d && body[start + 1] === 0x2d) break;
    const lineEnd = body.indexOf('\n', start);
    if (lineEnd < 0) break;
    start = lineEnd + 1;
    const next = body.indexOf(marker, start);
    parts.push(body.subarray(start, next < 0 ? body.length : next));
    at = next;
  }
  return parts;
}

function decodeTransfer(body: Buffer, encoding: string): Buffer {
  if (encoding === 'base64') return Buffer.from(body.toString('latin1').replace(/[^A-Za-z0-9+/=]/g, ''), 'base64');
  if (encoding !== 'quoted-printable') return body;
  const text = body.toString('latin1').replace(/=\r?\n/g, '');
  return Buffer.from(text.replace(/=([0-9A-Fa-f]{2})/g, (_, hex: string) => String.fromCharCode(parseInt(hex, 16))), 'latin1');
}

function decodeCharset(bytes: Buffer, charset: string): string {
  try {
    return new TextDecoder(charset.toLowerCase()).decode(bytes);
  } catch {
    return bytes.toString('utf8');
  }
}

const entities: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: ' ' };

function htmlText(html: string): string {
  return html
    .replace(/<(script|style)\b[\s\S]*?<\/\1\s*>/gi, ' ')
    .replace(/<[^>]*>/g, ' ')
    .replace(/&(#x[0-9a-f]{1,6}|#[0-9]{1,7}|[a-z]{2,6});/gi, (whole, name: string) => {
      if (name[0] !== '#') return entities[name.toLowerCase()] ?? whole;
      const code = name[1] === 'x' || name[1] === 'X' ? parseInt(name.slice(2), 16) : parseInt(name.slice(1), 10);
      return code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : whole;
    })
    .replace(/\s+/g, ' ');
}

/** RFC 2047 encoded words (`=?utf-8?B?…?=`, `=?iso-8859-1?Q?…?=`) decoded; others left as they are. */
function decodeWords(text: string): string {
  return text.replace(/=\?([^?\s]+)\?([BbQq])\?([^?\s]*)\?=(?:\s+(?==\?))?/g, (whole, charset: string, kind: string, data: string) => {
    const bytes = kind.toUpperCase() === 'B' ? Buffer.from(data, 'base64') : Buffer.from(data.replace(/_/g, ' ').replace(/=([0-9A-Fa-f]{2})/g, (_, hex: string) => String.fromCharCode(parseInt(hex, 16))), 'latin1');
    const decoded = decodeCharset(bytes, charset.split('*')[0] as string);
    return decoded || whole;
  });
}
