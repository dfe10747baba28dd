// The mailbox in the store (layout: mailbox.ts), for the mail daemon, the webmail and IMAP:
// deliver a raw message into one or many mailboxes, list a folder by pages, read one, change
// its flags, delete it, count what a user holds. Folders, moves and copies are in
// mail-folders.ts, on top of this. Every call goes through the ClusterClient, which retries
// through failovers. A copy is durable once its store returns: the state CPut that gives it
// its UID and counts it, then its index column, after the chunks of a larger one, each
// acknowledged by every in-sync replica; a small message, inside its index column, goes with
// the state in one CPutAll. With a delivery key, a
// copy the sender sends again (after a 451) is stored once (delivery-marks.ts).
//
// Nothing here reads a whole index row at once (mailbox-listing.ts).
import { PennError } from '../../common/errors.ts';
import type { CPutCell, ClusterClient } from '../../kvs/cluster-client.ts';
import {
  decodeIndexValue,
  decodeSummary,
  encodeIndexValue,
  flagsOf,
  indexColumn,
  indexRow,
  messageRow,
  refColumn,
  refsRow,
  splitChunks,
  storedInline,
  withFlags,
  type Folder,
  type MessageFlag,
  type MessageSummary,
  type PageRequest,
  type Usage,
} from './mailbox.ts';
import { allocate, applyCounts, folderById, FolderError, type CountChange, type MailboxState } from './mailbox-state.ts';
import { toCrlf } from './message-text.ts';
import { newMessageId } from './message-id.ts';
import { parseMessage, summarize, type ParsedFields } from './message-summary.ts';
import { deleteChunks, mapLimit, readChunks, writeChunks } from './chunks.ts';
import { CopyStore } from './copy-store.ts';
import { randomHex } from './random-hex.ts';
import { IndexListing } from './mailbox-listing.ts';
import { StateCell } from './state-cell.ts';

/** Index reads in flight while listing a folder. */
const summaryReadsInFlightMax = 32;

export interface StoreOptions {
  unread: boolean;
  /** Flags besides \Seen (which `unread` decides). */
  flags?: readonly MessageFlag[];
  /** Arrival time; now when absent. */
  receivedAt?: Date;
  /** Parsed fields when the caller already has them (one parse for many copies). */
  parsed?: ParsedFields;
  /**
   * The copy's delivery key (delivery-marks.ts): a copy already stored under this key is
   * not stored again, and its summary (with the stored id) is returned.
   */
  deliveryKey?: string;
  /** Refuse the copy (QuotaFull) when the user's usage would pass this many octets. */
  quotaBytes?: number;
}

/** One copy of a delivery to many mailboxes. */
export interface CopyTarget {
  user: string;
  folder: Folder;
  unread: boolean;
  flags?: readonly MessageFlag[] | undefined;
  deliveryKey?: string | undefined;
  /** As StoreOptions.quotaBytes. */
  quotaBytes?: number | undefined;
}

export type CopyResult = { ok: true; summary: MessageSummary } | { ok: false; full: true };

export interface MessagePage {
  /** Newest first. */
  messages: MessageSummary[];
  /** Pass as `before` for the next page; null on the last. */
  next: string | null;
  total: number;
}

/** The user's mailbox would pass its quota with this message (RFC 3463 X.2.2). */
export class QuotaFull extends PennError {
  constructor(user: string) {
    super('resource_exhausted', `${user}'s mailbox is full`);
  }
}

/** A message's id: its arrival time in the folder, then its UID (8 hex) and 32 random bits. */
export function idFor(ms: number, uid: number): string {
  return newMessageId(ms, uid.toString(16).padStart(8, '0') + randomHex(4));
}

export class MailboxStore extends CopyStore {
  /**
   * Chunk writes may go through a client of their own with a longer deadline per operation:
   * 25 MiB written at once for several messages can outlast the interactive deadline on a busy
   * store, while an SMTP sender waits minutes for its reply to DATA (RFC 5321 §4.5.3.2.6). Reads
   * (a POP3 client waiting) and the index, state and reference writes keep the caller's client.
   */
  private readonly chunkCluster: ClusterClient;
  readonly state: StateCell;
  readonly listing: IndexListing;

  constructor(cluster: ClusterClient, chunkBytes: number, chunkCluster: ClusterClient = cluster) {
    super(cluster, chunkBytes);
    this.chunkCluster = chunkCluster;
    this.state = new StateCell(cluster);
    this.listing = new IndexListing(cluster);
  }

