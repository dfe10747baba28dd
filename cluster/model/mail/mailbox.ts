// The mailbox layout in the store, shared by the mail daemon, the webmail and IMAP. Pure: names,
// codecs and page arithmetic; mailbox-store.ts and mail-folders.ts do the reads and writes.
//
//   <user>#mail          the index: one column per message, `<folder>/<id>` — folder a folder id
//                        (inbox, drafts, sent, junk, trash, or f<n> for a user's folder,
//                        mailbox-state.ts) — holding that message's summary as JSON
//                        (MessageSummary: its UID, flags, snippet…) and, for a message of at
//                        most inlineBytesMax, the message itself after it:
//                        `<summary JSON>\n<raw message>`, with `chunks: 0` in the summary.
//                        A larger message's summary also holds its search text: the start of
//                        its decoded body text, at most searchTextBytesMax (mail-search.ts).
//   <owner>#mail#<bid>   a larger message's body (chunks ≥ 1): the raw RFC 5322 message (CRLF
//                        line ends) in columns c/000000, c/000001 … of at most mail.chunkBytes
//                        each, stored once for every copy that shares it (the local recipients
//                        of one delivery; a copy or a move in the mailbox). The summary's `body`
//                        names this row. Entries written before bodies were shared have no
//                        `body`: their row is <user>#mail#<id>, theirs alone, with no refs row.
//   <body row>#refs      one column per index entry that refers to the body,
//                        `<user>/<folder>/<id>` (empty value). The body is deleted when the last
//                        of them is.
//   <user>#mail-usage    column `state`: the mailbox state (mailbox-state.ts) — the folders with
//                        their names, UIDVALIDITY, UIDNEXT, total, unread and change counter,
//                        and the bytes counted against the quota. Column `usage` is the count of
//                        mailboxes from before folders ({bytes, inbox, sent}); it is read once,
//                        when the state is first made (state-cell.ts), and then left alone.
//
// Why one column per message: every delivery writes its own column, so concurrent deliveries
// never lose each other's entries (no read-modify-write of a shared list); each value stays
// bounded; the column names alone give a folder's order. A listing never reads the whole row:
// ids start with their arrival time, so the newest page is a window of time before a cursor.
//
// UIDs. Every message gets its UID from the state cell: one CPut that reserves its bytes
// against the quota, counts it into its folder, and takes the folder's uidNext (then advanced)
// together with an arrival time past the folder's last one (`lastMs`). The message's id is made
// from that time, so within a folder ids sort exactly as UIDs do and a listing by column name
// is a listing by UID. Only after that CPut is the index column written (CPut expect-absent:
// the commit point), carrying the UID in its summary. So:
//   - a UID is given out once: uidNext only grows, by CPut of the one cell, whatever the number
//     of daemons and frontends writing; a store failover keeps every acknowledged CPut; and
//     every state write carries a fresh random nonce, so when a CPut's outcome is unknown (a
//     failover) and the cluster client reads the cell back, it never takes another writer's
//     identical next state for its own (two deliveries of equal size at the same moment would
//     otherwise both believe they got the same UID); and the state remembers the nonces of its
//     last 32 writes, so a writer whose CPut applied, though the client reported "not applied"
//     (its reply lost, and another writer's change already on top when it read back), sees its
//     write there and does not apply the change again (a message counted or given a UID twice);
//   - a crash after the state CPut and before the commit leaves a UID never used (a gap, which
//     IMAP allows) and the counts one too high (over-counted, never under-counted: a quota is
//     never passed because of a crash; MailboxStore.recount repairs the counts);
//   - a crash never leaves an index entry without its message: a small message is inside its
//     entry, a larger one's body and reference are written before the entry;
//   - UIDVALIDITY is fixed when a folder is made and never given out twice in a mailbox
//     (`validityNext`); a user folder's id is never reused, so a folder deleted and made again
//     is a new folder with new UIDs.
// A delivery of a small message is therefore two replicated writes, as before folders: the
// state CPut (which was the usage CPut) and the index CPut; they go in one round, as one
// all-or-none CPutAll (mailbox-store.ts countAndCommit), when the two rows share a group.
//
// A move writes the message's new entry (a new id and UID in the target folder, the same
// bytes: inline, or a new reference to the same body) before it deletes the old one, and
// counts its bytes in at the start and out at the end: a crash midway leaves the message in
// both folders and counted once more, never lost nor under-counted. The change counter of a
// folder moves on at the state CPut: before an arrival is committed, after a flag change or a
// removal. Entries from before UIDs (no `uid` in their summary) get one when a folder is first
// listed for IMAP (state-cell.ts), below every UID given out since.
//
// Why small messages live in the index value: then storing one is a single replicated write
// for the message, also its commit point — all there or not there. Most mail is small; the cost
// is that reading a summary of an inline message also carries its bytes (at most
// inlineBytesMax), which bounds what a listing page reads. JSON.stringify never writes a raw
// line feed, so the first `\n` of a value ends its summary.
//
// Deletion runs the other way from storing: index column first, the counts, the reference, and
// the chunks only when no reference is left.
import { z } from 'zod';
import { isMessageId } from './message-id.ts';
import { folderIdPattern, isFolderId } from './mailbox-state.ts';

