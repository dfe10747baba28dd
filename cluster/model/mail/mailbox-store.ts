// The mailbox in the store (layout: mailbox.ts), for the mail daemon and the webmail: deliver a
// raw message into one or many mailboxes, list a folder by pages, read one, mark it read or
// unread, delete it, count what a user holds. Every call goes through the ClusterClient, which
// retries through failovers. A copy is durable once its store returns: its index column
// (holding a small message itself: one replicated write), after the chunks of a larger one, is
// acknowledged by every in-sync replica. With a delivery key, a copy the sender sends again
// (after a 451) is stored once (delivery-marks.ts).
//
// Nothing here reads a whole index row at once: listings find the newest ids in a window of
// arrival time (ids start with it) and page through it with ListColumns' `after` and `limit`,
// so what one call holds is bounded by the page asked for, however many messages a user has.
import { PennError } from '../../common/errors.ts';
import type { ClusterClient } from '../../kvs/cluster-client.ts';
import {
  changeUsage,
  decodeIndexValue,
  decodeSummary,
  decodeUsage,
  emptyUsage,
  encodeIndexValue,
  encodeUsage,
  folderEnd,
  folders,
  indexColumn,
  indexRow,
  messageRow,
  parseIndexColumn,
  refColumn,
  refsRow,
  splitChunks,
  storedInline,
  timeKey,
  usageColumn,
  usageRow,
  type Folder,
  type MessageSummary,
  type PageRequest,
  type Usage,
} from './mailbox.ts';
import { toCrlf } from './message-text.ts';
import { messageIdTime, newMessageId } from './message-id.ts';
import { parseMessage, summarize, type ParsedFields } from './message-summary.ts';
import { deleteChunks, mapLimit, readChunks, writeChunks } from './chunks.ts';
import { CopyStore } from './copy-store.ts';
import { randomHex } from './random-hex.ts';

/** Index reads in flight while listing a folder. */
const summaryReadsInFlightMax = 32;
/** Column names asked for per ListColumns call (the store caps a reply lower if it must). */
const namesPerCallMax = 5000;
/** Attempts at a CPut of the usage cell that concurrent deliveries keep changing. */
const usageAttemptsMax = 100;
/** The first window of arrival time a listing looks at; it widens or narrows from there. */
const firstWindowMs = 3_600_000;
/** Narrowing and widening steps before a listing falls back to one pass over the folder. */
const windowStepsMax = 48;

export interface StoreOptions {
  unread: boolean;
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

export class MailboxStore extends CopyStore {
  /**
   * Chunk writes may go through a client of their own with a longer deadline per operation:
   * 25 MiB written at once for several messages can outlast the interactive deadline on a busy
   * store, while an SMTP sender waits minutes for its reply to DATA (RFC 5321 §4.5.3.2.6). Reads
   * (a POP3 client waiting) and the index, usage and reference writes keep the caller's client.
   */
  private readonly chunkCluster: ClusterClient;

  constructor(cluster: ClusterClient, chunkBytes: number, chunkCluster: ClusterClient = cluster) {
    super(cluster, chunkBytes);
    this.chunkCluster = chunkCluster;
  }

  /** A new id: arrival time plus 64 random bits. */
  static newId(now = Date.now()): string {
    return newMessageId(now, randomHex(8));
  }