  /** The cluster client the index and state go through (mail-folders.ts writes entries with it). */
  get client(): ClusterClient {
    return this.cluster;
  }

  /** Stores a raw message (line ends made CRLF) in the user's folder and returns its summary; QuotaFull past options.quotaBytes. */
  async store(user: string, folder: Folder, raw: Buffer, options: StoreOptions): Promise<MessageSummary> {
    const target: CopyTarget = { user, folder, unread: options.unread, flags: options.flags, deliveryKey: options.deliveryKey, quotaBytes: options.quotaBytes };
    const [result] = await this.storeCopies(raw, [target], options);
    if (!result?.ok) throw new QuotaFull(user);
    return result.summary;
  }

  /**
   * Stores one message for many mailboxes: a larger message's bytes once (a shared body), each
   * target's own index entry referring to them. Copies are stored in parallel and each settles
   * on its own; the first failure (other than a full mailbox) is thrown once all have settled.
   */
  async storeCopies(raw: Buffer, targets: readonly CopyTarget[], options: { receivedAt?: Date; parsed?: ParsedFields } = {}): Promise<CopyResult[]> {
    const receivedAt = options.receivedAt ?? new Date();
    const message = toCrlf(raw);
    const parsed = options.parsed ?? (await parseMessage(message, receivedAt));
    const inline = storedInline(message.length, this.chunkBytes);
    const chunks = inline ? [] : splitChunks(message, this.chunkBytes);
    // A body shared by several copies is written once, by the first copy that needs it (none
    // is written when every copy turns out to be stored already or refused).
    const shared = !inline && targets.length > 1 ? { row: messageRow((targets[0] as CopyTarget).user, newMessageId(receivedAt.getTime(), randomHex(8))), written: undefined as Promise<void> | undefined } : null;
    const body = async (id: string, user: string): Promise<string> => {
      if (!shared) {
        await writeChunks(this.chunkCluster, messageRow(user, id), chunks);
        return messageRow(user, id);
      }
      shared.written ??= writeChunks(this.chunkCluster, shared.row, chunks);
      await shared.written;
      return shared.row;
    };
    const settled = await Promise.allSettled(
      targets.map(async (target): Promise<CopyResult> => {
        const base = summarize(parsed, { id: '', folder: target.folder, size: message.length, chunks: chunks.length, receivedAt, unread: target.unread });
        const flags = flagsOf({ unread: target.unread, flags: [...(target.flags ?? [])] });
        const counted: CountChange = { folder: target.folder, total: 1, unread: target.unread ? 1 : 0, bytes: message.length };
        // The id's time is when the message came into the folder (now), whatever its internal
        // date (an IMAP APPEND of old mail): Trash keeps a message by that time.
        if (inline) {
          const commit = (also?: (id: string) => CPutCell) => this.countAndCommit(target.user, counted, target.quotaBytes, Date.now(), (id, uid) => withFlags({ ...base, id, uid }, flags), message, also);
          if (target.deliveryKey === undefined) {
            const summary = await commit();
            return summary ? { ok: true, summary } : { ok: false, full: true };
          }
          // Keyed: the key's claim, then the copy and its "stored" mark in one CPutAll.
          let written: MessageSummary | undefined;
          const once = await this.storeOnceMarked(target.user, target.deliveryKey, {
            exists: async (id) => (await this.cluster.get(indexRow(target.user), indexColumn(target.folder, id))) !== undefined,
            write: async (stored) => (written = await commit(stored))?.id,
          });
          if (!once) return { ok: false, full: true };
          // A retry of a delivery that happened: the copy stored then (or, deleted since, what it was).
          return { ok: true, summary: written ?? (await this.summary(target.user, target.folder, once.id)) ?? withFlags({ ...base, id: once.id }, flags) };
        }
        const slot = await this.reserve(target.user, [counted], target.quotaBytes, Date.now());
        if (!slot) return { ok: false, full: true };
        const summaryOf = (id: string, bodyRow?: string): MessageSummary => withFlags({ ...base, id, uid: slot.uid, ...(bodyRow ? { body: bodyRow } : {}) }, flags);
        let stored: { id: string; written?: MessageSummary };
        try {
          stored = await this.storeOnce(target.user, target.deliveryKey, {
            newId: () => idFor(slot.ms, slot.uid),
            exists: async (id) => (await this.cluster.get(indexRow(target.user), indexColumn(target.folder, id))) !== undefined,
            write: async (id) => {
              if (inline) return this.commit(target.user, summaryOf(id), message);
              const bodyRow = await body(id, target.user);
              await this.cluster.put(refsRow(bodyRow), refColumn(target.user, target.folder, id), Buffer.alloc(0));
              return this.commit(target.user, summaryOf(id, bodyRow));
            },
          });
        } catch (err) {
          await this.release(target.user, [counted]).catch(() => {});
          throw err;
        }
        // A retry of a delivery that happened: it was counted then (its UID here goes unused).
        if (!stored.written) await this.release(target.user, [counted]).catch(() => {});
        return { ok: true, summary: stored.written ?? (await this.summary(target.user, target.folder, stored.id)) ?? summaryOf(stored.id) };
      }),
    );
    const failed = settled.find((r) => r.status === 'rejected');
    if (failed) throw failed.reason;
    return settled.map((r) => (r as PromiseFulfilledResult<CopyResult>).value);
  }

