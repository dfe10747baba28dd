// The mailbox layout in the store, shared by the mail daemon and the webmail. Pure: names,
// codecs and page arithmetic; mailbox-store.ts does the reads and writes.
//
//   <user>#mail          the index: one column per message, `<folder>/<id>` (folder inbox or
//                        sent), holding that message's summary as JSON (MessageSummary) — and,
//                        for a message of at most inlineBytesMax, the message itself after it:
//                        `<summary JSON>\n<raw message>`, with `chunks: 0` in the summary.
//   <owner>#mail#<bid>   a larger message's body (chunks ≥ 1): the raw RFC 5322 message (CRLF
//                        line ends) in columns c/000000, c/000001 … of at most mail.chunkBytes
//                        each, stored once for every local recipient of one delivery. The
//                        summary's `body` names this row; the owner is one of the recipients
//                        (the only one for a single copy, and then bid is its index id).
//                        Entries written before bodies were shared have no `body`: their row is
//                        <user>#mail#<id>, theirs alone, and has no references row.
//   <body row>#refs      one column per index entry that refers to the body,
//                        `<user>/<folder>/<id>` (empty value). The body is deleted when the last
//                        of them is.
//   <user>#mail-usage    column `usage`: {"bytes", "inbox", "sent"} — what the user's messages
//                        take (each copy counted at its full size, shared or not) and how many
//                        each folder holds; the quota and the folders' totals read it.
//
// Why one column per message: every delivery writes its own column, so concurrent deliveries
// never contend and never lose each other's entries (no read-modify-write of a shared list);
// each value stays bounded (a summary is bounded below, an inline message by inlineBytesMax);
// the row grows by one column per message, and ids sort by arrival, so the column names alone
// give a folder's order. A listing never reads the whole row: ids start with their arrival
// time, so the newest page is found by listing a window of time just before the cursor
// (mailbox-store.ts), whatever the row's width.
//
// Why small messages live in the index value: then storing one is a single replicated write
// (CPut expect-absent of the index column), which is also its commit point — all there or not
// there, with nothing to clean up after a crash. Most mail is small; the cost is that reading a
// summary of an inline message also carries its bytes (at most inlineBytesMax), which bounds
// what a listing page reads. JSON.stringify never writes a raw line feed, so the first `\n` of
// a value ends its summary. A message sent to many local users is stored inline once per
// recipient: at most recipientsMax × inlineBytesMax.
//
// Write order of a larger message (the commit point of each copy is its index column): the
// body's chunks once, then per recipient its reference column, its usage (see below), and its
// index column with CPut expect-absent. A crash in between leaves a body or references without
// index entries (unreachable bytes), never an index entry without its message. Deletion runs
// the other way: index column first, usage, the reference, and the chunks only when no
// reference is left.
//
// Usage is counted before the commit and uncounted after a deletion, each a CPut of the usage
// cell: a crash between the two steps leaves the user counted for a message they do not have
// (over-counted, never under-counted), so a quota is never exceeded by a crash. A missing cell
// is recounted from the index (mailbox-store.ts recount).
import { z } from 'zod';
import { isMessageId } from './message-id.ts';

export const folders = ['inbox', 'sent'] as const;
export type Folder = (typeof folders)[number];

export function isFolder(value: string): value is Folder {
  return (folders as readonly string[]).includes(value);
}

export function indexRow(user: string): string {
  return `${user}#mail`;
}

export function messageRow(user: string, id: string): string {
  return `${user}#mail#${id}`;
}

/** The references of a shared body (one column per index entry that uses it). */
export function refsRow(bodyRow: string): string {
  return `${bodyRow}#refs`;
}

export function refColumn(user: string, folder: Folder, id: string): string {
  return `${user}/${folder}/${id}`;
}

export function usageRow(user: string): string {
  return `${user}#mail-usage`;
}

export const usageColumn = 'usage';

export function indexColumn(folder: Folder, id: string): string {
  return `${folder}/${id}`;
}