/** The folders of mailboxes from before user folders (what the old usage cell counted). */
export const folders = ['inbox', 'sent'] as const;
/** A folder id (mailbox-state.ts): a system folder's name, or f<n> for a user's folder. */
export type Folder = string;

export function isFolder(value: string): boolean {
  return isFolderId(value);
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

/** The count of a mailbox from before folders (read once, to make its state). */
export const usageColumn = 'usage';
/** The mailbox state (mailbox-state.ts). */
export const stateColumn = 'state';

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

/**
 * A chunked message's summary carries the start of its body text for mail search (its
 * `searchText`): the text/plain parts, or text/html without its tags — never attachments —
 * whitespace runs as one space, cut at this many bytes of UTF-8. A search then finds the words of
 * a larger message's first 8 KiB of text without reading its chunks, and its index value stays
 * well under an inline message's (the summary's other fields are bounded by summaryLimits). An
 * inline message needs none: its raw follows its summary. Summaries from before search texts
 * have none, and are matched on their snippet.
 */
export const searchTextBytesMax = 8 * 1024;

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
  snippetChars: 140,
} as const;

/** The message flags kept per message (RFC 3501 §2.3.2; \\Recent is not kept). */
export const messageFlags = ['\\Seen', '\\Answered', '\\Flagged', '\\Deleted', '\\Draft'] as const;
export type MessageFlag = (typeof messageFlags)[number];

const text = z.string().max(summaryLimits.textChars);
/** A body row: a user's message row (usernames as cluster/model/accounts/username.ts has them). */
const bodyRowPattern = /^[a-z][a-z0-9._-]{2,31}#mail#[0-9a-z]{9}-[0-9a-f]{16}$/;
const addressList = z.array(text).max(summaryLimits.addressesMax);

export const messageSummarySchema = z.object({
  id: z.string().refine(isMessageId, 'not a message id'),
  folder: z.string().regex(folderIdPattern),
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
  /** No \\Seen flag: kept beside `flags` (entries from before flags have only this). */
  unread: z.boolean(),
  /** The IMAP UID in its folder; absent on entries from before UIDs until they get one. */
  uid: z.number().int().min(1).optional(),
  /** Flags other than \\Seen come from here; absent on entries from before flags. */
  flags: z.array(z.enum(messageFlags)).max(messageFlags.length).optional(),
  /** The first characters of the text body, for listings. */
  snippet: z.string().max(summaryLimits.snippetChars).optional(),
  /** A chunked message's body text for search (searchTextBytesMax); absent on inline and older entries. */
  searchText: z
    .string()
    .max(searchTextBytesMax)
    .refine((t) => Buffer.byteLength(t, 'utf8') <= searchTextBytesMax, `longer than ${searchTextBytesMax} bytes of UTF-8`)
    .optional(),
  /** The Message-ID header (for replies' In-Reply-To), '' when absent. */
  messageId: text,
  /** Number of chunk columns in the message row; 0: the message is inline in the index value. */
  chunks: z.number().int().min(0),
  /** The row holding the chunks (a body shared by the delivery's recipients); absent: <user>#mail#<id>. */
  body: z.string().regex(bodyRowPattern).optional(),
  /** In Trash only: the folder (its id) the message was deleted from, where Restore puts it back. */
  trashedFrom: z.string().regex(folderIdPattern).optional(),
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

/** A summary's flags: its `flags`, with \\Seen as `unread` says. */
export function flagsOf(summary: Pick<MessageSummary, 'flags' | 'unread'>): MessageFlag[] {
  const others = (summary.flags ?? []).filter((f) => f !== '\\Seen');
  return summary.unread ? others : ['\\Seen', ...others];
}

/** The summary with these flags (in a fixed order, no repeats), `unread` following \\Seen. */
export function withFlags(summary: MessageSummary, flags: readonly MessageFlag[]): MessageSummary {
  const set = new Set(flags);
  return { ...summary, flags: messageFlags.filter((f) => set.has(f)), unread: !set.has('\\Seen') };
}

/** Cuts a string to the summary's limit, on a character boundary. */
export function clip(value: string, max: number = summaryLimits.textChars): string {
  return value.length <= max ? value : value.slice(0, max - 1) + '…';
}

// ---- Usage ----

/** What a user's mailbox holds: octets of every copy, and the inbox's and Sent's messages (the count of mailboxes from before folders). */
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
export function changeUsage(usage: Usage, folder: (typeof folders)[number], bytes: number, sign: 1 | -1): Usage {
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