  /** Writes an index entry with CPut expect-absent: the commit point of a copy. */
  async commit(user: string, summary: MessageSummary, inlineRaw?: Buffer): Promise<MessageSummary> {
    const value = encodeIndexValue(summary, inlineRaw);
    // The id holds the folder's UID, so the value is ours alone, and the ClusterClient reads a
    // CPut back after an attempt with an unknown outcome: "not applied" here really means the
    // column was taken, which the state's UIDs rule out.
    if (!(await this.cluster.cput(indexRow(user), indexColumn(summary.folder, summary.id), null, value))) {
      throw new PennError('aborted', `message id ${summary.id} collided in ${user}'s ${summary.folder}`);
    }
    return summary;
  }

  // ---- Counts, UIDs and quota ----

  /**
   * What the user's mailbox holds: octets, and the inbox's and Sent's messages. Read afresh, or
   * with `maxAgeMs`, as this process last read or wrote it up to that long ago (StateCell.readRecent).
   */
  async usage(user: string, maxAgeMs?: number): Promise<Usage> {
    const state = maxAgeMs === undefined ? await this.state.read(user) : await this.state.readRecent(user, maxAgeMs);
    return { bytes: state.bytes, inbox: folderById(state, 'inbox')?.total ?? 0, sent: folderById(state, 'sent')?.total ?? 0 };
  }

  /**
   * Counts messages in and gives the first change's folder a UID (with its arrival time, see
   * mailbox.ts), before they are committed; undefined (nothing counted) when the bytes would
   * take the user past quotaBytes. Throws FolderError when the folder does not exist.
   */
  async reserve(user: string, changes: readonly CountChange[], quotaBytes: number | undefined, atMs: number, uids = 1): Promise<{ uid: number; uids: number[]; ms: number; times: number[]; state: MailboxState } | undefined> {
    return this.state.change(user, (s) => {
      const given = reserveIn(s, changes, quotaBytes, atMs, uids);
      if (!given) return { state: undefined, result: undefined };
      const { state } = given;
      return { state, result: { uid: given.uids[0] as number, uids: given.uids, ms: given.ms[0] as number, times: given.ms, state } };
    });
  }

  /**
   * A small message's copy counted in and committed in one CPutAll: the state with its UID and
   * the index entry holding the message (the layout's two writes, one round). undefined (nothing
   * written) past quotaBytes. If the call's outcome is unknown and it fails, the copy may be
   * counted without its entry, as after a crash: it is not counted out (that could count out a
   * copy never counted), so the counts may stay high until a recount.
   */
  private async countAndCommit(
    user: string,
    counted: CountChange,
    quotaBytes: number | undefined,
    atMs: number,
    summaryOf: (id: string, uid: number) => MessageSummary,
    raw: Buffer,
    also?: (id: string) => CPutCell,
  ): Promise<MessageSummary | undefined> {
    return this.state.change(user, (s) => {
      const given = reserveIn(s, [counted], quotaBytes, atMs, 1);
      if (!given) return { state: undefined, result: undefined };
      const uid = given.uids[0] as number;
      const summary = summaryOf(idFor(given.ms[0] as number, uid), uid);
      const entry = { row: indexRow(user), column: indexColumn(summary.folder, summary.id), expected: null, value: encodeIndexValue(summary, raw) };
      // After the entry: any prefix a crash leaves (the state; the state and the entry) is one
      // the writer, or a recount, can finish; a "stored" mark without its entry would lose it.
      return { state: given.state, result: summary, with: also ? [entry, also(summary.id)] : [entry] };
    });
  }