export function parseIndexColumn(name: string): { folder: Folder; id: string } | undefined {
  const slash = name.indexOf('/');
  const folder = name.slice(0, slash);
  const id = name.slice(slash + 1);
  if (slash < 0 || !isFolder(folder) || !isMessageId(id)) return undefined;
  return { folder, id };
}

/**
 * Messages of at most this many octets are stored inside their index value (see above): one
 * write per message. 16 KiB holds most plain and short HTML mail, and keeps a listing page of
 * 100 summaries under 2 MiB read.
 */
export const inlineBytesMax = 16 * 1024;

/** Whether a message of `size` octets is stored inline, given the store's chunk size. */
export function storedInline(size: number, chunkBytes: number): boolean {
  return size <= Math.min(inlineBytesMax, chunkBytes);
}

export function chunkColumn(index: number): string {
  return `c/${String(index).padStart(6, '0')}`;
}

/** Chunks of at most chunkBytes (views of buf, no copies); an empty message is one empty chunk. */
export function splitChunks(buf: Buffer, chunkBytes: number): Buffer[] {
  if (buf.length === 0) return [buf];
  const chunks: Buffer[] = [];
  for (let at = 0; at < buf.length; at += chunkBytes) chunks.push(buf.subarray(at, at + chunkBytes));
  return chunks;
}

// ---- Summaries ----

/** Bounds that keep one index value small whatever a message's headers hold. */
export const summaryLimits = {
  textChars: 998,
  addressesMax: 100,
} as const;

const text = z.string().max(summaryLimits.textChars);
/** A body row: a user's message row (usernames as cluster/model/accounts/username.ts has them). */
const bodyRowPattern = /^[a-z][a-z0-9._-]{2,31}#mail#[0-9a-z]{9}-[0-9a-f]{16}$/;
const addressList = z.array(text).max(summaryLimits.addressesMax);

export const messageSummarySchema = z.object({
  id: z.string().refine(isMessageId, 'not a message id'),
  folder: z.enum(folders),
  /** Display form, e.g. `Alice <alice@localhost>`. */
  from: text,
  to: addressList,
  cc: addressList,
  subject: text,
  /** ISO 8601: the Date header, or the arrival time when it is missing or malformed. */
  date: z.string(),
  /** ISO 8601 arrival time. */
  receivedAt: z.string(),
  /** Octets of the raw message as stored (and as POP3 counts them). */
  size: z.number().int().min(0),
  hasAttachments: z.boolean(),
  unread: z.boolean(),
  /** The Message-ID header (for replies' In-Reply-To), '' when absent. */
  messageId: text,
  /** Number of chunk columns in the message row; 0: the message is inline in the index value. */
  chunks: z.number().int().min(0),
  /** The row holding the chunks (a body shared by the delivery's recipients); absent: <user>#mail#<id>. */
  body: z.string().regex(bodyRowPattern).optional(),
});
export type MessageSummary = z.infer<typeof messageSummarySchema>;

const lineFeed = 0x0a;

/** An index value: the summary, and the message itself when it is inline (summary.chunks 0). */
export function encodeIndexValue(summary: MessageSummary, inlineRaw?: Buffer): Buffer {
  const json = Buffer.from(JSON.stringify(messageSummarySchema.parse(summary)), 'utf8');
  if (summary.chunks === 0) {
    if (inlineRaw === undefined || inlineRaw.length !== summary.size) throw new Error('an inline message needs its bytes, of the summary\'s size');
    return Buffer.concat([json, Buffer.of(lineFeed), inlineRaw]);
  }
  if (inlineRaw !== undefined) throw new Error('a chunked message has no inline bytes');
  return json;
}

/** The summary of an index value, with the inline message when there is one; undefined when it is not one (never throws on stored bytes). */
export function decodeIndexValue(value: Buffer): { summary: MessageSummary; inlineRaw: Buffer | undefined } | undefined {
  const end = value.indexOf(lineFeed);
  try {
    const parsed = messageSummarySchema.safeParse(JSON.parse(value.subarray(0, end < 0 ? value.length : end).toString('utf8')));
    if (!parsed.success) return undefined;
    const summary = parsed.data;
    if (summary.chunks > 0) return end < 0 ? { summary, inlineRaw: undefined } : undefined;
    const inlineRaw = end < 0 ? undefined : value.subarray(end + 1);
    return inlineRaw?.length === summary.size ? { summary, inlineRaw } : undefined;
  } catch {
    return undefined;
  }
}

