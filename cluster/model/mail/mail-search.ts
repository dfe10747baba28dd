// Mail search, for the webmail and IMAP SEARCH: one pass over a user's index row (mailbox.ts)
// with ClusterClient.readColumns, which brings many summaries per call instead of a Get each
// (10,000 index values in a few calls). There is no separate text index to keep in step: the
// index values are the truth, and a search matches them as they are now.
//
// What is searched: the summary's sender, recipients, subject and snippet (decoded at delivery),
// and for a message stored inline (at most 16 KiB, most mail) its whole text, decoded here
// cheaply (message-body-text.ts: MIME parts, base64, quoted-printable, charsets, HTML tags
// dropped; attachments are not searched). A larger (chunked) message is matched on what its
// summary holds: its search text, the start of its body text decoded at delivery (at most
// searchTextBytesMax, mailbox.ts), or the snippet for a summary from before search texts.
// Reading every chunk of a mailbox would make a search cost its whole size. Matching is a
// case-insensitive substring test on Unicode text (NFC, lower case), as RFC 3501 §6.4.4 asks of
// IMAP.
//
// Memory: the index row is read in pages of at most `pageBytes`, and a search keeps only the
// newest hits it may answer. It reads at most `scanBytesMax` bytes in all; past that it stops
// and says so (`more` for the webmail; IMAP then reads the messages itself).
import type { ClusterClient } from '../../kvs/cluster-client.ts';
import { decodeIndexValue, indexRow, messageFlags, parseIndexColumn, type Folder, type MessageSummary } from './mailbox.ts';
import { headerText, messageBodyText } from './message-body-text.ts';
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
 * the matching); `value` is the stored value, for the full check of what is answered. A chunked
 * message's search text is taken out of its summary into `searchText`, so a caller that keeps
 * the summaries of a scan (the IMAP listing) does not keep the text too.
 */
export interface SearchEntry {
  summary: MessageSummary;
  inlineRaw: Buffer | undefined;
  searchText: string | undefined;
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
  if (s.searchText !== undefined && !isString(s.searchText)) return undefined;
  const inlineRaw = end < 0 ? undefined : value.subarray(end + 1);
  if (s.chunks === 0 ? inlineRaw?.length !== s.size : inlineRaw !== undefined) return undefined;
  if (s.searchText === undefined) return { summary: s as unknown as MessageSummary, inlineRaw, searchText: undefined, value };
  const { searchText, ...summary } = s;
  return { summary: summary as unknown as MessageSummary, inlineRaw, searchText, value };
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
  const body = fold(bodyText(entry));
  return left.every((t) => body.includes(t));
}

function bodyMatches(entry: SearchEntry, needle: string): boolean {
  return fold(bodyText(entry)).includes(needle);
}

/** The text a search matches for a message's body: all of an inline one, the start of a larger one. */
function bodyText(entry: SearchEntry): string {
  if (entry.inlineRaw !== undefined) return messageBodyText(entry.inlineRaw);
  return entry.searchText ?? entry.summary.snippet ?? '';
}