  /** Counts messages out (or flag changes in) after their index entries changed or went. */
  async release(user: string, changes: readonly CountChange[]): Promise<void> {
    await this.state.changeUnlessRebuilt(user, (s) => ({ state: applyCounts(s, changes.map((c) => ({ ...c, total: (-c.total || 0) as -1 | 0 | 1, unread: -c.unread, bytes: -c.bytes }))), result: undefined }));
  }

  /** Sets the counts from the index (after a crash left them high); see StateCell.recount. */
  async recount(user: string): Promise<Usage> {
    await this.state.recount(user);
    return this.usage(user);
  }

  // ---- Listing ----

  /** Every id of a folder, oldest first (tests and tools: a mailbox's ids may not fit a reply). */
  async ids(user: string, folder: Folder): Promise<string[]> {
    return this.listing.ids(user, folder);
  }

  /** The newest `limit` ids older than `before`, newest first, and whether older ones remain (mailbox-listing.ts). */
  async newestIds(user: string, folder: Folder, request: PageRequest): Promise<{ ids: string[]; more: boolean }> {
    return this.listing.newestIds(user, folder, request);
  }

  /** The newest `newestMax` messages of a folder (all when Infinity: tests and tools), oldest first. Entries deleted meanwhile are left out. */
  async list(user: string, folder: Folder, newestMax = Infinity): Promise<MessageSummary[]> {
    const ids = Number.isFinite(newestMax) ? (await this.newestIds(user, folder, { limit: newestMax })).ids.reverse() : await this.ids(user, folder);
    return this.summaries(user, folder, ids);
  }

  /** One page, newest first; the total is the folder's count (the state). */
  async page(user: string, folder: Folder, request: PageRequest): Promise<MessagePage> {
    const [found, state] = await Promise.all([this.newestIds(user, folder, request), this.state.read(user)]);
    const messages = await this.summaries(user, folder, found.ids);
    const last = found.ids[found.ids.length - 1];
    return { messages, next: found.more && last !== undefined ? last : null, total: folderById(state, folder)?.total ?? 0 };
  }

  async summary(user: string, folder: Folder, id: string): Promise<MessageSummary | undefined> {
    const value = await this.cluster.get(indexRow(user), indexColumn(folder, id));
    return value ? decodeSummary(value) : undefined;
  }

  /** Summaries of these ids, in their order; entries gone meanwhile are left out. */
  async summaries(user: string, folder: Folder, ids: readonly string[]): Promise<MessageSummary[]> {
    const found = await mapLimit(ids, summaryReadsInFlightMax, (id) => this.summary(user, folder, id));
    return found.filter((s): s is MessageSummary => s !== undefined);
  }

  /** The raw message (CRLF line ends), or undefined when it does not exist (any more). */
  async read(user: string, folder: Folder, id: string): Promise<{ summary: MessageSummary; raw: Buffer } | undefined> {
    const value = await this.cluster.get(indexRow(user), indexColumn(folder, id));
    const entry = value && decodeIndexValue(value);
    if (!entry) return undefined;
    const raw = entry.inlineRaw ?? (await readChunks(this.cluster, bodyRowOf(user, entry.summary), entry.summary.chunks));
    return raw ? { summary: entry.summary, raw } : undefined;
  }

  /** The raw message of a summary already in hand (POP3 holds its maildrop's summaries); undefined when it is gone. */
  async readRaw(user: string, summary: Pick<MessageSummary, 'id' | 'folder' | 'chunks' | 'body'>): Promise<Buffer | undefined> {
    if (summary.chunks > 0) return readChunks(this.cluster, bodyRowOf(user, summary), summary.chunks);
    const value = await this.cluster.get(indexRow(user), indexColumn(summary.folder, summary.id));
    return value ? decodeIndexValue(value)?.inlineRaw : undefined;
  }