/** The summary of a chunked message (what index values held before messages were inlined). */
export function encodeSummary(summary: MessageSummary): Buffer {
  return encodeIndexValue(summary);
}

/** The summary in an index value, inline or not; undefined when it is not one (never throws on stored bytes). */
export function decodeSummary(value: Buffer): MessageSummary | undefined {
  return decodeIndexValue(value)?.summary;
}

/** Cuts a string to the summary's limit, on a character boundary. */
export function clip(value: string, max: number = summaryLimits.textChars): string {
  return value.length <= max ? value : value.slice(0, max - 1) + '…';
}

// ---- Usage ----

/** What a user's mailbox holds: octets of every copy, and messages per folder. */
export interface Usage {
  bytes: number;
  inbox: number;
  sent: number;
}

export const emptyUsage: Usage = { bytes: 0, inbox: 0, sent: 0 };

const usageSchema = z.object({ bytes: z.number().int().min(0), inbox: z.number().int().min(0), sent: z.number().int().min(0) });

export function encodeUsage(usage: Usage): Buffer {
  return Buffer.from(JSON.stringify(usageSchema.parse(usage)), 'utf8');
}

/** undefined when the value is not a usage (never throws on stored bytes). */
export function decodeUsage(value: Buffer): Usage | undefined {
  try {
    const parsed = usageSchema.safeParse(JSON.parse(value.toString('utf8')));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

/** The usage after adding (sign 1) or taking away (sign -1) one message; never below zero. */
export function changeUsage(usage: Usage, folder: Folder, bytes: number, sign: 1 | -1): Usage {
  return { ...usage, bytes: Math.max(0, usage.bytes + sign * bytes), [folder]: Math.max(0, usage[folder] + sign) };
}

// ---- Listing ----

/** The name `after` takes to start a folder's listing at a given arrival time (ms). */
export function timeKey(folder: Folder, ms: number): string {
  return `${folder}/${Math.max(0, Math.floor(ms)).toString(36).padStart(9, '0')}`;
}

/** Past every id of the folder (`~` sorts after every character an id holds). */
export function folderEnd(folder: Folder): string {
  return `${folder}/~`;
}

/** A folder's message ids from the index row's column names, oldest first. */
export function folderIds(columnNames: readonly string[], folder: Folder): string[] {
  const ids: string[] = [];
  for (const name of columnNames) {
    const parsed = parseIndexColumn(name);
    if (parsed?.folder === folder) ids.push(parsed.id);
  }
  return ids.sort();
}

export interface PageRequest {
  /** Only messages older than this id (the previous page's `next`); absent: the newest. */
  before?: string | undefined;
  limit: number;
}

export interface PageOfIds {
  /** Newest first. */
  ids: string[];
  /** Pass as `before` for the next (older) page; null on the last page. */
  next: string | null;
  total: number;
}

/** One page of a folder, newest first, keyed by id so pages stay stable while mail arrives. */
export function pageOfIds(idsOldestFirst: readonly string[], request: PageRequest): PageOfIds {
  const limit = Math.max(1, Math.floor(request.limit));
  let end = idsOldestFirst.length;
  if (request.before !== undefined) {
    // First index whose id is ≥ before: everything before it is older.
    let lo = 0;
    let hi = idsOldestFirst.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((idsOldestFirst[mid] as string) < request.before) lo = mid + 1;
      else hi = mid;
    }
    end = lo;
  }
  const start = Math.max(0, end - limit);
  const ids = idsOldestFirst.slice(start, end).reverse();
  return { ids, next: start > 0 ? (ids[ids.length - 1] ?? null) : null, total: idsOldestFirst.length };
}