  /** Stores a raw message (line ends made CRLF) in the user's folder and returns its summary; QuotaFull past options.quotaBytes. */
  async store(user: string, folder: Folder, raw: Buffer, options: StoreOptions): Promise<MessageSummary> {
    const target: CopyTarget = { user, folder, unread: options.unread, deliveryKey: options.deliveryKey, quotaBytes: options.quotaBytes };
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
    const shared = !inline && targets.length > 1 ? { row: messageRow((targets[0] as CopyTarget).user, MailboxStore.newId(receivedAt.getTime())), written: undefined as Promise<void> | undefined } : null;
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
        const summaryOf = (id: string, bodyRow?: string): MessageSummary => ({
          ...summarize(parsed, { id, folder: target.folder, size: message.length, chunks: chunks.length, receivedAt, unread: target.unread }),
          ...(bodyRow ? { body: bodyRow } : {}),
        });
        if (!(await this.reserve(target.user, target.folder, message.length, target.quotaBytes))) return { ok: false, full: true };
        let stored: { id: string; written?: MessageSummary };
        try {
          stored = await this.storeOnce(target.user, target.deliveryKey, {
            newId: () => MailboxStore.newId(receivedAt.getTime()),
            exists: async (id) => (await this.cluster.get(indexRow(target.user), indexColumn(target.folder, id))) !== undefined,
            write: async (id) => {
              if (inline) return this.commit(target.user, summaryOf(id), message);
              const bodyRow = await body(id, target.user);
              await this.cluster.put(refsRow(bodyRow), refColumn(target.user, target.folder, id), Buffer.alloc(0));
              return this.commit(target.user, summaryOf(id, bodyRow));
            },
          });
        } catch (err) {
          await this.release(target.user, target.folder, message.length).catch(() => {});
          throw err;
        }
        // A retry of a delivery that happened: it was counted then.
        if (!stored.written) await this.release(target.user, target.folder, message.length).catch(() => {});
        return { ok: true, summary: stored.written ?? (await this.summary(target.user, target.folder, stored.id)) ?? summaryOf(stored.id) };
      }),
    );
    const failed = settled.find((r) => r.status === 'rejected');
    if (failed) throw failed.reason;
    return settled.map((r) => (r as PromiseFulfilledResult<CopyResult>).value);
  }

  private async commit(user: string, summary: MessageSummary, inlineRaw?: Buffer): Promise<MessageSummary> {
    const value = encodeIndexValue(summary, inlineRaw);
    // The commit point. The id holds 64 random bits, so the value is ours alone, and the
    // ClusterClient reads a CPut back after an attempt with an unknown outcome: "not applied"
    // here really means another message took the id.
    if (!(await this.cluster.cput(indexRow(user), indexColumn(summary.folder, summary.id), null, value))) {
      throw new PennError('aborted', `message id ${summary.id} collided in ${user}'s ${summary.folder}`);
    }
    return summary;
  }

  // ---- Usage and quota ----

  /** What the user's mailbox holds (recounted from the index when it was never counted). */
  async usage(user: string): Promise<Usage> {
    const value = await this.cluster.get(usageRow(user), usageColumn);
    const usage = value && decodeUsage(value);
    return usage || this.recount(user);
  }

  /**
   * Counts a message in before it is committed; false (nothing counted) when that would take
   * the user past quotaBytes. Counting first means a crash before the commit over-counts.
   */
  private async reserve(user: string, folder: Folder, bytes: number, quotaBytes: number | undefined): Promise<boolean> {
    return this.changeUsage(user, (u) => (quotaBytes !== undefined && u.bytes + bytes > quotaBytes ? undefined : changeUsage(u, folder, bytes, 1)));
  }

  /** Counts a message out after its index entry is gone (or was never committed). */
  private async release(user: string, folder: Folder, bytes: number): Promise<void> {
    await this.changeUsage(user, (u) => changeUsage(u, folder, bytes, -1), false);
  }

  /**
   * CPut of the usage cell with `change` applied; false when change answers undefined. Where
   * there is no count yet, the index is recounted first; a release then stops there, as the
   * recount already left out the entry it was for.
   */
  private async changeUsage(user: string, change: (u: Usage) => Usage | undefined, applyAfterRecount = true): Promise<boolean> {
    const row = usageRow(user);
    for (let attempt = 0; attempt < usageAttemptsMax; attempt++) {
      const value = await this.cluster.get(row, usageColumn);
      const current = value && decodeUsage(value);
      if (!value || !current) {
        await this.recount(user);
        if (!applyAfterRecount) return true;
        continue;
      }
      const next = change(current);
      if (!next) return false;
      if (await this.cluster.cput(row, usageColumn, value, encodeUsage(next))) return true;
      // Another delivery changed it at the same moment: a short random pause spreads the retries.
      await new Promise((r) => setTimeout(r, Math.random() * Math.min(50, 2 * (attempt + 1))));
    }
    throw new PennError('aborted', `${user}'s mailbox is being changed too often at once; try again later`);
  }

  /**
   * Counts the user's messages from the index, a page at a time, and writes the result where no
   * count is (CPut expect-absent: a count written meanwhile wins, it is as good). For a mailbox
   * from before counts existed, or a count lost to a bad value.
   */
  async recount(user: string): Promise<Usage> {
    let usage: Usage = { ...emptyUsage };
    for (const folder of folders) {
      await this.forEachIdPage(user, folder, async (ids) => {
        for (const s of await this.summaries(user, folder, ids)) usage = changeUsage(usage, folder, s.size, 1);
      });
    }
    const row = usageRow(user);
    const value = await this.cluster.get(row, usageColumn);
    if (value && decodeUsage(value)) return decodeUsage(value) as Usage;
    if (value) await this.cluster.cput(row, usageColumn, value, encodeUsage(usage));
    else await this.cluster.cput(row, usageColumn, null, encodeUsage(usage));
    return usage;
  }

  // ---- Listing ----

  /** Calls `visit` with a folder's ids, oldest first, a page of names at a time. */
  private async forEachIdPage(user: string, folder: Folder, visit: (ids: string[]) => Promise<void>): Promise<void> {
    let after = '';
    for (;;) {
      const page = await this.cluster.listColumnsPage(indexRow(user), { after, prefix: `${folder}/`, limit: namesPerCallMax });
      const ids = idsOf(page.columns, folder);
      if (ids.length) await visit(ids);
      const last = page.columns[page.columns.length - 1];
      if (!page.more || !last) return;
      after = last.name;
    }
  }

  /** Every id of a folder, oldest first (tests and tools: a mailbox's ids may not fit a reply). */
  async ids(user: string, folder: Folder): Promise<string[]> {
    const all: string[] = [];
    await this.forEachIdPage(user, folder, async (ids) => {
      all.push(...ids);
    });
    return all;
  }

  /** The ids after loKey and before hi (column names), oldest first; overflow when more than cap are there. */
  private async idsBetween(user: string, folder: Folder, loKey: string, hi: string, cap: number): Promise<{ ids: string[]; overflow: boolean }> {
    const ids: string[] = [];
    let after = loKey;
    for (;;) {
      const page = await this.cluster.listColumnsPage(indexRow(user), { after, prefix: `${folder}/`, limit: Math.min(namesPerCallMax, cap + 1 - ids.length) });
      for (const c of page.columns) {
        if (c.name >= hi) return { ids, overflow: false };
        const parsed = parseIndexColumn(c.name);
        if (parsed) ids.push(parsed.id);
      }
      if (ids.length > cap) return { ids, overflow: true };
      const last = page.columns[page.columns.length - 1];
      if (!page.more || !last) return { ids, overflow: false };
      after = last.name;
    }
  }

  /**
   * The newest `limit` ids older than `before` (all when absent), newest first, and whether
   * older ones remain. Ids start with their arrival time, so a window of time ending at the
   * cursor holds them: the window widens while it holds too few and narrows while it holds
   * too many (more than a few pages' worth), so each step lists a bounded number of names.
   */
  async newestIds(user: string, folder: Folder, request: PageRequest): Promise<{ ids: string[]; more: boolean }> {
    const limit = Math.max(1, Math.floor(request.limit));
    const hi = request.before !== undefined ? indexColumn(folder, request.before) : folderEnd(folder);
    const hiMs = request.before !== undefined ? messageIdTime(request.before) + 1 : Date.now() + 60_000;
    const cap = Math.max(4 * limit, 256);
    let span = firstWindowMs;
    let tooFew = 0;
    let tooMany = Infinity;
    for (let step = 0; step < windowStepsMax && tooMany - tooFew >= 2; step++) {
      const loMs = hiMs - span;
      const { ids, overflow } = await this.idsBetween(user, folder, loMs <= 0 ? '' : timeKey(folder, loMs), hi, cap);
      if (!overflow && (ids.length >= limit || loMs <= 0)) {
        const page = ids.slice(-limit).reverse();
        const oldest = page[page.length - 1];
        const more = ids.length > limit || (loMs > 0 && oldest !== undefined && (await this.hasOlder(user, folder, oldest)));
        return { ids: page, more };
      }
      if (overflow) tooMany = span;
      else tooFew = span;
      span = tooMany === Infinity ? span * 8 : Math.floor((tooFew + tooMany) / 2);
    }
    // More than `cap` messages within a millisecond or two (written in bulk): one pass over the
    // folder keeping only the newest `limit + 1`.
    const ring: string[] = [];
    await this.forEachIdPage(user, folder, async (ids) => {
      for (const id of ids) {
        if (indexColumn(folder, id) >= hi) return;
        ring.push(id);
        if (ring.length > limit + 1) ring.shift();
      }
    });
    const more = ring.length > limit;
    return { ids: ring.slice(-limit).reverse(), more };
  }

  private async hasOlder(user: string, folder: Folder, id: string): Promise<boolean> {
    const first = await this.cluster.listColumnsPage(indexRow(user), { prefix: `${folder}/`, limit: 1 });
    const name = first.columns[0]?.name;
    return name !== undefined && name < indexColumn(folder, id);
  }

  /** The newest `newestMax` messages of a folder (all when Infinity: tests and tools), oldest first. Entries deleted meanwhile are left out. */
  async list(user: string, folder: Folder, newestMax = Infinity): Promise<MessageSummary[]> {
    const ids = Number.isFinite(newestMax) ? (await this.newestIds(user, folder, { limit: newestMax })).ids.reverse() : await this.ids(user, folder);
    return this.summaries(user, folder, ids);
  }

  /** One page, newest first; the total is the folder's count (usage). */
  async page(user: string, folder: Folder, request: PageRequest): Promise<MessagePage> {
    const [found, usage] = await Promise.all([this.newestIds(user, folder, request), this.usage(user)]);
    const messages = await this.summaries(user, folder, found.ids);
    const last = found.ids[found.ids.length - 1];
    return { messages, next: found.more && last !== undefined ? last : null, total: usage[folder] };
  }

  async summary(user: string, folder: Folder, id: string): Promise<MessageSummary | undefined> {
    const value = await this.cluster.get(indexRow(user), indexColumn(folder, id));
    return value ? decodeSummary(value) : undefined;
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

  /** Sets the unread flag; false when the message does not exist. CPut, so a concurrent change is never overwritten with stale fields. */
  async setUnread(user: string, folder: Folder, id: string, unread: boolean): Promise<boolean> {
    const row = indexRow(user);
    const column = indexColumn(folder, id);
    for (let attempt = 0; attempt < 10; attempt++) {
      const value = await this.cluster.get(row, column);
      const entry = value && decodeIndexValue(value);
      if (!value || !entry) return false;
      if (entry.summary.unread === unread) return true;
      // An inline message keeps its bytes: only the summary in front of them changes.
      if (await this.cluster.cput(row, column, value, encodeIndexValue({ ...entry.summary, unread }, entry.inlineRaw))) return true;
    }
    throw new PennError('aborted', 'The message changed too often at once; try again.');
  }

  /**
   * Deletes a message: the index column first (it disappears at once), then its usage, then its
   * reference to the body, and the body's chunks when no other copy refers to them. False when
   * it was not there.
   */
  async remove(user: string, folder: Folder, id: string): Promise<boolean> {
    const row = indexRow(user);
    const column = indexColumn(folder, id);
    const value = await this.cluster.get(row, column);
    if (!value) return false;
    const summary = decodeSummary(value);
    await this.cluster.delete(row, column);
    if (!summary) return true;
    await this.release(user, folder, summary.size);
    if (summary.chunks === 0) return true;
    if (summary.body === undefined) {
      await deleteChunks(this.cluster, messageRow(user, id), summary.chunks);
      return true;
    }
    const refs = refsRow(summary.body);
    await this.cluster.delete(refs, refColumn(user, folder, id));
    // Two last copies deleted at once may both find no reference left: deleting chunks twice is harmless.
    if ((await this.cluster.listColumnsPage(refs, { limit: 1 })).columns.length === 0) await deleteChunks(this.cluster, summary.body, summary.chunks);
    return true;
  }

  private async summaries(user: string, folder: Folder, ids: readonly string[]): Promise<MessageSummary[]> {
    const found = await mapLimit(ids, summaryReadsInFlightMax, (id) => this.summary(user, folder, id));
    return found.filter((s): s is MessageSummary => s !== undefined);
  }
}

function idsOf(columns: readonly { name: string }[], folder: Folder): string[] {
  const ids: string[] = [];
  for (const c of columns) {
    const parsed = parseIndexColumn(c.name);
    if (parsed?.folder === folder) ids.push(parsed.id);
  }
  return ids;
}

/** Where a message's chunks are: its shared body, or (written before bodies were shared) its own row. */
function bodyRowOf(user: string, summary: Pick<MessageSummary, 'id' | 'body'>): string {
  return summary.body ?? messageRow(user, summary.id);
}