  /** Sets the unread flag (no \Seen); false when the message does not exist. */
  async setUnread(user: string, folder: Folder, id: string, unread: boolean): Promise<boolean> {
    const changed = await this.changeFlags(user, folder, id, (flags) => (unread ? flags.filter((f) => f !== '\\Seen') : [...flags, '\\Seen']));
    return changed !== undefined;
  }

  /**
   * Changes a message's flags with a CPut (so a concurrent change is never overwritten with
   * stale fields), then moves the folder's counter on (and its unread count). The summary as
   * it now is, or undefined when the message does not exist. (Two writers setting the same
   * flags at once during a failover may both count the change: the unread count is then off
   * by one until MailboxStore.recount; the flags themselves are right.)
   */
  async changeFlags(user: string, folder: Folder, id: string, change: (flags: MessageFlag[]) => MessageFlag[]): Promise<MessageSummary | undefined> {
    const row = indexRow(user);
    const column = indexColumn(folder, id);
    for (let attempt = 0; attempt < 10; attempt++) {
      const value = await this.cluster.get(row, column);
      const entry = value && decodeIndexValue(value);
      if (!value || !entry) return undefined;
      const before = flagsOf(entry.summary);
      const summary = withFlags(entry.summary, change(before));
      if (flagsOf(summary).join() === before.join()) return entry.summary;
      // An inline message keeps its bytes: only the summary in front of them changes.
      if (await this.cluster.cput(row, column, value, encodeIndexValue(summary, entry.inlineRaw))) {
        const unread = (summary.unread ? 1 : 0) - (entry.summary.unread ? 1 : 0);
        const legacy = entry.summary.uid === undefined;
        await this.state.change(user, (s) => ({ state: applyCounts(s, [{ folder, total: 0, unread, bytes: 0, legacy }]), result: undefined }));
        return summary;
      }
    }
    throw new PennError('aborted', 'The message changed too often at once; try again.');
  }

  /**
   * Deletes a message for good: the index column first (it disappears at once), then its
   * counts, then its reference to the body, and the body's chunks when no other copy refers
   * to them. False when it was not there.
   */
  async remove(user: string, folder: Folder, id: string): Promise<boolean> {
    const row = indexRow(user);
    const column = indexColumn(folder, id);
    const value = await this.cluster.get(row, column);
    if (!value) return false;
    const summary = decodeSummary(value);
    await this.cluster.delete(row, column);
    if (!summary) return true;
    await this.release(user, [{ folder, total: 1, unread: summary.unread ? 1 : 0, bytes: summary.size, legacy: summary.uid === undefined }]);
    await this.dropBody(user, summary);
    return true;
  }

  /** Drops an entry's hold on its body (after the entry is gone): its reference, and the chunks with the last one. */
  async dropBody(user: string, summary: MessageSummary): Promise<void> {
    if (summary.chunks === 0) return;
    if (summary.body === undefined) {
      await deleteChunks(this.cluster, messageRow(user, summary.id), summary.chunks);
      return;
    }
    const refs = refsRow(summary.body);
    await this.cluster.delete(refs, refColumn(user, summary.folder, summary.id));
    // Two last copies deleted at once may both find no reference left: deleting chunks twice is harmless.
    if ((await this.cluster.listColumnsPage(refs, { limit: 1 })).columns.length === 0) await deleteChunks(this.cluster, summary.body, summary.chunks);
  }
}

/**
 * The state with `changes` counted in and `uids` UIDs given out in the first change's folder;
 * undefined when the bytes would take the user past quotaBytes. Throws FolderError when the
 * folder does not exist.
 */
function reserveIn(s: MailboxState, changes: readonly CountChange[], quotaBytes: number | undefined, atMs: number, uids: number): { state: MailboxState; uids: number[]; ms: number[] } | undefined {
  const bytes = changes.reduce((sum, c) => sum + c.bytes, 0);
  if (quotaBytes !== undefined && bytes > 0 && s.bytes + bytes > quotaBytes) return undefined;
  const given = allocate(s, (changes[0] as CountChange).folder, uids, atMs);
  if (!given) throw new FolderError('nonexistent', 'The folder does not exist (any more).');
  return { state: applyCounts(given.state, changes), uids: given.uids, ms: given.ms };
}

/** Where a message's chunks are: its shared body, or (written before bodies were shared) its own row. */
export function bodyRowOf(user: string, summary: Pick<MessageSummary, 'id' | 'body'>): string {
  return summary.body ?? messageRow(user, summary.id);
}
